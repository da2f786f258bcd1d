using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Studies;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>
/// Reads a study file (YAML or JSON, told apart by content, not extension) into a validated
/// <see cref="StudyDefinition"/>, or throws a <see cref="ConfigException"/> naming the file, line
/// and column of the first problem, what is wrong and what is allowed.
/// </summary>
/// <remarks>
/// <para>The file is a mapping with these keys (any other key is an error, with a suggestion):</para>
/// <code>
/// name: mlp-digits                  # optional; default: the file name without extension
/// storage: sqlite:///vernier.db     # optional; memory, sqlite:///path.db, postgresql://user@host/db
/// space:                            # required (or search_space); a list, or a map name → spec
///   - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
///   - { name: layers, type: int, low: 2, high: 6, step: 2 }
///   - { name: opt, type: categorical, choices: [sgd, adam] }
///   - { name: momentum, type: float, low: 0, high: 0.99, when: { opt: sgd } }
/// constraints:                      # optional
///   - { when: { opt: adam }, set: { momentum: 0 } }
///   - { forbid: { opt: sgd, lr: { gt: 0.05 } } }   # or { when: { opt: sgd }, forbid: { lr: { gt: 0.05 } } }
/// strategy: { name: random, seed: 42 }   # optional; random (default) or grid; or just strategy: grid
/// pruner: none                                   # optional; the pruners this build has (none)
/// trackers: [console, "jsonl:path=events.jsonl"] # optional; where the run's events are recorded (docs/trackers.md)
/// run: { name: "{opt}-lr{lr}", group: "{opt}", tags: [sweep-a] }   # optional; each trial's run name, group and tags
/// objective:                        # required
///   command: [python3, train.py]    # or a string split like a POSIX shell; or callable: "train:objective" (Python) / "A.dll:Ns.Type.Method"
///   metric: val_loss                # required for a command; or metrics: [loss, latency] with directions: [minimize, minimize]
///   maximize: false                 # or direction: minimize|maximize; default minimize
///   timeout: 600                    # seconds per trial; optional
///   env: { OMP_NUM_THREADS: 1 }     # optional, commands only
///   working_directory: .            # optional, commands only; default: the file's directory
///   pass_parameters: flags          # flags (--name=value, default), key_value (name=value), hydra, none
///   base_config: configs/base.yaml  # optional: each trial gets a copy with its parameters merged in (VERNIER_CONFIG_FILE, {config})
/// resource: { max_concurrent: 1, min_interval_ms: 0, deterministic: false }   # optional; these are the defaults
///   # also devices: [0, 1], gpus: 1, trials_per_device: 1, cpus: 2, cpu_count: 8 (docs/study-files.md, "Devices")
/// max_trials: 12                    # optional
/// timeout: 3600                     # seconds for the whole study; optional
/// </code>
/// <para>
/// A Weights &amp; Biases sweep file (top-level <c>method</c> and <c>parameters</c>, no <c>space</c> or <c>objective</c>)
/// is also accepted as is; see <c>docs/wandb-sweeps.md</c>.
/// </para>
/// <para>
/// The space also takes the Ray Tune style, a map from name to specification:
/// <c>{"lr": {"type": "loguniform", "min": 1e-5, "max": 1e-3}, "batch_size": {"type": "choice", "values": [4, 8, 16]}}</c>.
/// Types: <c>float</c>, <c>int</c>, <c>categorical</c>, and <c>uniform</c>, <c>loguniform</c>,
/// <c>quniform</c> (q), <c>randint</c>, <c>lograndint</c>, <c>qrandint</c> (q), <c>choice</c>;
/// <c>min</c>/<c>max</c> may replace <c>low</c>/<c>high</c> and <c>values</c> <c>choices</c>.
/// As in Ray Tune, the upper bound of <c>randint</c> and <c>lograndint</c> is exclusive
/// (<c>randint</c> with min 1 and max 4 gives 1, 2 or 3); <c>int</c> and <c>qrandint</c> include it.
/// In the map form a plain value (<c>epochs: 10</c>) is a constant.
/// </para>
/// <para>
/// A condition (<c>when</c>, <c>forbid</c>) maps parameters to a value (equals), a list (one of)
/// or operators <c>{eq, ne, in, lt, le, gt, ge}</c>; everything listed must hold.
/// </para>
/// <para>
/// Scalars follow the YAML 1.2 core schema, as JSON does: <c>"0.1"</c> in quotes is a string,
/// <c>yes</c> is not a boolean. The loader stops at the first error: it checks the top-level keys,
/// then name, storage, space (parameters, their conditions, constraints), objective, strategy,
/// pruner, resource, max_trials and timeout, in that order.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// StudyDefinition study = StudyDefinitionLoader.Load("study.yaml");
/// foreach (ParameterSpec p in study.Space.Parameters) Console.WriteLine($"{p.Name}: {p.Distribution}");
/// </code>
/// </example>
public static class StudyDefinitionLoader
{
    private const string RootHint = "a study file is a mapping with at least 'space' and 'objective'";

