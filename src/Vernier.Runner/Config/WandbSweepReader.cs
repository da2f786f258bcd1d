using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.SearchSpaces;
using Vernier.Studies;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>
/// Reads a Weights &amp; Biases sweep file (a mapping with <c>method</c> and <c>parameters</c> and
/// no <c>space</c>) into a <see cref="StudyDefinition"/>, as <c>docs/wandb-sweeps.md</c> describes:
/// <c>method</c>, <c>metric</c>, <c>parameters</c> (every W&amp;B distribution Vernier can honour,
/// nested parameters as dotted names), <c>early_terminate</c> (hyperband), <c>program</c>,
/// <c>command</c> with its macros, <c>run_cap</c> and <c>name</c>. What Vernier cannot honour is an
/// error naming the key and its position.
/// </summary>
internal static partial class WandbSweepReader
{
    /// <summary>What <c>${interpreter}</c> becomes.</summary>
    public const string Interpreter = "python3";

    private const string Hint = "a W&B sweep file has 'method', 'metric', 'parameters' and 'program' (or 'command')";

    private static readonly KeySpec[] RootKeys =
    [
        new("program"), new("method"), new("metric"), new("parameters"), new("early_terminate"), new("command"), new("run_cap"),
        new("name"), new("description"), new("project"), new("entity"), new("controller"),
    ];

    private static readonly KeySpec[] MetricKeys = [new("name"), new("goal"), new("target"), new("impute"), new("impute_while_running")];

    private static readonly KeySpec[] ParameterKeys =
        [new("value"), new("values"), new("distribution"), new("min"), new("max"), new("q"), new("mu"), new("sigma"), new("probabilities"), new("a"), new("b"), new("parameters")];

    private static readonly KeySpec[] EarlyTerminateKeys = [new("type"), new("min_iter"), new("max_iter"), new("s"), new("eta"), new("strict")];

    private static readonly Dictionary<string, string> Methods = new(StringComparer.Ordinal) { ["grid"] = "grid", ["random"] = "random", ["bayes"] = "gp" };

    /// <summary>The keys each distribution takes, besides <c>distribution</c>.</summary>
    private static readonly Dictionary<string, string[]> Distributions = new(StringComparer.Ordinal)
    {
        ["constant"] = ["value"],
        ["categorical"] = ["values"],
        ["int_uniform"] = ["min", "max"],
        ["uniform"] = ["min", "max"],
        ["q_uniform"] = ["min", "max", "q"],
        ["log_uniform"] = ["min", "max"],
        ["log_uniform_values"] = ["min", "max"],
        ["q_log_uniform"] = ["min", "max", "q"],
        ["q_log_uniform_values"] = ["min", "max", "q"],
        ["inv_log_uniform"] = ["min", "max"],
        ["inv_log_uniform_values"] = ["min", "max"],
        ["normal"] = ["mu", "sigma"],
        ["q_normal"] = ["mu", "sigma", "q"],
        ["log_normal"] = ["mu", "sigma"],
        ["q_log_normal"] = ["mu", "sigma", "q"],
    };

    /// <summary>Distributions W&amp;B has and Vernier cannot honour, with the reason and what to write instead.</summary>
    private static readonly Dictionary<string, (string Why, string Instead)> Refused = new(StringComparer.Ordinal)
    {
        ["beta"] = ("Vernier has no beta distribution", "use distribution uniform with min and max, or values: [...]"),
        ["q_beta"] = ("Vernier has no beta distribution", "use distribution q_uniform with min, max and q, or values: [...]"),
        ["categorical_w_probabilities"] = ("Vernier draws choices with equal probability", "use values: [...] without probabilities"),
    };

    /// <summary>Keys a distribution takes that W&amp;B fills in when absent: q 1, mu 0, sigma 1.</summary>
    private static readonly string[] Defaulted = ["q", "mu", "sigma"];

    private static readonly string[] ArgumentMacros = ["args", "args_no_hyphens", "args_no_boolean_flags", "args_json", "args_json_file"];

