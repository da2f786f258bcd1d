#!/usr/bin/env python3
"""Optuna's side of Vernier's benchmark (driven by `dotnet run --project bench/Vernier.Bench`).

The .NET harness writes a plan (functions with their exact domains, seeds, budgets) and runs this script once per
(sampler, function); the script prints one JSON object on stdout. The functions follow the `code` lines of
bench/functions.json; `check` verifies them against its test vectors. Installs nothing.

  optuna_bench.py version
  optuna_bench.py check
  optuna_bench.py regret --plan PLAN.json --sampler tpe --function branin
  optuna_bench.py timing --plan PLAN.json --sampler tpe --function hartmann6 --trials 1000 --ranges 1-100,901-1000
  optuna_bench.py pruning --plan PLAN.json --pruner median --trials 100
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- the functions, in the evaluation order of functions.json ------------------------------------------------------
PI = math.pi
B = 5.1 / (4.0 * PI * PI)
C = 5.0 / PI
T = 1.0 / (8.0 * PI)
K = 10.0 * (1.0 - T)
TWO_PI = 2.0 * PI
ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10.0, 3.0, 17.0, 3.5, 1.7, 8.0], [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
     [3.0, 3.5, 1.7, 10.0, 17.0, 8.0], [17.0, 8.0, 0.05, 10.0, 0.1, 14.0]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
ACT = {"relu": 0.3, "gelu": 0.0, "tanh": 0.6}
BS = {16: 0.2, 32: 0.0, 64: 0.1, 128: 0.35}


def box(p):
    return [p["x%d" % i] for i in range(len(p))]


def branin(p):
    x0, x1 = p["x0"], p["x1"]
    u = ((x1 - (B * x0) * x0) + C * x0) - 6.0
    return (u * u + K * math.cos(x0)) + 10.0


def hartmann6(p):
    x = box(p)
    outer = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            d = x[j] - P[i][j]
            inner = inner + A[i][j] * (d * d)
        outer = outer + ALPHA[i] * math.exp(-inner)
    return -outer


def rosenbrock(p):
    x = box(p)
    total = 0.0
    for i in range(len(x) - 1):
        t1 = x[i + 1] - x[i] * x[i]
        t2 = 1.0 - x[i]
        total = total + ((100.0 * t1) * t1 + t2 * t2)
    return total


def ackley(p):
    x = box(p)
    s1 = 0.0
    s2 = 0.0
    for v in x:
        s1 = s1 + v * v
        s2 = s2 + math.cos(TWO_PI * v)
    d = float(len(x))
    return ((-20.0 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d)) + 20.0) + math.e


def styblinski_tang(p):
    total = 0.0
    for v in box(p):
        v2 = v * v
        total = total + ((v2 * v2 - 16.0 * v2) + 5.0 * v)
    return 0.5 * total


def hpo_surrogate(p):
    d = math.log10(p["lr"]) + 2.5
    L = float(p["layers"] - 4)
    q = p["dropout"] - 0.2
    return (((d * d + 0.15 * (L * L)) + ACT[p["activation"]]) + 2.0 * (q * q)) + BS[p["batch_size"]]


def pruning_shape(p):
    """The pruning curve's scale c and time constant tau (functions.json `pruning_curve`)."""
    c = (1.0 + 0.1 * float(p["layers"])) + 2.0 * p["dropout"]
    tau = math.pow(10.0, 1.0 - (math.log10(p["lr"]) + 2.5) / 2.5)
    return c, tau


def pruning_value(final, c, tau, step):
    """The value reported at step 0..49: the loss after epoch step + 1."""
    return final + c * math.exp(-float(step + 1) / tau)


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock": rosenbrock, "ackley": ackley,
             "styblinski_tang": styblinski_tang, "hpo_surrogate": hpo_surrogate}


# ---- Optuna ---------------------------------------------------------------------------------------------------------
def import_optuna():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    return optuna


