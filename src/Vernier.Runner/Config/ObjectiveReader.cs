using Vernier.Runner.Objectives;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Vernier.Studies;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>Reads <c>objective</c>: what a trial runs, the metrics it reports and their directions.</summary>
internal static partial class ObjectiveReader
{
    private const string CallableForm = "path/to/Assembly.dll:Namespace.Type.Method";
    private const string PythonCallableForm = "package.module:function";
    private const string DirectionsAllowed = "allowed: minimize (or min), maximize (or max)";

    private static readonly KeySpec[] Keys =
    [
        new("command"), new("callable"), new("metric"), new("metrics"), new("constraints"), new("grace_period"), new("maximize"), new("direction"), new("directions"),
        new("timeout"), new("env"), new("working_directory"), new("pass_parameters"), new("max_retries"), new("retry_on"), new("retry_backoff"),
        new("base_config"), new("config_format"), new("allow_new_keys"), new("overrides"), new("steps"), new("repeats"), new("seeds"), new("aggregate"), new("python"),
    ];

    private static readonly string[] CommandOnly = ["env", "working_directory", "pass_parameters", "retry_on", "repeats", "seeds", "aggregate", .. BaseConfigReader.Keys];

    private static readonly Dictionary<string, CommandArgumentStyle> Passing = new(StringComparer.Ordinal)
    {
        ["flags"] = CommandArgumentStyle.Flags,
        ["key_value"] = CommandArgumentStyle.KeyValue,
        ["hydra"] = CommandArgumentStyle.Hydra,
        ["none"] = CommandArgumentStyle.None,
    };

    public static (ObjectiveDefinition Objective, ImmutableArray<StudyDirection> Directions) Read(ConfigContext context, YamlNode node)
    {
        MappingReader reader = MappingReader.Open(context, node, "'objective'", "in 'objective'", Keys);
        if (reader.Has("command") && reader.Has("callable"))
        {
            throw context.Error(Later(reader, "command", "callable"), "'objective' has both 'command' and 'callable'", "give exactly one: a command to run per trial, or a method to call");
        }

        if (reader.Has("steps") && (reader.Has("command") || reader.Has("callable")))
        {
            string other = reader.Has("command") ? "command" : "callable";
            throw context.Error(Later(reader, "steps", other), $"'objective' has both 'steps' and '{other}'", "give 'steps' for a pipeline of commands, or one 'command' (or 'callable') per trial");
        }

        var objective = new ObjectiveDefinition();
        if (reader.Get("steps") is { } steps)
        {
            CommandArgumentStyle passing = reader.Get("pass_parameters") is { } given ? ReadPassing(context, given) : CommandArgumentStyle.None;
            objective = objective with
            {
                Steps = PipelineStepsReader.Read(context, steps, passing),
                PassParameters = passing,
                WorkingDirectory = reader.Text("working_directory"),
                Environment = reader.Get("env") is { } env ? ReadEnvironment(context, env) : objective.Environment,
            };
            if (reader.Has("python"))
            {
                throw context.Error(reader.Key("python"), "'python' applies only to a Python callable", "name the interpreter in each step's command, e.g. command: [.venv/bin/python, train.py]");
            }
        }
        else if (reader.Get("command") is { } command)
        {
            objective = objective with
            {
                Command = ReadCommand(context, command),
                PassParameters = reader.Get("pass_parameters") is { } passing ? ReadPassing(context, passing) : CommandArgumentStyle.Flags,
                WorkingDirectory = reader.Text("working_directory"),
                Environment = reader.Get("env") is { } env ? ReadEnvironment(context, env) : objective.Environment,
            };
            if (reader.Has("python"))
            {
                throw context.Error(reader.Key("python"), "'python' applies only to a Python callable", "name the interpreter in the command itself, e.g. command: [.venv/bin/python, train.py]");
            }
        }
        else if (reader.Get("callable") is { } callable)
        {
            objective = ReadPythonCallable(context, callable) is { } python
                ? ReadPythonObjective(context, reader, objective, python)
                : ReadDotNetObjective(context, reader, objective, callable);
        }
        else
        {
            throw context.Error(
                reader.Node,
                "'objective' needs 'command' or 'callable'",
                $"command: [python3, train.py] runs a process per trial; callable: \"{PythonCallableForm}\" calls a Python function, \"{CallableForm}\" a .NET method");
        }

        bool isCommand = objective.Command is not null || objective.Steps is not null;
        ImmutableArray<string> metrics = ReadMetrics(context, reader, isCommand) ?? objective.Metrics;
        ImmutableArray<string> constraints = ReadConstraints(context, reader, objective.RunsAsProcess, metrics);
        if (!objective.RunsAsProcess && reader.Has("grace_period"))
        {
            throw context.Error(reader.Key("grace_period"), "'grace_period' is for a command or a Python callable", "a .NET callable is stopped through its CancellationToken");
        }

        objective = ReadRetries(context, reader, objective);
        objective = ReadRepeats(context, reader, objective);
        return (objective with { Metrics = metrics, Constraints = constraints, Timeout = reader.Seconds("timeout"), GracePeriod = reader.Seconds("grace_period") }, ReadDirections(context, reader, metrics.Length));
    }