    /// <summary>
    /// Whether a file's root is a W&amp;B sweep: a mapping with <c>parameters</c> and none of Vernier's
    /// <c>space</c>, <c>search_space</c> or <c>objective</c>. A sweep always has <c>method</c> too; one that
    /// forgets it is still read as a sweep, so that the message names the missing key.
    /// </summary>
    public static bool IsSweep(YamlNode root) =>
        root is YamlMappingNode map && MappingReader.Peek(map, "parameters") is not null
        && MappingReader.Peek(map, "space") is null && MappingReader.Peek(map, "search_space") is null && MappingReader.Peek(map, "objective") is null;

    /// <summary>Reads and validates a sweep file's root mapping.</summary>
    public static StudyDefinition Read(ConfigContext context, YamlNode rootNode, string defaultName)
    {
        MappingReader root = MappingReader.Open(context, rootNode, "the file", "of a W&B sweep file", RootKeys, Hint);

        // description, project and entity describe the sweep on W&B's server, and controller where W&B runs it: nothing to do here.
        if (root.Get("controller") is { } controller)
        {
            ReadController(context, controller);
        }

        string name = root.Text("name") is { } given ? given.Trim() : defaultName;

        YamlNode methodNode = root.Required("method", Hint);
        string method = context.NonEmptyText(methodNode, "method");
        string strategy = Methods.TryGetValue(method, out string? mapped) ? mapped
            : throw context.Error(methodNode, $"unknown method '{method}'", "allowed: grid, random, bayes");

        var parameters = new List<(ParameterSpec Spec, YamlNode Entry)>();
        ReadParameters(context, root.Required("parameters", Hint), "", parameters);
        if (strategy == "grid" && parameters.FirstOrDefault(p => p.Spec.Distribution is FloatDistribution { Step: null, IsSingle: false } or NormalDistribution) is { Spec: not null } continuous)
        {
            throw context.Error(
                continuous.Entry,
                $"method grid needs a finite set of values, but '{continuous.Spec.Name}' is {(continuous.Spec.Distribution is NormalDistribution ? "an unbounded" : "a continuous")} {continuous.Spec.Distribution}",
                "give it 'values', or distribution q_uniform with q");
        }

        (string metric, StudyDirection direction) = ReadMetric(context, root);
        ImmutableArray<string> command = ReadCommand(context, root, parameters.Select(p => p.Spec).ToList());

        SearchSpace space;
        try
        {
            space = new SearchSpace(parameters.Select(p => p.Spec));
        }
        catch (ArgumentException e)
        {
            throw context.Error(root.Key("parameters").Start, $"the parameters are inconsistent: {e.Message.TrimEnd('.')}", null, e);
        }

        return new StudyDefinition
        {
            Name = name,
            Space = space,
            Directions = [direction],
            Strategy = new StrategyDefinition { Name = strategy },
            Pruner = root.Get("early_terminate") is { } early ? ReadEarlyTerminate(context, early) : new PrunerDefinition(),
            Objective = new ObjectiveDefinition { Command = command, Metrics = [metric], PassParameters = CommandArgumentStyle.None },
            MaxTrials = root.Get("run_cap") is { } cap ? RunCap(context, cap) : null,
        };
    }

    /// <summary>
    /// <c>controller: { type: local | cloud }</c> says where W&amp;B runs the search; Vernier is the controller
    /// either way, so the key is checked and otherwise ignored.
    /// </summary>
    private static void ReadController(ConfigContext context, YamlNode node)
    {
        MappingReader reader = MappingReader.Open(context, node, "'controller'", "in 'controller'", [new("type")], "write controller: { type: local }");
        YamlNode typeNode = reader.Required("type", "write controller: { type: local }");
        string type = context.NonEmptyText(typeNode, "type");
        if (type is not ("local" or "cloud"))
        {
            throw context.Error(typeNode, $"unknown controller type '{type}'", "allowed: local, cloud (Vernier runs the search itself either way)");
        }
    }

