#!/usr/bin/env python3
"""Optuna's side of the `coordination` benchmark (bench/Vernier.Bench/Coordination): W processes of this
script share one study in Optuna's RDBStorage on PostgreSQL, each running study.optimize with a
RandomSampler (n_jobs threads, 1 unless given), started together from a barrier so that start-up is not measured.

  create --url URL --study NAME            creates the schema (if needed), the study and its warm-up study
  worker --url URL --study NAME --objective sleep20ms|trivial --n-trials K [--n-jobs J] --ready FILE --go FILE
  count  --url URL --study NAME            prints {"total": N, "complete": C, "running": R} as JSON

URL is postgresql://user@host:port/db; the tables go to the schema `optuna_coordination` of that database
(Optuna's table names would clash with Vernier's own in the public schema).
"""
import argparse
import json
import os
import sys
import threading
import time

SCHEMA = "optuna_coordination"


def storage_url(url):
    base = url.split("?", 1)[0]
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg2://" + base[len("postgresql://"):]
    elif base.startswith("postgres://"):
        base = "postgresql+psycopg2://" + base[len("postgres://"):]
    return base + "?options=-csearch_path%3D" + SCHEMA


def storage(optuna, url):
    # NullPool-free default: one pooled connection per process, as a user would have it.
    return optuna.storages.RDBStorage(storage_url(url))


SLEPT = [0.0]  # seconds spent in the objective's sleep, printed at the end as objective_seconds=
SLEPT_LOCK = threading.Lock()  # n_jobs > 1 runs objectives on several threads


def objective_for(name):
    def sleep20ms(trial):
        x = trial.suggest_float("x", -10.0, 10.0)
        start = time.perf_counter()
        time.sleep(0.020)
        with SLEPT_LOCK:
            SLEPT[0] += time.perf_counter() - start
        return x * x

    def trivial(trial):
        x = trial.suggest_float("x", -10.0, 10.0)
        return x * x

    return {"sleep20ms": sleep20ms, "trivial": trivial}[name]


def cmd_create(args):
    import psycopg2
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    connection = psycopg2.connect(args.url.split("?", 1)[0])
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    connection.close()
    s = storage(optuna, args.url)
    for name in (args.study, args.study + "-warmup"):
        optuna.create_study(study_name=name, storage=s, sampler=optuna.samplers.RandomSampler(), direction="minimize")


WARMUP_TRIALS = 50


def cmd_worker(args):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    s = storage(optuna, args.url)
    objective = objective_for(args.objective)
    # Warm-up on a throwaway study: connections, SQLAlchemy's compiled queries, imports. As many trials as
    # Vernier's workers warm up with (CoordinationModel.WarmupTrials), so that both are measured in steady state.
    warmup = optuna.load_study(study_name=args.study + "-warmup", storage=s, sampler=optuna.samplers.RandomSampler())
    warmup.optimize(objective_for("trivial"), n_trials=WARMUP_TRIALS)
    study = optuna.load_study(study_name=args.study, storage=s, sampler=optuna.samplers.RandomSampler())
    with open(args.ready, "w") as f:
        f.write(str(os.getpid()))
    while not os.path.exists(args.go):
        time.sleep(0.001)
    study.optimize(objective, n_trials=args.n_trials, n_jobs=args.n_jobs)
    print("objective_seconds=%r" % SLEPT[0], flush=True)


def cmd_count(args):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=args.study, storage=storage(optuna, args.url))
    trials = study.get_trials(deepcopy=False)
    state = optuna.trial.TrialState
    print(json.dumps({
        "total": len(trials),
        "complete": sum(1 for t in trials if t.state == state.COMPLETE),
        "running": sum(1 for t in trials if t.state == state.RUNNING),
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("create", "worker", "count"):
        p = sub.add_parser(name)
        p.add_argument("--url", required=True)
        p.add_argument("--study", required=True)
        if name == "worker":
            p.add_argument("--objective", required=True, choices=["sleep20ms", "trivial"])
            p.add_argument("--n-trials", type=int, required=True)
            p.add_argument("--n-jobs", type=int, default=1)
            p.add_argument("--ready", required=True)
            p.add_argument("--go", required=True)
    args = parser.parse_args()
    {"create": cmd_create, "worker": cmd_worker, "count": cmd_count}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