    private static ObjectiveDefinition ReadRetries(ConfigContext context, MappingReader reader, ObjectiveDefinition objective)
    {
        if (reader.Get("max_retries") is { } maxNode)
        {
            long max = context.Integer(maxNode, "'max_retries'");
            if (max is < 0 or > 100)
            {
                throw context.Error(maxNode, $"'max_retries' must be between 0 and 100, got {max}", "the number of times a failed trial is run again with the same parameters");
            }

            objective = objective with { MaxRetries = (int)max };
        }

        if (reader.Get("retry_backoff") is { } backoffNode)
        {
            double seconds = context.Number(backoffNode, "'retry_backoff' (in seconds)");
            if (!(seconds >= 0) || seconds > StudyOptions.MaxRetryBackoff.TotalSeconds)
            {
                throw context.Error(backoffNode, $"'retry_backoff' must be between 0 and {StudyOptions.MaxRetryBackoff.TotalSeconds:0} seconds, got {context.Describe(backoffNode)}", "the wait before the first retry; it doubles per retry, capped at 300 s");
            }

            objective = objective with { RetryBackoff = TimeSpan.FromSeconds(seconds) };
        }

        if (reader.Get("retry_on") is { } list)
        {
            string allowed = $"allowed: {string.Join(", ", CommandFailureClasses.AllNames.Where(n => n != "interrupted"))}";
            var classes = new List<CommandFailureClass>();
            foreach (YamlNode node in context.Sequence(list, "'retry_on'", $"write e.g. retry_on: [oom_killed, signal, timeout]; {allowed}"))
            {
                string name = context.Text(node, "a failure class");
                if (!CommandFailureClasses.TryParse(name, out CommandFailureClass failureClass) || failureClass == CommandFailureClass.Interrupted)
                {
                    throw context.Error(node, $"'{name}' is not a failure class 'retry_on' accepts", name == "interrupted" ? "interrupted trials are always retried within max_retries" : allowed);
                }

                if (!classes.Contains(failureClass))
                {
                    classes.Add(failureClass);
                }
            }

            objective = objective with { RetryOn = [.. classes] };
        }

        return objective;
    }

    private static readonly Dictionary<string, RunAggregate> Aggregates = new(StringComparer.Ordinal)
    {
        ["mean"] = RunAggregate.Mean,
        ["median"] = RunAggregate.Median,
        ["min"] = RunAggregate.Min,
        ["max"] = RunAggregate.Max,
    };