    private static int RunCap(ConfigContext context, YamlNode node)
    {
        long value = context.Integer(node, "run_cap");
        return value is >= 1 and <= int.MaxValue ? (int)value : throw context.Error(node, $"run_cap must be between 1 and {int.MaxValue}, got {value}");
    }

    private static (string Metric, StudyDirection Direction) ReadMetric(ConfigContext context, MappingReader root)
    {
        YamlNode node = root.Get("metric") ?? throw context.Error(
            root.Node,
            "missing required key 'metric' of a W&B sweep file",
            "Vernier needs the metric to optimise: write metric: { name: val_loss, goal: minimize }, and have the program print METRIC val_loss=<value>");
        MappingReader reader = MappingReader.Open(context, node, "'metric'", "in 'metric'", MetricKeys, "write metric: { name: val_loss, goal: minimize }");
        if (reader.Has("target"))
        {
            throw context.Error(reader.Key("target"), "'target' (stop the sweep once a run reaches a value) cannot be honoured", "remove it; bound the sweep with run_cap instead");
        }

        if (reader.Has("impute"))
        {
            throw context.Error(reader.Key("impute"), "'impute' (the value bayes gives failed runs) cannot be honoured: Vernier's samplers leave failed trials out", "remove it");
        }

        // W&B's default, "false" (or false): only finished runs count, as in Vernier.
        if (reader.Get("impute_while_running") is { } whileRunning && context.Value(whileRunning, "impute_while_running") is not (false or "false"))
        {
            throw context.Error(
                reader.Key("impute_while_running"),
                "'impute_while_running' cannot be honoured: Vernier's samplers learn from finished trials only",
                "remove it, or write impute_while_running: \"false\"");
        }

        string metric = ObjectiveReader.MetricName(context, reader.Required("name", "write metric: { name: val_loss, goal: minimize }; the program prints METRIC val_loss=<value>"));
        StudyDirection direction = StudyDirection.Minimize;
        if (reader.Get("goal") is { } goalNode)
        {
            direction = context.Text(goalNode, "goal") switch
            {
                "minimize" => StudyDirection.Minimize,
                "maximize" => StudyDirection.Maximize,
                string other => throw context.Error(goalNode, $"unknown goal '{other}'", "allowed: minimize, maximize"),
            };
        }

        return (metric, direction);
    }

    private static void ReadParameters(ConfigContext context, YamlNode node, string prefix, List<(ParameterSpec, YamlNode)> into)
    {
        YamlMappingNode map = context.Mapping(node, prefix.Length == 0 ? "'parameters'" : $"'parameters' of '{prefix.TrimEnd('.')}'", "write parameters: { lr: { min: 0.0001, max: 0.1 } }");
        if (map.Children.Count == 0)
        {
            throw context.Error(node, "'parameters' is empty", "declare at least one parameter");
        }

        foreach ((YamlNode keyNode, YamlNode value) in map.Children)
        {
            string local = keyNode is YamlScalarNode { Value: { } k } ? k : throw context.Error(keyNode, $"a parameter name must be a name, got {context.Describe(keyNode)}");
            string name = prefix + local;
            if (!ValidName().IsMatch(local))
            {
                throw context.Error(keyNode, $"'{local}' is not a valid parameter name", "start with a letter or '_', then letters, digits, '_', '.' or '-'");
            }

            ReadParameter(context, name, keyNode, value, into);
        }
    }

