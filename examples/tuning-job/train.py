"""A stand-in training program for the tuning-job example: reads --name=value arguments, reports METRIC lines."""
import math
import sys

args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
lr = float(args["learning_rate"])
batch_size = int(args["batch_size"])
layers = int(args["layers"])
print(f"training {args.get('model')} on {args.get('data')}")

# A smooth made-up response: best near lr=1e-3, batch 8, 2 layers.
accuracy = 0.95 - 0.04 * (math.log10(lr) + 3) ** 2 - 0.01 * abs(math.log2(batch_size) - 3) - 0.02 * abs(layers - 2)
for epoch in range(3):
    print(f"METRIC step={epoch} accuracy={accuracy * (epoch + 1) / 3:.4f}", flush=True)
print(f"METRIC accuracy={accuracy:.4f}")
