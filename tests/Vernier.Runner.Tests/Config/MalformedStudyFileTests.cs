using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

/// <summary>Every malformed file gets one exact message: file, line and column of the offending node, what is wrong, what is allowed.</summary>
public sealed class MalformedStudyFileTests
{
    private const string Space = "space: { x: { type: int, low: 0, high: 3 } }\n";
    private const string Objective = "objective: { command: [python3, train.py], metric: loss }\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "unknown top-level key, with a suggestion",
            Space + Objective + "max_trial: 10\n",
            "study.yaml:3:1: unknown key 'max_trial' at the top level; did you mean 'max_trials'? allowed keys: name, storage, space (or search_space), constraints, strategy, pruner, objective, resource, max_trials, timeout, trackers, run, outputs"
        },
        {
            "unknown key in a parameter",
            "space:\n  - { name: lr, type: float, low: 0.1, hihg: 1 }\n" + Objective,
            "study.yaml:2:40: unknown key 'hihg' for parameter 'lr' of type float; did you mean 'high'? allowed keys: name, type, low (or min), high (or max), log, step, when"
        },
        {
            "unknown key without a close match",
            Space + "objective: { command: [a], metric: loss, retries: 3 }\n",
            "study.yaml:2:42: unknown key 'retries' in 'objective'; allowed keys: command, callable, metric, metrics, constraints, grace_period, maximize, direction, directions, timeout, env, working_directory, pass_parameters, max_retries, retry_on, retry_backoff, base_config, config_format, allow_new_keys, overrides, steps, repeats, seeds, aggregate, python"
        },
        {
            "bound is not a number",
            "space:\n  - { name: lr, type: float, low: abc, high: 1 }\n" + Objective,
            "study.yaml:2:35: low must be a number, got 'abc'"
        },
        {
            "quoted number in JSON",
            "{\"space\": [{\"name\": \"lr\", \"type\": \"float\", \"low\": \"0.1\", \"high\": 1}],\n \"objective\": {\"command\": [\"a\"], \"metric\": \"m\"}}\n",
            "study.yaml:1:51: low must be a number, got the quoted string '0.1' (remove the quotes for a number)"
        },
        {
            "int bound is a float",
            "space:\n  - { name: n, type: int, low: 1.5, high: 4 }\n" + Objective,
            "study.yaml:2:32: low must be an integer, got '1.5'"
        },
        {
            "missing bound",
            "space:\n  - { name: lr, type: float, low: 0.1 }\n" + Objective,
            "study.yaml:2:5: missing required key 'high' for parameter 'lr' of type float; give the range with low and high (or min and max)"
        },
        {
            "duplicate key",
            Space + Objective + "max_trials: 5\nmax_trials: 6\n",
            "study.yaml:4:1: duplicate key 'max_trials'; each key may appear only once in a mapping"
        },
        {
            "same key under two spellings",
            "space:\n  lr: { type: uniform, low: 0, min: 0.1, max: 1 }\n" + Objective,
            "study.yaml:2:32: 'min' and 'low' are the same key for parameter 'lr' of type uniform; give only one"
        },
        {
            "unknown parameter type, with a suggestion",
            "space:\n  lr: { type: loguniorm, min: 0.001, max: 0.1 }\n" + Objective,
            "study.yaml:2:15: unknown type 'loguniorm' for parameter 'lr'; did you mean 'loguniform'? allowed types: float, int, categorical, normal, uniform, loguniform, quniform, randint (max exclusive), lograndint (max exclusive), qrandint, choice"
        },
        {
            "missing type",
            "space:\n  - { name: lr, low: 0, high: 1 }\n" + Objective,
            "study.yaml:2:5: parameter 'lr' needs a 'type'; allowed types: float, int, categorical, normal, uniform, loguniform, quniform, randint (max exclusive), lograndint (max exclusive), qrandint, choice"
        },
        {
            "misspelt type key",
            "space:\n  - { name: lr, tpye: float, low: 0, high: 1 }\n" + Objective,
            "study.yaml:2:17: unknown key 'tpye' for parameter 'lr'; did you mean 'type'? allowed keys: name, type, low (or min), high (or max), log, step, q, choices (or values), mean (or mu), std (or sigma), when"
        },
        {
            "misspelt name key",
            "space:\n  - { nmae: lr, type: float, low: 0, high: 1 }\n" + Objective,
            "study.yaml:2:7: unknown key 'nmae' in a parameter entry; did you mean 'name'? allowed keys: name, type, low (or min), high (or max), log, step, q, choices (or values), mean (or mu), std (or sigma), when"
        },
        {
            "low above high, from the distribution",
            "space:\n  - { name: lr, type: float, low: 0.5, high: 0.1 }\n" + Objective,
            "study.yaml:2:5: parameter 'lr': low (0.5) must not exceed high (0.1)"
        },
        {
            "log scale from zero, from the distribution",
            "space:\n  lr: { type: loguniform, min: 0, max: 0.1 }\n" + Objective,
            "study.yaml:2:3: parameter 'lr': a log-scale range needs low > 0, got low=0"
        },
        {
            "step that does not fit, from the distribution",
            "space:\n  - name: n\n    type: int\n    low: 1\n    high: 6\n    step: 3\n" + Objective,
            "study.yaml:2:5: parameter 'n': step 3 does not fit the range [1, 6]: high - low must be a multiple of the step"
        },
        {
            "repeated choice, from the distribution",
            "space:\n  act: { type: choice, values: [relu, tanh, relu] }\n" + Objective,
            "study.yaml:2:3: parameter 'act': choices must be distinct, but relu appears more than once"
        },
        {
            "normal without a std",
            "space:\n  init: { type: normal, mean: 0 }\n" + Objective,
            "study.yaml:2:9: missing required key 'std' for parameter 'init' of type normal; write { type: normal, mean: 0, std: 1 }; with log: true they are the mean and std of the logarithm"
        },
        {
            "normal with a std that is not positive",
            "space:\n  init: { type: normal, mean: 0, sigma: -1 }\n" + Objective,
            "study.yaml:2:3: parameter 'init': the standard deviation of a normal distribution must be a positive number, got -1"
        },
        {
            "normal with bounds",
            "space:\n  init: { type: normal, mean: 0, std: 1, low: -1 }\n" + Objective,
            "study.yaml:2:42: unknown key 'low' for parameter 'init' of type normal; did you mean 'log'? allowed keys: type, mean (or mu), std (or sigma), log, step, when"
        },
        {
            "grid over a normal",
            "space:\n  init: { type: normal, mean: 0, std: 1, step: 0.5 }\nstrategy: grid\n" + Objective,
            "study.yaml:2:3: grid search needs a finite set of values, but 'init' is an unbounded normal(mean 0, std 1) step 0.5; give it a step, or make it categorical"
        },
        {
            "randint's exclusive max",
            "space:\n  layers: { type: randint, min: 3, max: 3 }\n" + Objective,
            "study.yaml:2:41: randint's max is exclusive (as in Ray Tune), so it must be greater than min (3), got 3; for an inclusive range use type: int"
        },
        {
            "duplicate parameter name",
            "space:\n  - { name: lr, type: float, low: 0, high: 1 }\n  - { name: lr, type: int, low: 1, high: 3 }\n" + Objective,
            "study.yaml:3:13: parameter 'lr' is declared twice (first at line 2); parameter names must be unique"
        },
        {
            "invalid parameter name",
            "space:\n  - { name: \"my lr\", type: float, low: 0, high: 1 }\n" + Objective,
            "study.yaml:2:13: 'my lr' is not a valid parameter name; a name starts with a letter or '_' and holds letters, digits, '_', '-' or '.'"
        },
        {
            "condition on an undeclared parameter",
            "space:\n  - { name: lr, type: float, low: 0, high: 1 }\n  - { name: momentum, type: float, low: 0, high: 1, when: { optimizer: sgd } }\n" + Objective,
            "study.yaml:3:61: the 'when' of parameter 'momentum' refers to 'optimizer', which is not a declared parameter; declared parameters: lr, momentum"
        },
        {
            "condition on a misspelt parameter",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\n  m: { type: float, min: 0, max: 1 }\nconstraints:\n  - { when: { otp: adam }, set: { m: 0 } }\n" + Objective,
            "study.yaml:5:15: the 'when' of a constraint refers to 'otp', which is not a declared parameter; did you mean 'opt'? declared parameters: opt, m"
        },
        {
            "condition value the parameter never takes",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\n  momentum: { type: float, min: 0, max: 1, when: { opt: sdg } }\n" + Objective,
            "study.yaml:3:57: the 'when' of parameter 'momentum' compares 'opt' with 'sdg', which 'opt' can never take; 'opt' is categorical[sgd, adam]"
        },
        {
            "numeric comparison on a categorical",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\nconstraints:\n  - forbid: { opt: { gt: 1 } }\n" + Objective,
            "study.yaml:4:22: 'forbid' compares the categorical 'opt' with 'gt'; for a categorical parameter use a value, a list, eq, ne or in"
        },
        {
            "fixed value out of range",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\n  momentum: { type: float, min: 0, max: 0.99 }\nconstraints:\n  - { when: { opt: adam }, set: { momentum: 2 } }\n" + Objective,
            "study.yaml:5:45: 'set' gives 'momentum' the value '2', which 'momentum' can never take; 'momentum' is float[0, 0.99]"
        },
        {
            "constraint without set",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\nconstraints:\n  - { when: { opt: adam } }\n" + Objective,
            "study.yaml:4:5: missing required key 'set' in a constraint; say which values the condition fixes, e.g. set: { momentum: 0 }"
        },
        {
            "constraint that forbids and sets",
            "space:\n  opt: { type: choice, values: [sgd, adam] }\n  m: { type: float, min: 0, max: 1 }\nconstraints:\n  - { forbid: { opt: sgd }, set: { m: 0 } }\n" + Objective,
            "study.yaml:5:29: a constraint cannot both 'forbid' and 'set'; forbid a combination with { forbid: {...} }, or fix a value with { when: {...}, set: {...} }"
        },
        {
            "strategy given as a list",
            Space + Objective + "strategy: [random]\n",
            "study.yaml:3:11: 'strategy' must be a name or a mapping, got a list; write e.g. strategy: { name: auto }"
        },
        {
            "conditions forming a cycle",
            "space:\n  a: { type: choice, values: [x, y], when: { b: x } }\n  b: { type: choice, values: [x, y], when: { a: x } }\n" + Objective,
            "study.yaml:1:1: the search space is inconsistent: conditions form a cycle: a -> b -> a"
        },
        {
            "empty space",
            "space: []\n" + Objective,
            "study.yaml:1:8: the search space is empty; declare at least one parameter"
        },
        {
            "missing space",
            Objective,
            "study.yaml:1:1: missing required key 'space' at the top level; a study file is a mapping with at least 'space' and 'objective'"
        },
        {
            "both command and callable",
            Space + "objective:\n  command: [python3, train.py]\n  callable: \"a.dll:T.M\"\n  metric: loss\n",
            "study.yaml:4:3: 'objective' has both 'command' and 'callable'; give exactly one: a command to run per trial, or a method to call"
        },
        {
            "neither command nor callable",
            Space + "objective:\n  metric: loss\n",
            "study.yaml:3:3: 'objective' needs 'command' or 'callable'; command: [python3, train.py] runs a process per trial; callable: \"package.module:function\" calls a Python function, \"path/to/Assembly.dll:Namespace.Type.Method\" a .NET method"
        },
        {
            "command without metric",
            Space + "objective: { command: [a] }\n",
            "study.yaml:2:12: missing required key 'metric' in 'objective'; name the metric the command prints as METRIC name=value, e.g. metric: val_loss"
        },
        {
            "unclosed quote in a command string",
            Space + "objective: { command: \"python3 'train.py\", metric: loss }\n",
            "study.yaml:2:23: the single quote at character 9 of the command is not closed; quote as a POSIX shell would, or give the command as a list of arguments"
        },
        {
            "callable that is neither a Python function nor a .NET method",
            Space + "objective: { callable: train.py }\n",
            "study.yaml:2:24: 'callable' must name a Python function or a .NET method, got 'train.py'; write \"package.module:function\" (a dotted module name, a colon, a function) or \"path/to/Assembly.dll:Namespace.Type.Method\" (an assembly ending in .dll)"
        },
        {
            "assembly without a method",
            Space + "objective: { callable: 'bin/A.dll:Run' }\n",
            "study.yaml:2:24: 'callable' must name an assembly and a method, got 'bin/A.dll:Run'; write \"path/to/Assembly.dll:Namespace.Type.Method\""
        },
        {
            "command-only option on a callable",
            Space + "objective: { callable: \"a.dll:T.M\", env: { A: 1 } }\n",
            "study.yaml:2:37: 'env' applies only to a command objective; remove it, or run the objective as a 'command'"
        },
        {
            "directions and metrics of different lengths",
            Space + "objective:\n  command: [a]\n  metrics: [loss, latency]\n  directions: [minimize]\n",
            "study.yaml:5:15: 1 direction for 2 metrics; give one direction per metric, in the same order"
        },
        {
            "two ways to set the direction",
            Space + "objective: { command: [a], metric: loss, maximize: true, direction: max }\n",
            "study.yaml:2:58: 'direction' and 'maximize' both set the direction; give only one of maximize, direction and directions"
        },
        {
            "unknown direction",
            Space + "objective: { command: [a], metric: loss, direction: up }\n",
            "study.yaml:2:53: unknown direction 'up'; allowed: minimize (or min), maximize (or max)"
        },
        {
            "maximize is not a boolean",
            Space + "objective: { command: [a], metric: loss, maximize: yes }\n",
            "study.yaml:2:52: maximize must be true or false, got 'yes'"
        },
        {
            "step as a metric name",
            Space + "objective: { command: [a], metric: step }\n",
            "study.yaml:2:36: 'step' cannot be a metric name; the METRIC protocol reserves it for the step of intermediate values"
        },
        {
            "unknown pass_parameters",
            Space + "objective: { command: [a], metric: loss, pass_parameters: flag }\n",
            "study.yaml:2:59: unknown pass_parameters 'flag'; did you mean 'flags'? allowed: flags (--name=value), key_value (name=value), hydra (name=value in Hydra's override syntax), none (placeholders, VERNIER_PARAMS_FILE or the merged base config only)"
        },
        {
            "max_concurrent zero",
            Space + Objective + "resource: { max_concurrent: 0 }\n",
            "study.yaml:3:29: max_concurrent must be at least 1, got 0"
        },
        {
            "constraint that is also the metric",
            Space + "objective: { command: [a], metric: loss, constraints: [loss] }\n",
            "study.yaml:2:56: constraint 'loss' is listed twice or is also an objective metric; name each constraint once, apart from the metrics"
        },
        {
            "grace period on a callable",
            Space + "objective: { callable: 'a.dll:A.B.C', grace_period: 3 }\n",
            "study.yaml:2:39: 'grace_period' is for a command or a Python callable; a .NET callable is stopped through its CancellationToken"
        },
        {
            "constraints on a callable",
            Space + "objective: { callable: 'a.dll:A.B.C', constraints: [c] }\n",
            "study.yaml:2:39: 'constraints' is for a command or a Python callable; a .NET callable reports constraints itself with trial.ReportConstraints(...)"
        },
        {
            "deterministic not a boolean",
            Space + Objective + "resource: { max_concurrent: 2, deterministic: maybe }\n",
            "study.yaml:3:47: deterministic must be true or false, got 'maybe'"
        },
        {
            "negative timeout",
            Space + Objective + "timeout: -5\n",
            "study.yaml:3:10: timeout must be a positive number of seconds, got '-5'"
        },
        {
            "unknown strategy, with a suggestion",
            Space + Objective + "strategy: { name: randm, seed: 1 }\n",
            "study.yaml:3:19: unknown strategy 'randm'; did you mean 'random'? allowed: auto, bayesian, cmaes, gp, grid, nsga2, pbt, population, qmc, random, tpe"
        },
        {
            "negative seed",
            Space + Objective + "strategy: { seed: -1 }\n",
            "study.yaml:3:19: seed must be a non-negative integer, got '-1'"
        },
        {
            "population based training written as a pruner",
            Space + Objective + "pruner: { name: pbt }\n",
            "study.yaml:3:17: unknown pruner 'pbt'; population based training chooses the parameters, so it is a strategy: write strategy: { name: population } (or --sampler population) and no pruner; allowed: asha, hyperband, median, none, patient, percentile, successive_halving, threshold, wilcoxon"
        },
        {
            "pruner option misspelt",
            Space + Objective + "pruner: { name: median, warmup: 3 }\n",
            "study.yaml:3:25: unknown key 'warmup' in 'pruner' (median); allowed keys: name, interval_steps, n_min_trials, n_startup_trials, n_warmup_steps"
        },
        {
            "grid over a continuous parameter",
            "space:\n  - { name: lr, type: float, low: 0, high: 1 }\n" + Objective + "strategy: grid\n",
            "study.yaml:2:5: grid search needs a finite set of values, but 'lr' is a continuous float[0, 1]; give it a step, or make it categorical"
        },
        {
            "storage URL with two slashes",
            "storage: sqlite://vernier.db\n" + Space + Objective,
            "study.yaml:1:10: 'sqlite://vernier.db' is not a storage URL; allowed: memory, sqlite:///path/to/file.db (three slashes), postgresql://user@host/db"
        },
        {
            "space and search_space together",
            Space + "search_space: { y: { type: int, low: 0, high: 3 } }\n" + Objective,
            "study.yaml:2:1: 'search_space' and 'space' are the same key at the top level; give only one"
        },
        {
            "unclosed quote (YAML syntax)",
            Space + "objective: { command: [a], metric: 'loss }\n",
            "study.yaml:2:36: invalid YAML: while scanning a quoted scalar, found unexpected end of stream"
        },
        {
            "tab in the indentation",
            "space:\n\t- { name: x, type: int, low: 0, high: 3 }\n" + Objective,
            "study.yaml:2:1: invalid YAML: while scanning a mapping, found invalid tab as indentation; indent with spaces: YAML does not allow tabs in indentation"
        },
        {
            "unclosed flow list",
            "space: [{ name: x, type: int, low: 0, high: 3 }\n" + Objective,
            "study.yaml:1:8: invalid YAML: the parser cannot go on after this point; is a '[' or '{' left unclosed?"
        },
        {
            "alias to no anchor",
            Space + Objective + "max_trials: *n\n",
            "study.yaml:3:13: the alias '*n' refers to no anchor; define '&n' before using it"
        },
        {
            "two documents",
            Space + Objective + "---\nmax_trials: 3\n",
            "study.yaml:4:1: the file holds more than one YAML document; a study file holds exactly one: remove the second '---'"
        },
        {
            "unclosed JSON object",
            "{\"space\": {\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 3}},\n \"objective\": {\"command\": [\"a\"], \"metric\": \"m\"}\n",
            "study.yaml:3:1: invalid JSON: while parsing a flow mapping, did not find expected ',' or '}'"
        },
        {
            "empty file",
            "",
            "study.yaml:1:1: the file is empty; a study file is a YAML or JSON mapping with at least 'space' and 'objective'"
        },
        {
            "only comments",
            "# nothing yet\n",
            "study.yaml:1:1: the file is empty; a study file is a YAML or JSON mapping with at least 'space' and 'objective'"
        },
        {
            "a list instead of a mapping",
            "- space\n- objective\n",
            "study.yaml:1:1: the file must be a mapping, got a list; a study file is a mapping with at least 'space' and 'objective'"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_MalformedFile_ReportsPositionProblemAndWhatIsAllowed(string description, string text, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(text, "study.yaml"), description);

        error.Message.ShouldBe(expected, description);
    }
}
