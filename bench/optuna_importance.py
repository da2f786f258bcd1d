#!/usr/bin/env python3
"""Optuna's side of `bench importance`: fANOVA importances of studies written by bench/Vernier.Bench.

Reads the trials file (see bench/Vernier.Bench/Importance/ImportanceTrialsJson.cs), rebuilds each study in
Optuna with optuna.trial.create_trial + Study.add_trials, runs FanovaImportanceEvaluator(n_trees, seed) on it
(seed: the study's own "seed", else --seed) and prints one JSON object on standard output:

    {"optuna": VERSION, "sklearn": VERSION,
     "studies": [{"name": ..., "seed": ..., "importances": {param: share}, "seconds": evaluation time}]}

Needs scikit-learn (Debian: apt-get install -y python3-sklearn); exits with 3 and says so when it is missing.
Run with the system Python: /usr/bin/python3 bench/optuna_importance.py --trials FILE [--seed 0] [--trees 64]
"""

import argparse
import json
import sys
import time


def distribution(spec):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if spec["type"] == "float":
        return FloatDistribution(spec["low"], spec["high"], log=spec["log"])
    if spec["type"] == "int":
        return IntDistribution(int(spec["low"]), int(spec["high"]), log=spec["log"])
    if spec["type"] == "categorical":
        return CategoricalDistribution(spec["choices"])
    raise ValueError("unknown parameter type %r" % spec["type"])


def evaluate(study_spec, trees, seed):
    import optuna

    distributions = {p["name"]: distribution(p) for p in study_spec["parameters"]}
    study = optuna.create_study(direction=study_spec["direction"])
    study.add_trials([
        optuna.trial.create_trial(
            params=t["params"],
            distributions={name: distributions[name] for name in t["params"]},
            value=t["value"],
        )
        for t in study_spec["trials"]
    ])
    names = list(distributions)
    evaluator = optuna.importance.FanovaImportanceEvaluator(n_trees=trees, seed=study_spec.get("seed", seed))
    start = time.perf_counter()
    importances = evaluator.evaluate(study, params=names)
    seconds = time.perf_counter() - start
    total = sum(importances.values())
    shares = {name: (importances.get(name, 0.0) / total if total > 0 else 0.0) for name in names}
    return {"name": study_spec["name"], "seed": study_spec.get("seed", seed), "importances": shares, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", required=True, help="the trials file written by bench/Vernier.Bench")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trees", type=int, default=64)
    args = parser.parse_args()

    try:
        import sklearn
    except ImportError:
        print("scikit-learn is missing: Optuna's FanovaImportanceEvaluator needs it "
              "(Debian: apt-get install -y python3-sklearn)", file=sys.stderr)
        return 3
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open(args.trials, encoding="utf-8") as f:
        data = json.load(f)
    studies = [evaluate(s, args.trees, args.seed) for s in data["studies"]]
    json.dump({"optuna": optuna.__version__, "sklearn": sklearn.__version__, "studies": studies}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
