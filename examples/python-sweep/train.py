"""Logistic regression on a noisy synthetic problem, in plain Python (standard library only).

Run by Vernier two ways:
  study.yaml           python3 train.py --lr=0.1 --l2=0.001 --batch_size=32   (a process per trial)
  study-callable.yaml  callable: "train:objective"   (Vernier calls objective(params, trial) per trial)

Both report the validation loss after every epoch, so that a pruner can stop a poor trial early,
and the final validation loss at the end.
"""

import argparse
import math
import random
import time

import vernier_report  # Vernier puts it on PYTHONPATH; by hand: PYTHONPATH=../../python python3 train.py

FEATURES = 8
EPOCHS = 20
EPOCH_PAUSE = 0.05  # seconds: stands in for a real epoch's work, so that pruning has time to save


def make_data(seed=7, n=800):
    """Points labelled by a hidden linear rule, with 10% of labels flipped."""
    rng = random.Random(seed)
    truth = [rng.gauss(0, 1) for _ in range(FEATURES)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(FEATURES)]
        y = 1 if sum(w * v for w, v in zip(truth, x)) > 0 else 0
        if rng.random() < 0.1:
            y = 1 - y
        rows.append((x, y))
    return rows[: n * 3 // 4], rows[n * 3 // 4 :]


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def loss(weights, bias, rows):
    eps = 1e-12
    total = 0.0
    for x, y in rows:
        p = sigmoid(sum(w * v for w, v in zip(weights, x)) + bias)
        total -= y * math.log(p + eps) + (1 - y) * math.log(1 - p + eps)
    return total / len(rows)


def train(lr, l2, batch_size, epochs, report=None, seed=0):
    """Mini-batch gradient descent; calls report(epoch, val_loss) after every epoch; returns the final validation loss."""
    train_rows, val_rows = make_data()
    rng = random.Random(seed)
    weights = [0.0] * FEATURES
    bias = 0.0
    val_loss = float("nan")
    for epoch in range(1, epochs + 1):
        rng.shuffle(train_rows)
        for start in range(0, len(train_rows), batch_size):
            batch = train_rows[start : start + batch_size]
            grad_w = [0.0] * FEATURES
            grad_b = 0.0
            for x, y in batch:
                error = sigmoid(sum(w * v for w, v in zip(weights, x)) + bias) - y
                for i, v in enumerate(x):
                    grad_w[i] += error * v
                grad_b += error
            weights = [w - lr * (g / len(batch) + l2 * w) for w, g in zip(weights, grad_w)]
            bias -= lr * grad_b / len(batch)
        val_loss = loss(weights, bias, val_rows)
        time.sleep(EPOCH_PAUSE)
        if report is not None:
            report(epoch, val_loss)
    return val_loss


def objective(params, trial):
    """For study-callable.yaml: the parameters as a dict, a trial to report to; returns the metric."""
    return train(params["lr"], params["l2"], params["batch_size"], EPOCHS, report=trial.report)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--l2", type=float, required=True)
    parser.add_argument("--batch_size", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    val_loss = train(args.lr, args.l2, args.batch_size, args.epochs,
                     report=lambda epoch, value: vernier_report.report(epoch, val_loss=value))
    vernier_report.final(val_loss=val_loss)


if __name__ == "__main__":
    main()