    private static void ReadParameter(ConfigContext context, string name, YamlNode keyNode, YamlNode value, List<(ParameterSpec, YamlNode)> into)
    {
        MappingReader reader = MappingReader.Open(
            context, value, $"parameter '{name}'", $"for parameter '{name}'", ParameterKeys, "write e.g. { values: [16, 32] }, { min: 0.001, max: 0.1 } or { value: 10 }");
        if (reader.Get("parameters") is { } nested)
        {
            if (ParameterKeys.Select(k => k.Name).FirstOrDefault(k => k != "parameters" && reader.Has(k)) is { } other)
            {
                throw context.Error(reader.Key(other), $"parameter '{name}' has nested 'parameters' and '{other}'", "a nested group holds only 'parameters'");
            }

            ReadParameters(context, nested, name + ".", into);
            return;
        }

        string distribution;
        YamlNode at;
        if (reader.Get("distribution") is { } distributionNode)
        {
            distribution = context.NonEmptyText(distributionNode, "distribution");
            at = distributionNode;
        }
        else
        {
            at = keyNode;
            distribution = reader.Has("value") ? "constant"
                : reader.Has("values") ? "categorical"
                : reader.Has("min") && reader.Has("max") ? (IsInteger(context, reader.Get("min")!) && IsInteger(context, reader.Get("max")!) ? "int_uniform" : "uniform")
                : throw context.Error(keyNode, $"parameter '{name}' has no values", "give 'value', 'values', or 'min' and 'max' (optionally with a 'distribution')");
        }

        if (Refused.TryGetValue(distribution, out (string Why, string Instead) refused))
        {
            throw context.Error(at, $"distribution '{distribution}' of parameter '{name}' cannot be honoured: {refused.Why}", refused.Instead);
        }

        if (!Distributions.TryGetValue(distribution, out string[]? keys))
        {
            throw context.Error(
                at,
                $"unknown distribution '{distribution}' for parameter '{name}'",
                (KeySuggestions.Closest(distribution, Distributions.Keys) is { } s ? $"did you mean '{s}'? " : "") + "allowed: " + string.Join(", ", Distributions.Keys));
        }

        if (reader.Has("probabilities"))
        {
            throw context.Error(reader.Key("probabilities"), $"'probabilities' of parameter '{name}' cannot be honoured: Vernier draws choices with equal probability", "remove it, or repeat nothing: list each value once");
        }

        foreach (string key in ParameterKeys.Select(k => k.Name).Where(k => k != "distribution" && reader.Has(k) && !keys.Contains(k) && !(k == "q" && distribution.StartsWith("q_", StringComparison.Ordinal))))
        {
            throw context.Error(reader.Key(key), $"'{key}' does not apply to distribution {distribution} (parameter '{name}')", $"{distribution} takes {string.Join(", ", keys)}");
        }

        foreach (string key in keys.Where(k => !Defaulted.Contains(k) && !reader.Has(k)))
        {
            throw context.Error(value, $"missing required key '{key}' for parameter '{name}' (distribution {distribution})", $"{distribution} takes {string.Join(", ", keys)}");
        }

        ParameterDistribution built;
        try
        {
            built = Build(context, name, distribution, reader, value);
        }
        catch (ArgumentException e)
        {
            throw context.Error(value.Start, $"parameter '{name}': {e.Message.TrimEnd('.')}", null, e);
        }

        into.Add((new ParameterSpec(name, built), keyNode));
    }