def make_sampler(optuna, name, seed):
    s = optuna.samplers
    if name == "random":
        return s.RandomSampler(seed=seed)
    if name == "tpe":
        return s.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        return s.TPESampler(seed=seed, multivariate=True)
    if name == "cmaes":
        return s.CmaEsSampler(seed=seed)
    if name == "qmc":
        return s.QMCSampler(seed=seed, scramble=True)
    if name == "qmc-unscrambled":
        # Unscrambled Sobol is the same sequence for every seed and its early points include the domain's centre.
        return s.QMCSampler(seed=seed, scramble=False)
    raise ValueError("unknown sampler '%s'" % name)


def make_pruner(optuna, name, max_resource):
    # Every pruner with Optuna's defaults; Hyperband's max_resource is "auto" (its default) unless the plan says otherwise.
    p = optuna.pruners
    if name == "none":
        return p.NopPruner()
    if name == "median":
        return p.MedianPruner()
    if name == "successive_halving":
        return p.SuccessiveHalvingPruner()
    if name == "hyperband":
        return p.HyperbandPruner(max_resource=max_resource)
    raise ValueError("unknown pruner '%s'" % name)


def distributions(optuna, domain):
    d = optuna.distributions
    result = {}
    for p in domain:
        if p["type"] == "float":
            result[p["name"]] = d.FloatDistribution(p["low"], p["high"], log=p["log"])
        elif p["type"] == "int":
            result[p["name"]] = d.IntDistribution(int(round(p["low"])), int(round(p["high"])), log=p["log"])
        else:
            result[p["name"]] = d.CategoricalDistribution(p["choices"])
    return result


def load_plan(path, function):
    with open(path) as f:
        plan = json.load(f)
    spec = next((x for x in plan["functions"] if x["name"] == function), None)
    if spec is None:
        raise ValueError("function '%s' is not in the plan" % function)
    return plan, spec


def make_study(optuna, sampler, seed):
    # In-memory storage; ask(fixed_distributions) samples every parameter at ask time, like Vernier's declared space.
    return optuna.create_study(direction="minimize", sampler=make_sampler(optuna, sampler, seed))


def cmd_regret(args):
    optuna = import_optuna()
    plan, spec = load_plan(args.plan, args.function)
    f = FUNCTIONS[spec["base_name"]]
    budget = max(plan["budgets"])
    start = time.perf_counter()
    curves = []
    for seed in plan["seeds"]:
        study = make_study(optuna, args.sampler, seed)
        dists = distributions(optuna, spec["domain"])
        best = math.inf
        curve = []
        for _ in range(budget):
            trial = study.ask(dists)
            value = f(trial.params)
            study.tell(trial, value)
            best = min(best, value)
            curve.append(best)
        curves.append(curve)
    json.dump({"sampler": args.sampler, "function": args.function, "best_so_far": curves,
               "seconds": time.perf_counter() - start}, sys.stdout)


def cmd_pruning(args):
    """Per seed: a TPE study of `trials` trials on the pruning curve, each reporting up to `steps` values."""
    optuna = import_optuna()
    plan, spec = load_plan(args.plan, args.function)
    f = FUNCTIONS[spec["base_name"]]
    max_resource = "auto" if args.max_resource == "auto" else int(args.max_resource)
    start = time.perf_counter()
    runs = []
    for seed in plan["seeds"]:
        t0 = time.perf_counter()
        # A fixed study name: Hyperband picks a trial's bracket from a hash of the study name and the trial number, and
        # Optuna's default name is a fresh UUID, which would make every run differ.
        study = optuna.create_study(study_name="pruning-%s-%s-%d" % (args.pruner, args.sampler, seed), direction="minimize",
                                    sampler=make_sampler(optuna, args.sampler, seed), pruner=make_pruner(optuna, args.pruner, max_resource))
        dists = distributions(optuna, spec["domain"])
        # The same-trials comparison: the harness's trial sequence for this seed, evaluated first and in order.
        for params in plan.get("enqueue", {}).get(str(seed), []):
            study.enqueue_trial(params)
        steps = 0
        pruned = 0
        best = math.inf
        completions = []
        for _ in range(args.trials):
            trial = study.ask(dists)
            final = f(trial.params)
            c, tau = pruning_shape(trial.params)
            for step in range(args.steps):
                v = pruning_value(final, c, tau, step)
                trial.report(v, step)
                steps += 1
                if trial.should_prune():
                    study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                    pruned += 1
                    break
            else:
                study.tell(trial, v)
                best = min(best, v)
                completions.append([steps, v])
        runs.append({"seed": seed, "trials": args.trials, "steps": steps, "pruned": pruned,
                     "best": best if best < math.inf else None, "seconds": time.perf_counter() - t0,
                     "completions": completions})
    json.dump({"pruner": args.pruner, "sampler": args.sampler, "runs": runs, "seconds": time.perf_counter() - start},
              sys.stdout)