    // repeats, seeds and aggregate: how often a trial runs the command and how the runs' values become the trial's.
    private static ObjectiveDefinition ReadRepeats(ConfigContext context, MappingReader reader, ObjectiveDefinition objective)
    {
        int? count = null;
        if (reader.Get("repeats") is { } countNode)
        {
            long n = context.Integer(countNode, "'repeats'");
            if (n is < 1 or > TrialRepeats.MaxCount)
            {
                throw context.Error(countNode, $"'repeats' must be between 1 and {TrialRepeats.MaxCount}, got {n}", "the number of times each trial runs the command, each run with its own seed");
            }

            count = (int)n;
        }

        var repeats = new TrialRepeats();
        if (reader.Get("seeds") is { } seedsNode)
        {
            const string SeedsHint = "write seeds: [1, 2, 3] (one per run), or seeds: generate to derive them from the study's seed";
            if (seedsNode is YamlScalarNode)
            {
                string text = context.Text(seedsNode, "'seeds'");
                repeats = text == "generate"
                    ? repeats with { GenerateSeeds = true }
                    : throw context.Error(seedsNode, $"'seeds' must be a list of integers or 'generate', got {context.Describe(seedsNode)}", SeedsHint);
            }
            else
            {
                YamlSequenceNode list = context.Sequence(seedsNode, "'seeds'", SeedsHint);
                var seeds = new List<long>();
                foreach (YamlNode node in list)
                {
                    long seed = context.Integer(node, "a seed");
                    if (seeds.Contains(seed))
                    {
                        throw context.Error(node, $"seed {seed} is listed twice in 'seeds'", "each run gets its own seed; to run the same seed again, list another");
                    }

                    seeds.Add(seed);
                }

                if (seeds.Count == 0)
                {
                    throw context.Error(list, "'seeds' is empty", SeedsHint);
                }

                if (count is { } n && n != seeds.Count)
                {
                    throw context.Error(list, $"'seeds' lists {Count(seeds.Count, "seed")} but 'repeats' is {n}", "give one seed per run, or leave 'repeats' out: it defaults to the number of seeds");
                }

                count = seeds.Count;
                repeats = repeats with { Seeds = [.. seeds] };
            }
        }

        if (reader.Get("aggregate") is { } aggregateNode)
        {
            string text = context.Text(aggregateNode, "'aggregate'");
            if (!Aggregates.TryGetValue(text, out RunAggregate aggregate))
            {
                throw context.Error(
                    aggregateNode,
                    $"unknown aggregate '{text}'",
                    (KeySuggestions.Closest(text, Aggregates.Keys) is { } s ? $"did you mean '{s}'? " : "") + "allowed: mean, median, min, max (of the runs' final values)");
            }

            repeats = repeats with { Aggregate = aggregate };
        }

        return objective with { Repeats = repeats with { Count = count ?? 1 } };
    }

    private static ImmutableArray<string> ReadConstraints(ConfigContext context, MappingReader reader, bool isCommand, ImmutableArray<string> metrics)
    {
        if (reader.Get("constraints") is not { } list)
        {
            return [];
        }

        if (!isCommand)
        {
            throw context.Error(reader.Key("constraints"), "'constraints' is for a command or a Python callable", "a .NET callable reports constraints itself with trial.ReportConstraints(...)");
        }

        YamlSequenceNode names = context.Sequence(list, "'constraints'", "write e.g. constraints: [memory_excess_gb]; each is feasible when ≤ 0");
        var constraints = new List<string>();
        foreach (YamlNode node in names)
        {
            string name = MetricName(context, node);
            if (constraints.Contains(name) || metrics.Contains(name))
            {
                throw context.Error(node, $"constraint '{name}' is listed twice or is also an objective metric", "name each constraint once, apart from the metrics");
            }

            constraints.Add(name);
        }

        return constraints.Count > 0 ? [.. constraints] : throw context.Error(list, "'constraints' is empty", "list at least one metric, or leave the key out");
    }

    internal static ImmutableArray<string> ReadCommand(ConfigContext context, YamlNode node)
    {
        List<string> arguments;
        if (node is YamlSequenceNode list)
        {
            arguments = [.. list.Select(a => context.Text(a, "a command argument"))];
        }
        else if (node is YamlScalarNode)
        {
            try
            {
                arguments = CommandLine.Split(context.Text(node, "'command'"));
            }
            catch (FormatException e)
            {
                throw context.Error(node.Start, e.Message, "quote as a POSIX shell would, or give the command as a list of arguments", e);
            }
        }
        else
        {
            throw context.Error(node, $"'command' must be a list of arguments or a string, got {context.Describe(node)}", "write e.g. command: [python3, train.py]");
        }

        if (arguments.Count == 0 || arguments[0].Length == 0)
        {
            throw context.Error(node, "the command names no program", "write e.g. command: [python3, train.py]");
        }

        return [.. arguments];
    }