    private static ParameterDistribution Build(ConfigContext context, string name, string distribution, MappingReader reader, YamlNode value)
    {
        if (distribution == "constant")
        {
            return new CategoricalDistribution([Choice(context, reader.Get("value")!, $"the value of '{name}'")]);
        }

        if (distribution == "categorical")
        {
            YamlSequenceNode list = context.Sequence(reader.Get("values")!, $"the values of '{name}'", "write values: [16, 32, 64]");
            return list.Children.Count > 0
                ? new CategoricalDistribution(list.Children.Select(c => Choice(context, c, $"a value of '{name}'")))
                : throw context.Error(list, $"the values of '{name}' are empty", "list at least one value");
        }

        YamlNode minNode = reader.Get("min")!;
        YamlNode maxNode = reader.Get("max")!;
        double q = reader.Get("q") is { } qNode ? context.Number(qNode, "q") : 1;
        if (reader.Get("q") is { } qn && !(q > 0))
        {
            throw context.Error(qn, $"q must be positive, got {context.Describe(qn)}");
        }

        if (distribution is "normal" or "q_normal" or "log_normal" or "q_log_normal")
        {
            // W&B: X ~ N(mu, sigma); log_normal is e^X (mu and sigma are of the log); q_ rounds to multiples of q.
            double mu = reader.Get("mu") is { } muNode ? context.Number(muNode, "mu") : 0;
            double sigma = reader.Get("sigma") is { } sigmaNode ? context.Number(sigmaNode, "sigma") : 1;
            if (reader.Get("sigma") is { } sn && !(sigma > 0))
            {
                throw context.Error(sn, $"sigma must be positive, got {context.Describe(sn)}");
            }

            return new NormalDistribution(mu, sigma, log: distribution.Contains("log", StringComparison.Ordinal), step: distribution.StartsWith("q_", StringComparison.Ordinal) ? q : null);
        }

        if (distribution == "int_uniform")
        {
            long low = context.Integer(minNode, "min");
            long high = context.Integer(maxNode, "max");
            return low <= high ? new IntDistribution(low, high) : throw MinAboveMax(context, minNode, name, minNode, maxNode);
        }

        double min = context.Number(minNode, "min");
        double max = context.Number(maxNode, "max");
        if (min > max)
        {
            throw MinAboveMax(context, minNode, name, minNode, maxNode);
        }

        bool exponents = distribution is "log_uniform" or "q_log_uniform" or "inv_log_uniform";
        (double low2, double high2) = exponents ? (Math.Exp(min), Math.Exp(max)) : (min, max);
        if (distribution is "inv_log_uniform")
        {
            // W&B: X = exp(-U(min, max)), so X lies in [e^-max, e^-min], log-uniformly.
            (low2, high2) = (Math.Exp(-max), Math.Exp(-min));
        }

        switch (distribution)
        {
            case "uniform":
                return new FloatDistribution(min, max);
            case "q_uniform":
                // W&B rounds to multiples of q; Vernier's grid starts at min and must end on a step.
                return new FloatDistribution(min, min + (Math.Floor((max - min) / q + 1e-9) * q), step: q);
            case "log_uniform" or "log_uniform_values" or "inv_log_uniform" or "inv_log_uniform_values":
                // 1/X log-uniform on [1/max, 1/min] is the same as X log-uniform on [min, max].
                RequirePositive(context, minNode, name, distribution, low2);
                return new FloatDistribution(low2, high2, log: true);
            default:
                // q_log_uniform and q_log_uniform_values: W&B rounds each draw to a multiple of q, so with q 1
                // they are a log-scale integer between the rounded bounds (e^ln 32 = 32.000000000000004 is 32).
                RequirePositive(context, minNode, name, distribution, low2);
                if (q == 1 && Math.Round(low2) >= 1 && Math.Round(high2) <= long.MaxValue)
                {
                    return new IntDistribution((long)Math.Round(low2), (long)Math.Round(high2), log: true);
                }

                throw context.Error(
                    reader.Get("q") ?? value,
                    $"distribution '{distribution}' of parameter '{name}' with q {ParameterValues.Format(q)} cannot be honoured: Vernier has no quantised log-scale float",
                    "use q: 1 (a log-scale integer), log_uniform_values (continuous), or values: [...]");
        }
    }

    /// <summary>A choice: W&amp;B also takes lists and mappings as values; Vernier's choices are scalars.</summary>
    private static object? Choice(ConfigContext context, YamlNode node, string what) =>
        node is YamlScalarNode ? context.Value(node, what)
            : throw context.Error(
                node,
                $"{what} is {context.Describe(node)}, which cannot be honoured: Vernier's choices are strings, numbers, booleans or null",
                "write it as a string (\"64,64\") and parse it in the program, or split it into one parameter per entry");

    private static void RequirePositive(ConfigContext context, YamlNode minNode, string name, string distribution, double low)
    {
        if (!(low > 0))
        {
            throw context.Error(minNode, $"min of parameter '{name}' must be positive for distribution {distribution}, got {context.Describe(minNode)}");
        }
    }

    private static ConfigException MinAboveMax(ConfigContext context, YamlNode at, string name, YamlNode minNode, YamlNode maxNode) =>
        context.Error(at, $"min ({((YamlScalarNode)minNode).Value}) exceeds max ({((YamlScalarNode)maxNode).Value}) for parameter '{name}'", "swap them");

