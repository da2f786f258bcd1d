"""A stand-in training script that reads its whole config from one file.

Vernier writes each trial's merged config (configs/base.yaml with the trial's values) to the trial
folder and passes its path as --config (the {config} placeholder) and as VERNIER_CONFIG_FILE.
The sweep asks for JSON (config_format: json) so that this script needs only the standard library;
a script with PyYAML or OmegaConf would read the YAML copy instead.
"""
import argparse
import json
import math
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--config", default=os.environ.get("VERNIER_CONFIG_FILE"), help="the merged config file")
config_path = parser.parse_args().config
if not config_path:
    raise SystemExit("no config: run through vernier, or pass --config path/to/config.json")

with open(config_path, encoding="utf-8") as f:
    config = json.load(f)

learner, trainer, model = config["learner"], config["trainer"], config["model"]
opt, step, momentum = learner["opt"], learner["step_size"], learner["momentum"]

# A made-up loss surface: adam likes small steps, sgd likes momentum with a medium step.
best_step = 0.01 if opt == "adam" else 0.1
base = 0.2 + 0.15 * (math.log10(step) - math.log10(best_step)) ** 2
if opt == "sgd":
    base += 0.25 * (0.9 - momentum) ** 2
base += 0.01 * model["dropout"] + 0.00001 * sum(model["hidden"])

# Each run of a repeated trial has its own seed (VERNIER_SEED): the runs differ by a little noise.
seed = int(os.environ.get("VERNIER_SEED", "0"))
noise = random.Random(seed)
device = os.environ.get("CUDA_VISIBLE_DEVICES", "none")

loss = float("nan")
for epoch in range(1, trainer["epochs"] + 1):
    loss = base + 1.0 / (epoch + 1) + 0.002 * noise.gauss(0, 1)
    if epoch % trainer["log_every"] == 0:
        print(f"METRIC step={epoch} val_loss={loss:.5f}", flush=True)

print(f"trained {model['kind']} on {config['data']['name']} with {opt} step_size={step} momentum={momentum} seed={seed} device={device}")
print(f"METRIC val_loss={loss:.5f}")
