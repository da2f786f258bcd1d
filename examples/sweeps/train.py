"""A stand-in training program for wandb-sweep.yaml: reads --name=value arguments, prints METRIC lines."""
import math
import sys

args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
lr = float(args["learning_rate"])
batch = int(args["batch_size"])
momentum = float(args["optimizer.momentum"]) if args["optimizer.name"] == "sgd" else 0.0
for epoch in range(1, int(args["epochs"]) + 1):
    loss = (math.log10(lr) + 2.5) ** 2 + 0.002 * batch + 0.3 * (momentum - 0.9) ** 2 + 1.0 / epoch
    print(f"METRIC step={epoch} val_loss={loss:.5f}", flush=True)
print(f"METRIC val_loss={loss:.5f}")