    internal static CommandArgumentStyle ReadPassing(ConfigContext context, YamlNode node)
    {
        string text = context.Text(node, "pass_parameters");
        return Passing.TryGetValue(text, out CommandArgumentStyle passing) ? passing : throw context.Error(
            node,
            $"unknown pass_parameters '{text}'",
            (KeySuggestions.Closest(text, Passing.Keys) is { } s ? $"did you mean '{s}'? " : "") +
            "allowed: flags (--name=value), key_value (name=value), hydra (name=value in Hydra's override syntax), none (placeholders, VERNIER_PARAMS_FILE or the merged base config only)");
    }

    internal static ImmutableSortedDictionary<string, string?> ReadEnvironment(ConfigContext context, YamlNode node)
    {
        var environment = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach ((YamlNode key, YamlNode value) in context.Mapping(node, "'env'", "write e.g. env: { OMP_NUM_THREADS: 4 }").Children)
        {
            string name = context.Text(key, "an environment variable's name");
            if (!EnvironmentName().IsMatch(name))
            {
                throw context.Error(key, $"'{name}' is not a valid environment variable name", "use letters, digits and '_', not starting with a digit");
            }

            // A null value removes an inherited variable.
            environment[name] = value is YamlScalarNode scalar && context.Resolve(scalar).Kind == ScalarKind.Null ? null : context.Text(value, $"the value of '{name}'");
        }

        return environment.ToImmutable();
    }

    private static ObjectiveDefinition ReadPythonObjective(ConfigContext context, MappingReader reader, ObjectiveDefinition objective, PythonCallableReference python)
    {
        if (reader.Has("pass_parameters"))
        {
            throw context.Error(reader.Key("pass_parameters"), "'pass_parameters' does not apply to a Python callable", "the function gets the parameters as a dict; remove the key");
        }

        return objective with
        {
            PythonCallable = python,
            Python = reader.Get("python") is { } interpreter ? context.NonEmptyText(interpreter, "'python'") : null,
            PassParameters = CommandArgumentStyle.None,
            WorkingDirectory = reader.Text("working_directory"),
            Environment = reader.Get("env") is { } env ? ReadEnvironment(context, env) : objective.Environment,
        };
    }

    private static ObjectiveDefinition ReadDotNetObjective(ConfigContext context, MappingReader reader, ObjectiveDefinition objective, YamlNode callable)
    {
        CallableReference reference = ReadCallable(context, callable);
        if (reader.Has("python"))
        {
            throw context.Error(reader.Key("python"), "'python' applies only to a Python callable", $"a Python callable is written \"{PythonCallableForm}\"; this one names a .NET assembly");
        }

        if (CommandOnly.FirstOrDefault(reader.Has) is { } key)
        {
            throw context.Error(reader.Key(key), $"'{key}' applies only to a command objective", "remove it, or run the objective as a 'command'");
        }

        return objective with { Callable = reference };
    }

    private static CallableReference ReadCallable(ConfigContext context, YamlNode node)
    {
        string text = context.NonEmptyText(node, "'callable'");
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !text[..colon].EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            throw context.Error(
                node,
                $"'callable' must name a Python function or a .NET method, got '{text}'",
                $"write \"{PythonCallableForm}\" (a dotted module name, a colon, a function) or \"{CallableForm}\" (an assembly ending in .dll)");
        }