    private static bool IsInteger(ConfigContext context, YamlNode node) =>
        node is YamlScalarNode scalar && context.Resolve(scalar).Kind == ScalarKind.Integer;

    private static PrunerDefinition ReadEarlyTerminate(ConfigContext context, YamlNode node)
    {
        MappingReader reader = MappingReader.Open(context, node, "'early_terminate'", "in 'early_terminate'", EarlyTerminateKeys, "write early_terminate: { type: hyperband, min_iter: 3 }");
        YamlNode typeNode = reader.Required("type", "write type: hyperband");
        string type = context.NonEmptyText(typeNode, "type");
        if (type != "hyperband")
        {
            throw context.Error(typeNode, $"unknown early_terminate type '{type}'", "allowed: hyperband");
        }

        if (reader.Has("strict"))
        {
            throw context.Error(reader.Key("strict"), "'strict' cannot be honoured: Vernier's hyperband pruner follows its own bracket rules", "remove it");
        }

        long eta = reader.Get("eta") is { } etaNode ? context.Integer(etaNode, "eta") : 3;
        if (eta < 2)
        {
            throw context.Error(reader.Get("eta")!, $"eta must be at least 2, got {eta}");
        }

        var options = ImmutableSortedDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        options["reduction_factor"] = eta;
        long? minIter = reader.Get("min_iter") is { } minNode ? Positive(context, minNode, "min_iter") : null;
        long? maxIter = reader.Get("max_iter") is { } maxNode ? Positive(context, maxNode, "max_iter") : null;
        if (reader.Get("s") is { } sNode)
        {
            long s = Positive(context, sNode, "s");
            if (maxIter is null)
            {
                throw context.Error(reader.Key("s"), "'s' needs 'max_iter'", "give max_iter and s, or min_iter");
            }

            if (minIter is not null)
            {
                throw context.Error(reader.Key("s"), "give 'min_iter', or 'max_iter' with 's', not both", "min_iter fixes the smallest budget; max_iter / eta^s computes it");
            }

            minIter = Math.Max(1, (long)Math.Floor(maxIter.Value / Math.Pow(eta, s)));
        }

        if (minIter is null)
        {
            throw context.Error(node, "early_terminate needs 'min_iter', or 'max_iter' with 's'", "write e.g. { type: hyperband, min_iter: 3, eta: 3 }");
        }

        if (maxIter is not null && maxIter < minIter)
        {
            throw context.Error(reader.Get("max_iter")!, $"max_iter ({maxIter}) is below min_iter ({minIter})");
        }

        options["min_resource"] = minIter.Value;
        options["max_resource"] = maxIter is { } m ? m : "auto";
        return new PrunerDefinition { Name = "hyperband", Options = options.ToImmutable() };
    }

    private static long Positive(ConfigContext context, YamlNode node, string what)
    {
        long value = context.Integer(node, what);
        return value >= 1 ? value : throw context.Error(node, $"{what} must be at least 1, got {value}");
    }