    private static readonly KeySpec[] RootKeys =
    [
        new("name"), new("storage"), new("space", "search_space"), new("constraints"), new("strategy"), new("pruner"),
        new("objective"), new("resource"), new("max_trials"), new("timeout"), new("trackers"), new("run"), new("outputs"),
    ];

    private static readonly KeySpec[] ResourceKeys =
    [
        new("max_concurrent"), new("min_interval_ms"), new("deterministic"), new("heartbeat_interval"), new("stale_after"),
        new("devices"), new("gpus"), new("trials_per_device"), new("cpus"), new("cpu_count"),
    ];

    private static readonly string[] StorageSchemes = ["memory:", "sqlite:///", "postgresql://", "postgres://"];

    /// <summary>Reads and validates a study file.</summary>
    /// <param name="path">The file's path; messages name it as given.</param>
    /// <returns>The definition, with <see cref="StudyDefinition.SourcePath"/> set to the file's full path.</returns>
    /// <exception cref="ConfigException">The file is not a valid study definition.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    public static StudyDefinition Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path) with { SourcePath = Path.GetFullPath(path) };
    }

    /// <summary>Parses and validates the text of a study file.</summary>
    /// <param name="text">The YAML or JSON text.</param>
    /// <param name="fileName">The name used in messages and for the default study name, e.g. <c>study.yaml</c>.</param>
    /// <returns>The definition, without a <see cref="StudyDefinition.SourcePath"/>.</returns>
    /// <exception cref="ConfigException">The text is not a valid study definition.</exception>
    public static StudyDefinition Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var context = new ConfigContext(fileName);
        YamlNode rootNode = YamlSource.LoadRoot(context, text.TrimStart('\uFEFF'));
        if (WandbSweepReader.IsSweep(rootNode))
        {
            // A Weights & Biases sweep file, taken as is (docs/wandb-sweeps.md).
            return WandbSweepReader.Read(context, rootNode, DefaultName(fileName));
        }

        MappingReader root = MappingReader.Open(context, rootNode, "the file", "at the top level", RootKeys, RootHint);

        string name = root.Text("name") is { } given ? given.Trim() : DefaultName(fileName);
        string? storage = root.Get("storage") is { } storageNode ? ReadStorage(context, storageNode) : null;

        YamlNode spaceNode = root.Required("space", RootHint);
        List<DeclaredParameter> declared = SpaceReader.Read(context, spaceNode, root.Spelling("space"));
        SearchSpace space = BuildSpace(context, root, declared);

        (ObjectiveDefinition objective, ImmutableArray<StudyDirection> directions) =
            ObjectiveReader.Read(context, root.Required("objective", RootHint));
        objective = BaseConfigReader.Read(context, root.Required("objective"), objective, declared);

        StrategyDefinition strategy = root.Get("strategy") is { } strategyNode ? ReadStrategy(context, strategyNode, declared) : new StrategyDefinition();
        PrunerDefinition pruner = new();
        if (root.Get("pruner") is { } prunerNode)
        {
            (string prunerName, _, ImmutableSortedDictionary<string, object?> options) = ReadNamed(context, prunerNode, "pruner", Catalog.Pruners, pruner.Name, allowSeed: false);
            pruner = new PrunerDefinition { Name = prunerName, Options = options };
        }

        CheckRunSeeds(context, root, objective, space, strategy);

        return new StudyDefinition
        {
            Name = name,
            Storage = storage,
            Space = space,
            Directions = directions,
            Strategy = strategy,
            Pruner = pruner,
            Objective = objective,
            Resource = root.Get("resource") is { } resourceNode ? ReadResource(context, resourceNode, objective) : new ResourceDefinition(),
            MaxTrials = root.Get("max_trials") is { } maxTrials ? PositiveInt(context, maxTrials, "max_trials") : null,
            Timeout = root.Seconds("timeout"),
            Trackers = root.Get("trackers") is { } trackersNode ? ReadTrackers(context, trackersNode) : [],
            Run = root.Get("run") is { } runNode ? RunNamingReader.Read(context, runNode, [.. declared.Select(p => p.Name)]) : null,
            RunsCsvMetrics = root.Get("outputs") is { } outputsNode ? ReadOutputs(context, outputsNode) : null,
        };
    }

    /// <summary>Reads <c>outputs</c>: <c>runs_csv: { metrics: [val_loss, acc] }</c> chooses runs.csv's metric columns, in order.</summary>
    private static ImmutableArray<string>? ReadOutputs(ConfigContext context, YamlNode node)
    {
        const string Hint = "write e.g. outputs: { runs_csv: { metrics: [val_loss, accuracy] } }";
        MappingReader outputs = MappingReader.Open(context, node, "'outputs'", "in 'outputs'", [new("runs_csv")], Hint);
        if (outputs.Get("runs_csv") is not { } csvNode)
        {
            return null;
        }

        MappingReader csv = MappingReader.Open(context, csvNode, "'runs_csv'", "in 'outputs.runs_csv'", [new("metrics")], Hint);
        if (csv.Get("metrics") is not { } list)
        {
            return null;
        }

        var metrics = new List<string>();
        foreach (YamlNode item in context.Sequence(list, "'metrics' in 'outputs.runs_csv'", Hint + "; [] leaves the metric columns out"))
        {
            string metric = ObjectiveReader.MetricName(context, item);
            if (metrics.Contains(metric))
            {
                throw context.Error(item, $"metric '{metric}' is listed twice in 'outputs.runs_csv.metrics'", "list each column once");
            }

            metrics.Add(metric);
        }

        return [.. metrics];
    }

    /// <summary>Runs with seeds (repeats or seeds) pass the seed as <c>seed</c>, and repeated runs have checkpoints of their own.</summary>
    private static void CheckRunSeeds(ConfigContext context, MappingReader root, ObjectiveDefinition objective, SearchSpace space, StrategyDefinition strategy)
    {
        if (!objective.Repeats.HasSeeds || root.Get("objective") is not YamlMappingNode objectiveNode)
        {
            return;
        }

        YamlNode where = MappingReader.Peek(objectiveNode, "seeds") ?? MappingReader.Peek(objectiveNode, "repeats")!;
        if (space.Find("seed") is not null)
        {
            throw context.Error(
                where,
                "the space has a parameter 'seed', but with 'repeats' or 'seeds' each run gets its own seed (--seed, {seed}, VERNIER_SEED)",
                "rename the parameter, or remove 'repeats' and 'seeds'");
        }

        if (objective.Repeats.IsRepeated && Catalog.CanonicalStrategy(strategy.Name) == "population")
        {
            throw context.Error(
                where,
                "'repeats' cannot be combined with the population strategy",
                "a population trial continues one checkpoint; run more members instead (population_size)");
        }
    }

    /// <summary>Reads <c>trackers</c>: a list of spec strings (<c>jsonl:path=events.jsonl</c>) or mappings (<c>{name: jsonl, path: events.jsonl}</c>).</summary>
    private static ImmutableArray<Trackers.TrackerSpec> ReadTrackers(ConfigContext context, YamlNode node)
    {
        const string Hint = "write e.g. trackers: [console, \"jsonl:path=events.jsonl\"] or a list of mappings with 'name' and the tracker's keys";
        var specs = ImmutableArray.CreateBuilder<Trackers.TrackerSpec>();
        foreach (YamlNode item in context.Sequence(node, "'trackers'", Hint))
        {
            try
            {
                if (item is YamlMappingNode map)
                {
                    string? name = null;
                    var options = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var (key, value) in map.Children)
                    {
                        string keyText = context.Text(key, "a tracker key");
                        string valueText = context.Text(value, $"tracker key '{keyText}'");
                        if (keyText == "name")
                        {
                            name = valueText;
                        }
                        else
                        {
                            options[keyText] = valueText;
                        }
                    }

                    specs.Add(Trackers.TrackerSpec.Create(name ?? throw context.Error(item, "a tracker mapping needs 'name'", Hint), options));
                }
                else
                {
                    specs.Add(Trackers.TrackerSpec.Parse(context.NonEmptyText(item, "a tracker")));
                }
            }
            catch (FormatException e)
            {
                throw context.Error(item, e.Message.TrimEnd('.'), Hint);
            }
        }

        return specs.ToImmutable();
    }

    private static string DefaultName(string fileName)
    {
        string stem = Path.GetFileNameWithoutExtension(fileName);
        return stem.Length > 0 ? stem : "study";
    }

    private static string ReadStorage(ConfigContext context, YamlNode node)
    {
        string url = context.NonEmptyText(node, "storage");
        if (url == "memory")
        {
            // Unquoted, 'memory:' is not valid YAML (a colon at the end starts a mapping), so the bare word is accepted.
            return "memory:";
        }

        bool known = StorageSchemes.Any(s => url.StartsWith(s, StringComparison.Ordinal) && (s == "memory:" || url.Length > s.Length));
        return known ? url : throw context.Error(node, $"'{url}' is not a storage URL", "allowed: memory, sqlite:///path/to/file.db (three slashes), postgresql://user@host/db");
    }

    private static SearchSpace BuildSpace(ConfigContext context, MappingReader root, List<DeclaredParameter> declared)
    {
        var conditions = new ConditionReader(context, declared);
        List<ParameterSpec> specs = [.. declared.Select(p => new ParameterSpec(p.Name, p.Distribution, p.When is null ? null : conditions.ReadParameterCondition(p)))];
        List<Constraint> constraints = root.Get("constraints") is { } constraintsNode ? conditions.ReadConstraints(constraintsNode) : [];
        try
        {
            return new SearchSpace(specs, constraints);
        }
        catch (ArgumentException e)
        {
            // Names and values were checked where they are written; what is left spans several nodes (a cycle of conditions).
            throw context.Error(root.Key("space").Start, $"the search space is inconsistent: {e.Message.TrimEnd('.')}", null, e);
        }
    }

    private static StrategyDefinition ReadStrategy(ConfigContext context, YamlNode node, List<DeclaredParameter> declared)
    {
        (string name, ulong? seed, ImmutableSortedDictionary<string, object?> options) = ReadNamed(context, node, "strategy", Catalog.Strategies, new StrategyDefinition().Name, allowSeed: true);
        if (name == "grid" && declared.FirstOrDefault(p => p.Distribution is FloatDistribution { Step: null, IsSingle: false } or NormalDistribution) is { } continuous)
        {
            throw context.Error(
                continuous.Entry,
                $"grid search needs a finite set of values, but '{continuous.Name}' is {(continuous.Distribution is NormalDistribution ? "an unbounded" : "a continuous")} {continuous.Distribution}",
                "give it a step, or make it categorical");
        }

        if (name == "population" && node is YamlMappingNode map && MappingReader.Peek(map, "mutations") is YamlSequenceNode mutations && declared.Count > 0)
        {
            foreach (YamlNode item in mutations.Children)
            {
                if (item is YamlScalarNode { Value: { } mutable } && declared.All(p => p.Name != mutable))
                {
                    throw context.Error(
                        item,
                        $"mutations names '{mutable}', which is not a parameter of the space",
                        (KeySuggestions.Closest(mutable, declared.Select(p => p.Name)) is { } s ? $"did you mean '{s}'? " : "") +
                        "the parameters are " + string.Join(", ", declared.Select(p => p.Name)));
                }
            }
        }

        return new StrategyDefinition { Name = Catalog.CanonicalStrategy(name), Seed = seed, Options = options };
    }

    /// <summary>Reads <c>strategy</c> or <c>pruner</c>: a bare name, or a mapping with <c>name</c> and the options the catalog lists for that name.</summary>
    private static (string Name, ulong? Seed, ImmutableSortedDictionary<string, object?> Options) ReadNamed(
        ConfigContext context, YamlNode node, string what, IReadOnlyDictionary<string, string[]> catalog, string defaultName, bool allowSeed)
    {
        YamlNode? nameNode = node switch
        {
            YamlScalarNode => node,
            YamlMappingNode map => MappingReader.Peek(map, "name"),
            _ => throw context.Error(node, $"'{what}' must be a name or a mapping, got {context.Describe(node)}", $"write e.g. {what}: {{ name: {defaultName} }}"),
        };

        string name = nameNode is null ? defaultName : context.NonEmptyText(nameNode, $"the {what}'s name");
        if (!catalog.TryGetValue(name, out string[]? optionKeys))
        {
            throw context.Error(
                nameNode!,
                $"unknown {what} '{name}'",
                (what == "pruner" ? Catalog.PrunerNameHint(name) : "") +
                (KeySuggestions.Closest(name, catalog.Keys) is { } s ? $"did you mean '{s}'? " : "") + "allowed: " + string.Join(", ", catalog.Keys.Order(StringComparer.Ordinal)));
        }

        var options = ImmutableSortedDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        if (node is YamlScalarNode)
        {
            return (name, null, options.ToImmutable());
        }

        KeySpec[] keys = [new("name"), .. allowSeed ? [new KeySpec("seed")] : Array.Empty<KeySpec>(), .. optionKeys.Select(k => new KeySpec(k))];
        MappingReader reader = MappingReader.Open(context, node, $"'{what}'", $"in '{what}' ({name})", keys);
        foreach (string key in optionKeys.Where(reader.Has))
        {
            YamlNode valueNode = reader.Get(key)!;
            options[key] = Catalog.ListOptionKeys.Contains(key) && valueNode is YamlSequenceNode list
                ? ImmutableArray.CreateRange(list.Children.Select(item => context.Value(item, $"an item of {key}")))
                : context.Value(valueNode, key);
        }

        return (name, reader.Get("seed") is { } seedNode ? ReadSeed(context, seedNode) : null, options.ToImmutable());
    }

    private static ulong ReadSeed(ConfigContext context, YamlNode node)
    {
        // Read from the text: a seed may exceed long's range and is never a float.
        if (node is YamlScalarNode scalar && context.Resolve(scalar).Kind is ScalarKind.Integer or ScalarKind.Float &&
            ulong.TryParse(scalar.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong seed))
        {
            return seed;
        }

        throw context.Error(node, $"seed must be a non-negative integer, got {context.Describe(node)}");
    }

    private static ResourceDefinition ReadResource(ConfigContext context, YamlNode node, ObjectiveDefinition objective)
    {
        MappingReader reader = MappingReader.Open(context, node, "'resource'", "in 'resource'", ResourceKeys);
        var resource = new ResourceDefinition();
        if (reader.Get("max_concurrent") is { } maxConcurrent)
        {
            resource = resource with { MaxConcurrent = PositiveInt(context, maxConcurrent, "max_concurrent") };
        }

        if (reader.Get("min_interval_ms") is { } minInterval)
        {
            long ms = context.Integer(minInterval, "min_interval_ms");
            resource = resource with
            {
                MinInterval = ms is >= 0 and <= int.MaxValue ? TimeSpan.FromMilliseconds(ms)
                    : throw context.Error(minInterval, $"min_interval_ms must be between 0 and {int.MaxValue}, got {ms}", "0 starts a trial as soon as a slot is free"),
            };
        }

        if (reader.Get("deterministic") is { } deterministic)
        {
            resource = resource with { Deterministic = context.Boolean(deterministic, "deterministic") };
        }

        resource = resource with
        {
            HeartbeatInterval = reader.Seconds("heartbeat_interval") ?? resource.HeartbeatInterval,
            StaleAfter = reader.Seconds("stale_after") ?? resource.StaleAfter,
        };
        if (resource.StaleAfter <= resource.HeartbeatInterval)
        {
            throw context.Error(
                reader.Get("stale_after") ?? reader.Get("heartbeat_interval")!,
                $"stale_after ({resource.StaleAfter.TotalSeconds:0.###} s) must be longer than heartbeat_interval ({resource.HeartbeatInterval.TotalSeconds:0.###} s)",
                "a trial is failed as stale after missing several heartbeats, e.g. heartbeat_interval: 10, stale_after: 60");
        }

        return ReadPlacement(context, reader, resource, objective);
    }

    /// <summary>Reads <c>devices</c>, <c>gpus</c>, <c>trials_per_device</c>, <c>cpus</c> and <c>cpu_count</c> (docs/study-files.md, "Devices").</summary>
    private static ResourceDefinition ReadPlacement(ConfigContext context, MappingReader reader, ResourceDefinition resource, ObjectiveDefinition objective)
    {
        const string DevicesHint = "write e.g. devices: [0, 1, 2, 3] (GPU ids or UUIDs, as CUDA_VISIBLE_DEVICES takes them)";
        YamlNode? devicesNode = reader.Get("devices");
        if (devicesNode is not null)
        {
            IEnumerable<(YamlNode Node, string Id)> items = devicesNode is YamlScalarNode { Value: { } text } && context.Resolve((YamlScalarNode)devicesNode).Kind == ScalarKind.String
                ? text.Split(',').Select(id => (devicesNode, id.Trim())) // "0,1", as CUDA_VISIBLE_DEVICES writes it
                : context.Sequence(devicesNode, "devices", DevicesHint).Children.Select(item => (item, context.NonEmptyText(item, "a device id").Trim()));
            var ids = ImmutableArray.CreateBuilder<string>();
            foreach ((YamlNode item, string id) in items)
            {
                if (id.Length == 0 || id.Any(c => c == ',' || char.IsWhiteSpace(c)))
                {
                    throw context.Error(item, $"devices: '{id}' is not a device id", DevicesHint);
                }

                if (ids.Contains(id))
                {
                    throw context.Error(item, $"devices lists '{id}' twice", "each device is listed once; to run several trials on one device, set trials_per_device");
                }

                ids.Add(id);
            }

            if (ids.Count == 0)
            {
                throw context.Error(devicesNode, "devices must list at least one device", DevicesHint);
            }

            if (objective.Callable is not null)
            {
                throw context.Error(devicesNode, "devices places command trials, but this objective is a callable, which runs inside Vernier", "use an objective with a command, or remove devices");
            }

            if (objective.Environment.Keys.FirstOrDefault(Scheduling.TrialResources.DeviceVariables.Contains) is { } clash)
            {
                throw context.Error(devicesNode, $"the objective's env sets {clash}, which devices sets for each trial", $"remove {clash} from env");
            }

            resource = resource with { Devices = ids.ToImmutable() };
        }

        if (reader.Get("gpus") is { } gpusNode)
        {
            if (gpusNode is YamlScalarNode gpusScalar && context.Resolve(gpusScalar) is (ScalarKind.Float, double fraction) && fraction is > 0 and < 1)
            {
                throw context.Error(gpusNode, $"gpus must be a whole number of devices, got {gpusScalar.Value}", $"to share a device between trials as Ray Tune's gpu: {gpusScalar.Value} does, write gpus: 1 and trials_per_device: {Math.Max(2, (int)Math.Floor(1 / fraction))}");
            }

            long gpus = context.Integer(gpusNode, "gpus");
            if (gpus < 0)
            {
                throw context.Error(gpusNode, $"gpus must not be negative, got {gpus}", "0 runs each trial with every GPU hidden");
            }

            if (devicesNode is null && gpus > 0)
            {
                throw context.Error(gpusNode, "gpus needs devices, the GPUs to place trials on", "add e.g. devices: [0, 1] to 'resource'");
            }

            if (gpus > resource.Devices.Length)
            {
                throw context.Error(gpusNode, $"gpus is {gpus}, but devices lists only {resource.Devices.Length}", "a trial's devices are distinct; list more devices or lower gpus");
            }

            resource = resource with { Gpus = (int)gpus };
        }

        if (reader.Get("trials_per_device") is { } perDevice)
        {
            if (devicesNode is null)
            {
                throw context.Error(perDevice, "trials_per_device needs devices", "add e.g. devices: [0, 1] to 'resource'");
            }

            resource = resource with { TrialsPerDevice = PositiveInt(context, perDevice, "trials_per_device") };
        }

        if (reader.Get("cpus") is { } cpus)
        {
            if (objective.Callable is not null)
            {
                throw context.Error(cpus, "cpus places command trials, but this objective is a callable, which runs inside Vernier", "use an objective with a command, or remove cpus");
            }

            resource = resource with { Cpus = PositiveInt(context, cpus, "cpus") };
        }

        if (reader.Get("cpu_count") is { } cpuCount)
        {
            if (resource.Cpus == 0)
            {
                throw context.Error(cpuCount, "cpu_count sizes the pool that each trial's cpus come from, but cpus is not set", "add e.g. cpus: 2 to 'resource'");
            }

            int count = PositiveInt(context, cpuCount, "cpu_count");
            if (resource.Cpus > count)
            {
                throw context.Error(reader.Get("cpus")!, $"cpus is {resource.Cpus}, but cpu_count is only {count}", "a trial takes at most cpu_count cores");
            }

            resource = resource with { CpuCount = count };
        }

        return resource;
    }

    private static int PositiveInt(ConfigContext context, YamlNode node, string what)
    {
        long value = context.Integer(node, what);
        return value switch
        {
            < 1 => throw context.Error(node, $"{what} must be at least 1, got {value}"),
            > int.MaxValue => throw context.Error(node, $"{what} must be at most {int.MaxValue}, got {value}"),
            _ => (int)value,
        };
    }
}