        Match member = MemberName().Match(text[(colon + 1)..]);
        return member.Success
            ? new CallableReference(text[..colon], member.Groups["type"].Value, member.Groups["method"].Value)
            : throw context.Error(node, $"'callable' must name an assembly and a method, got '{text}'", $"write \"{CallableForm}\"");
    }

    /// <summary>The Python function a <c>callable</c> names, or null when it names a .NET method (left of the colon ends in <c>.dll</c>) or is malformed.</summary>
    private static PythonCallableReference? ReadPythonCallable(ConfigContext context, YamlNode node)
    {
        string text = context.NonEmptyText(node, "'callable'");
        int colon = text.LastIndexOf(':');
        return colon > 0 && PythonModuleName().IsMatch(text[..colon]) && PythonIdentifier().IsMatch(text[(colon + 1)..])
            ? new PythonCallableReference(text[..colon], text[(colon + 1)..])
            : null;
    }

    private static ImmutableArray<string>? ReadMetrics(ConfigContext context, MappingReader reader, bool isCommand)
    {
        if (reader.Has("metric") && reader.Has("metrics"))
        {
            throw context.Error(Later(reader, "metric", "metrics"), "'objective' has both 'metric' and 'metrics'", "use 'metric' for one objective, 'metrics' for several");
        }

        if (reader.Get("metric") is { } metric)
        {
            return [MetricName(context, metric)];
        }

        if (reader.Get("metrics") is { } list)
        {
            YamlSequenceNode names = context.Sequence(list, "'metrics'", "write e.g. metrics: [val_loss, latency_ms]");
            var metrics = new List<string>();
            foreach (YamlNode node in names)
            {
                string name = MetricName(context, node);
                if (metrics.Contains(name))
                {
                    throw context.Error(node, $"metric '{name}' is listed twice", "metric names must be unique");
                }

                metrics.Add(name);
            }

            return metrics.Count > 0 ? [.. metrics] : throw context.Error(list, "'metrics' is empty", "list at least one metric");
        }

        return isCommand
            ? throw context.Error(reader.Node, "missing required key 'metric' in 'objective'", "name the metric the command prints as METRIC name=value, e.g. metric: val_loss")
            : null;
    }

    internal static string MetricName(ConfigContext context, YamlNode node)
    {
        string name = context.NonEmptyText(node, "a metric name");
        if (name == "step")
        {
            throw context.Error(node, "'step' cannot be a metric name", "the METRIC protocol reserves it for the step of intermediate values");
        }

        return MetricNamePattern().IsMatch(name) ? name : throw context.Error(node, $"'{name}' is not a valid metric name", "a metric name has no spaces or '='");
    }

    private static ImmutableArray<StudyDirection> ReadDirections(ConfigContext context, MappingReader reader, int metricCount)
    {
        string[] given = [.. new[] { "maximize", "direction", "directions" }.Where(reader.Has).OrderBy(k => reader.Key(k).Start.Index)];
        if (given.Length > 1)
        {
            throw context.Error(reader.Key(given[1]), $"'{given[1]}' and '{given[0]}' both set the direction", "give only one of maximize, direction and directions");
        }

        if (reader.Get("directions") is { } list)
        {
            YamlSequenceNode names = context.Sequence(list, "'directions'", "write e.g. directions: [minimize, maximize]");
            if (names.Children.Count != metricCount)
            {
                throw context.Error(list, $"{Count(names.Children.Count, "direction")} for {Count(metricCount, "metric")}", "give one direction per metric, in the same order");
            }

            return [.. names.Select(n => Direction(context, n))];
        }

        StudyDirection? single = reader.Get("direction") is { } direction ? Direction(context, direction)
            : reader.Boolean("maximize") is bool maximize ? (maximize ? StudyDirection.Maximize : StudyDirection.Minimize)
            : null;
        if (single is not null && metricCount > 1)
        {
            throw context.Error(reader.Key(given[0]), $"'{given[0]}' sets one direction, but there are {metricCount} metrics", "give 'directions' with one entry per metric");
        }

        return [.. Enumerable.Repeat(single ?? StudyDirection.Minimize, metricCount)];
    }

    private static StudyDirection Direction(ConfigContext context, YamlNode node)
    {
        string text = context.Text(node, "a direction");
        try
        {
            return StudyDirectionExtensions.ParseWireName(text);
        }
        catch (FormatException e)
        {
            throw context.Error(node.Start, $"unknown direction '{text}'", DirectionsAllowed, e);
        }
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Of two keys that may not go together, the one written second: the error is where the reader stumbles.</summary>
    private static YamlScalarNode Later(MappingReader reader, string a, string b) =>
        reader.Key(a).Start.Index > reader.Key(b).Start.Index ? reader.Key(a) : reader.Key(b);

    [GeneratedRegex(@"^(?<type>[A-Za-z_][A-Za-z0-9_]*(?:[.+][A-Za-z_][A-Za-z0-9_]*)*)\.(?<method>[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();

    // Python identifiers (letters in any script, '_', digits after the first character), joined by dots; never ending in .dll.
    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{Nd}_]*(?:\.[\p{L}_][\p{L}\p{Nd}_]*)*(?<!\.dll)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PythonModuleName();

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{Nd}_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonIdentifier();

    // The METRIC protocol splits on whitespace and '='.
    [GeneratedRegex(@"^[^\s=]+$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricNamePattern();
}