    private static ImmutableArray<string> ReadCommand(ConfigContext context, MappingReader root, List<ParameterSpec> parameters)
    {
        string? program = root.Text("program");
        YamlNode? commandNode = root.Get("command");
        List<(string Text, YamlNode At)> elements;
        if (commandNode is null)
        {
            if (program is null)
            {
                throw context.Error(root.Node, "missing required key 'program' of a W&B sweep file", "name the training script: program: train.py (or give a 'command')");
            }

            YamlNode at = root.Get("program")!;
            elements = [("${env}", at), ("${interpreter}", at), ("${program}", at), ("${args}", at)];
        }
        else
        {
            YamlSequenceNode list = context.Sequence(commandNode, "'command'", "write command: [\"${env}\", \"${interpreter}\", \"${program}\", \"${args}\"]");
            elements = [.. list.Children.Select(c => (context.Text(c, "a command element"), c))];
        }

        var argv = new List<string>();
        foreach ((string text, YamlNode at) in elements)
        {
            Match whole = Macro().Match(text);
            if (whole.Success && whole.Length == text.Length && whole.Groups[1].Value is var macro && (macro == "env" || ArgumentMacros.Contains(macro)))
            {
                if (macro != "env")
                {
                    argv.AddRange(Arguments(context, macro, at, parameters));
                }

                continue;
            }

            argv.Add(Macro().Replace(Escape(text), m => m.Groups[1].Value switch
            {
                "interpreter" => Interpreter,
                "program" => program ?? throw context.Error(at, "the command uses ${program}, but the sweep has no 'program'", "add program: train.py, or write the script's name"),
                "env" => throw context.Error(at, "${env} must be a command element of its own", "write it as a separate element"),
                string a when ArgumentMacros.Contains(a) => throw context.Error(at, $"${{{a}}} must be a command element of its own", "write it as a separate element"),
                string other => throw context.Error(at, $"unknown macro ${{{other}}} in 'command'", "allowed: ${env}, ${interpreter}, ${program}, " + string.Join(", ", ArgumentMacros.Select(a => "${" + a + "}"))),
            }));
        }

        return argv.Count > 0 && argv[0].Length > 0 ? [.. argv] : throw context.Error(commandNode ?? root.Node, "the command names no program", "write e.g. command: [\"${env}\", \"${interpreter}\", \"${program}\", \"${args}\"]");
    }

    /// <summary>What an argument macro expands to: elements whose <c>{name}</c> placeholders Vernier fills per trial.</summary>
    private static IEnumerable<string> Arguments(ConfigContext context, string macro, YamlNode at, List<ParameterSpec> parameters)
    {
        switch (macro)
        {
            case "args":
                return parameters.Select(p => $"--{p.Name}={{{p.Name}}}");
            case "args_no_hyphens":
                return parameters.Select(p => $"{p.Name}={{{p.Name}}}");
            case "args_no_boolean_flags":
                if (parameters.FirstOrDefault(p => p.Distribution is CategoricalDistribution c && c.Choices.Any(v => v is bool)) is { } boolean)
                {
                    throw context.Error(
                        at,
                        $"${{args_no_boolean_flags}} cannot be honoured: parameter '{boolean.Name}' takes booleans, which would become bare flags",
                        "use ${args} (passes --name=true or --name=false), or make the values strings");
                }

                return parameters.Select(p => $"--{p.Name}={{{p.Name}}}");
            case "args_json_file":
                return [$"{{{CommandTemplate.TrialDir}}}/{CommandObjectiveRunner.ParamsFileName}"];
            default:
                var json = new StringBuilder("{");
                foreach (ParameterSpec p in parameters)
                {
                    json.Append(json.Length > 1 ? ", " : "").Append('"').Append(p.Name).Append("\": ");
                    IReadOnlyList<object?>? choices = p.Distribution is CategoricalDistribution c ? c.Choices : null;
                    if (choices is null || choices.All(v => v is long or double or bool))
                    {
                        json.Append('{').Append(p.Name).Append('}');
                    }
                    else if (choices.All(v => v is string s && !s.Any(ch => ch is '"' or '\\' || char.IsControl(ch))))
                    {
                        json.Append("\"{").Append(p.Name).Append("}\"");
                    }
                    else
                    {
                        throw context.Error(
                            at,
                            $"${{args_json}} cannot be honoured: the values of parameter '{p.Name}' mix types, are null or need JSON escapes",
                            "use ${args_json_file} (the trial's params.json), or plain string or number values");
                    }
                }

                return [json.Append('}').ToString()];
        }
    }

    /// <summary>Keeps a literal <c>{name}</c> of a W&amp;B command from becoming a Vernier placeholder.</summary>
    private static string Escape(string text) => LiteralPlaceholder().Replace(text, m => text.AsSpan(0, m.Index).EndsWith("$") ? m.Value : "{" + m.Value + "}");

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Macro();

    [GeneratedRegex(@"\{[A-Za-z_][A-Za-z0-9_.\-/]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralPlaceholder();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