def parse_ranges(text):
    return [tuple(int(v) for v in r.split("-")) for r in text.split(",")]


def cmd_timing(args):
    optuna = import_optuna()
    plan, spec = load_plan(args.plan, args.function)
    f = FUNCTIONS[spec["base_name"]]
    ranges = parse_ranges(args.ranges)
    study = make_study(optuna, args.sampler, args.seed)
    dists = distributions(optuna, spec["domain"])
    times = []
    for _ in range(args.trials):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        times.append(time.perf_counter() - t0)
        study.tell(trial, f(trial.params))
    means = [None if last > len(times) else 1000.0 * sum(times[first - 1:last]) / (last - first + 1)
             for first, last in ranges]
    medians = [None if last > len(times) else 1000.0 * median(times[first - 1:last]) for first, last in ranges]
    json.dump({"sampler": args.sampler, "function": args.function, "trials": len(times), "mean_ms": means,
               "median_ms": medians}, sys.stdout)


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def cmd_check(args):
    with open(os.path.join(HERE, "functions.json")) as fh:
        spec = json.load(fh)
    bad = 0
    for name, fn in spec["functions"].items():
        for v in fn["test_vectors"]:
            got = FUNCTIONS[name](v["x"])
            if got != v["f"]:
                bad += 1
                print("%s %s: %r != %r" % (name, v["x"], got, v["f"]))
    for v in spec["pruning_curve"]["test_vectors"]:
        c, tau = pruning_shape(v["x"])
        got = {k: pruning_value(hpo_surrogate(v["x"]), c, tau, int(k)) for k in v["v"]}
        if (c, tau) != (v["c"], v["tau"]) or got != v["v"]:
            bad += 1
            print("pruning_curve %s: %r != %r" % (v["x"], (c, tau, got), (v["c"], v["tau"], v["v"])))
    print("%d mismatches" % bad)
    return 1 if bad else 0


def cmd_version(args):
    print(import_optuna().__version__)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("version")
    sub.add_parser("check")
    r = sub.add_parser("regret")
    r.add_argument("--plan", required=True)
    r.add_argument("--sampler", required=True)
    r.add_argument("--function", required=True)
    t = sub.add_parser("timing")
    t.add_argument("--plan", required=True)
    t.add_argument("--sampler", required=True)
    t.add_argument("--function", required=True)
    t.add_argument("--trials", type=int, required=True)
    t.add_argument("--ranges", required=True)
    t.add_argument("--seed", type=int, default=0)
    pr = sub.add_parser("pruning")
    pr.add_argument("--plan", required=True)
    pr.add_argument("--pruner", required=True, choices=["none", "median", "successive_halving", "hyperband"])
    pr.add_argument("--function", default="hpo_surrogate")
    pr.add_argument("--sampler", default="tpe")
    pr.add_argument("--trials", type=int, default=100)
    pr.add_argument("--steps", type=int, default=50)
    pr.add_argument("--max-resource", default="auto", help='Hyperband\'s max_resource: "auto" or a step count')
    args = parser.parse_args()
    return {"version": cmd_version, "check": cmd_check, "regret": cmd_regret, "timing": cmd_timing,
            "pruning": cmd_pruning}[args.command](args) or 0


if __name__ == "__main__":
    sys.exit(main())
