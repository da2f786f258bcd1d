using Vernier.Pruners;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Objectives.Pipelines;
using Vernier.Runner.Scheduling;
using Vernier.Runner.Workers;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner;

/// <summary>Turns a <see cref="StudyDefinition"/> into the running parts: sampler, pruner, objective and study.</summary>
public static class StudyComposition
{
    /// <summary>The sampler names this build knows, for config files and <c>--sampler</c>.</summary>
    public static IReadOnlyList<string> SamplerNames { get; } = [.. Catalog.Strategies.Keys.Where(n => !Catalog.StrategyAliases.ContainsKey(n))];

    /// <summary>The pruner names this build knows, for config files and <c>--pruner</c>.</summary>
    public static IReadOnlyList<string> PrunerNames { get; } = [.. Catalog.Pruners.Keys];

    /// <summary>Other names for samplers, each with the name it stands for (<c>bayesian</c> → <c>auto</c>).</summary>
    public static IReadOnlyDictionary<string, string> SamplerAliases => Catalog.StrategyAliases;

    /// <summary>A hint for a pruner name that is really a sampler's (e.g. <c>pbt</c>), ending in "; ", or empty.</summary>
    /// <param name="name">The unknown pruner name.</param>
    public static string PrunerNameHint(string name) => Catalog.PrunerNameHint(name);

    /// <summary>The canonical sampler name for a name or an alias (<c>bayesian</c> is <c>auto</c>), or null when this build has no such sampler.</summary>
    /// <param name="name">A name from a file or the command line.</param>
    public static string? ResolveSamplerName(string name) =>
        Catalog.Strategies.ContainsKey(name) ? Catalog.CanonicalStrategy(name) : null;

    /// <summary>Creates the sampler a strategy names.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="space">The declared space (the grid enumerates it).</param>
    /// <exception cref="VernierException">The name is unknown or the space does not suit the sampler.</exception>
    public static Sampler CreateSampler(StrategyDefinition strategy, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        try
        {
            return Catalog.CanonicalStrategy(strategy.Name) switch
            {
                "random" => new RandomSampler(),
                "grid" => new GridSampler(space),
                "qmc" => QmcStrategy.Create(strategy.Options),
                "tpe" => TpeStrategy.Create(strategy.Options),
                "gp" => GpStrategy.Create(strategy.Options),
                "cmaes" => CmaEsStrategy.Create(strategy.Options),
                "nsga2" => Nsga2Strategy.Create(strategy.Options),
                "auto" => AutoStrategy.Create(strategy.Options),
                "population" => PopulationStrategy.Create(strategy.Options),
                _ => throw new VernierException($"unknown sampler '{strategy.Name}'; this build knows {string.Join(", ", SamplerNames)}."),
            };
        }
        catch (ArgumentException e)
        {
            throw new VernierException($"sampler '{strategy.Name}': {e.Message}", e);
        }
    }

    /// <summary>Creates the pruner a definition names.</summary>
    /// <param name="pruner">The pruner's definition.</param>
    /// <exception cref="VernierException">The pruner is not available in this build.</exception>
    public static Pruner CreatePruner(PrunerDefinition pruner)
    {
        ArgumentNullException.ThrowIfNull(pruner);
        try
        {
            return PrunerStrategies.Create(pruner.Name, pruner.Options);
        }
        catch (ArgumentException e)
        {
            throw new VernierException($"pruner '{pruner.Name}': {e.Message}", e);
        }
    }

    /// <summary>A builder for the definition's study in <paramref name="storage"/>: directions, sampler, pruner, seed, concurrency limit and this process as the worker.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="storage">The storage.</param>
    /// <param name="studyName">The study's name (the definition's unless overridden).</param>
    public static StudyBuilder CreateBuilder(StudyDefinition definition, IStorage storage, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        StudyBuilder builder = Study.Builder(studyName ?? definition.Name)
            .UseStorage(storage)
            .WithDirections([.. definition.Directions])
            .WithSampler(CreateSampler(definition.Strategy, definition.Space))
            .WithPruner(CreatePruner(definition.Pruner))
            .Configure(options =>
            {
                options.MaxConcurrent = definition.Resource.MaxConcurrent;
                options.DeterministicParallel = definition.Resource.Deterministic;
                options.HeartbeatInterval = definition.Resource.HeartbeatInterval;
                options.StaleAfter = definition.Resource.StaleAfter;
                options.Worker = LocalWorker.Current;
                options.WorkerLiveness = LocalWorker.Liveness;
                options.MaxRetries = definition.Objective.MaxRetries;
                options.RetryBackoff = definition.Objective.RetryBackoff;
                options.RetryFailed = RetryPolicy(definition.Objective);
            });
        return definition.Strategy.Seed is ulong seed ? builder.WithSeed(seed) : builder;
    }

    /// <summary>
    /// Which failed trials the objective's <c>retry_on</c> retries: for a command, those whose <c>failure_class</c> is listed;
    /// null (interrupted trials only) for a callable or when nothing is retried.
    /// </summary>
    /// <param name="objective">The objective.</param>
    public static Func<FrozenTrial, bool>? RetryPolicy(ObjectiveDefinition objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (!objective.RunsAsProcess || objective.MaxRetries == 0 || objective.RetryOn.IsEmpty)
        {
            return null;
        }

        HashSet<string> names = [.. objective.RetryOn.Select(CommandFailureClasses.Name)];
        return trial => trial.SystemAttributes.TryGetValue(SystemAttributes.FailureClass, out System.Text.Json.JsonElement value)
            && value.ValueKind == System.Text.Json.JsonValueKind.String && names.Contains(value.GetString()!);
    }

    /// <summary>The command runner for a command objective or a Python callable (a process per trial), or null for a .NET callable.</summary>
    /// <param name="definition">The definition.</param>
    public static CommandObjectiveRunner? CreateCommandRunner(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ObjectiveDefinition objective = definition.Objective;
        IReadOnlyList<string>? command = objective.Command is { } given ? given
            : objective.PythonCallable is { } python ? PythonCallable.Command(objective.Python ?? PythonCallable.DefaultInterpreter, python.ToString(), objective.Metrics)
            : null;
        if (command is null)
        {
            return null;
        }

        var options = new CommandObjectiveOptions
        {
            Command = command,
            Metric = objective.Metrics[0],
            ExtraMetrics = [.. objective.Metrics.Skip(1)],
            ArgumentStyle = objective.PassParameters,
            WorkingDirectory = definition.ResolvePath(objective.WorkingDirectory ?? "."),
            Environment = objective.Environment,
            Timeout = objective.Timeout,
            BaseConfig = objective.BaseConfig,
        };
        if (objective.GracePeriod is { } grace)
        {
            options.TerminationGracePeriod = grace;
        }

        return new CommandObjectiveRunner(options);
    }

    /// <summary>The runner of a pipeline objective (<c>objective.steps</c>), or null for a single command or a callable.</summary>
    /// <param name="definition">The definition.</param>
    public static PipelineRunner? CreatePipelineRunner(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ObjectiveDefinition objective = definition.Objective;
        if (objective.Steps is not { } steps)
        {
            return null;
        }

        string workingDirectory = definition.ResolvePath(objective.WorkingDirectory ?? ".");
        var compiled = new List<PipelineStep>(steps.Length);
        foreach (PipelineStepDefinition step in steps)
        {
            var environment = new Dictionary<string, string?>(objective.Environment, StringComparer.Ordinal);
            foreach ((string name, string? value) in step.Environment)
            {
                environment[name] = value;
            }

            var options = new CommandObjectiveOptions
            {
                Command = step.Command,
                Metric = objective.Metrics[0],
                ArgumentStyle = step.PassParameters,
                WorkingDirectory = workingDirectory,
                Environment = environment,
                Timeout = step.Timeout,
                MetricsRequired = false,
                BaseConfig = objective.BaseConfig,
            };
            if (objective.GracePeriod is { } grace)
            {
                options.TerminationGracePeriod = grace;
            }

            compiled.Add(new PipelineStep(step.Name, new CommandObjectiveRunner(options), environment, step.Outputs, step.Inputs));
        }

        return new PipelineRunner(compiled, objective.Metrics[0], [.. objective.Metrics.Skip(1)], workingDirectory, objective.Timeout);
    }

    /// <summary>
    /// The devices and cores a definition's trials are placed on (<c>resource: { devices, gpus, trials_per_device, cpus, cpu_count }</c>),
    /// with a new pool, or null when it places nothing. Create it once per run: trials wait for each other through its pool.
    /// </summary>
    /// <param name="definition">The definition.</param>
    /// <exception cref="VernierException">A trial needs more cores than this machine has (and <c>cpu_count</c> does not say otherwise).</exception>
    public static TrialResources? CreateResources(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ResourceDefinition resource = definition.Resource;
        if (!resource.PlacesTrials || (definition.Objective.Command is null && definition.Objective.Steps is null))
        {
            return null;
        }

        int cpuCount = resource.Cpus == 0 ? 0 : resource.CpuCount ?? Environment.ProcessorCount;
        if (resource.Cpus > cpuCount)
        {
            throw new VernierException($"resource.cpus is {resource.Cpus}, but this machine has {cpuCount} cores; lower cpus, or set cpu_count to share more cores than there are.");
        }

        return new TrialResources(new DevicePool(resource.Devices, resource.TrialsPerDevice, cpuCount), resource.Gpus, resource.Cpus)
        {
            UserVariables = [.. definition.Objective.Environment.Keys],
        };
    }

    /// <summary>A command objective's trials as the definition runs them: parameters in declared order, constraints, repeats and seeds.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="runner">Its command runner (<see cref="CreateCommandRunner"/>).</param>
    /// <param name="trialsDirectory">Where trials get their folders.</param>
    public static CommandStudyObjective CreateCommandObjective(StudyDefinition definition, CommandObjectiveRunner runner, string trialsDirectory)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new CommandStudyObjective(runner, trialsDirectory, [.. definition.Space.Parameters.Select(p => p.Name)], definition.Objective.Constraints)
        {
            Repeats = definition.Objective.Repeats,
            Resources = CreateResources(definition),
        };
    }


    /// <summary>
    /// The absolute path of the interpreter that runs the definition's Python callable (<c>objective.python</c>, default
    /// <c>python3</c> on <c>PATH</c>), or null when it cannot be found.
    /// </summary>
    /// <param name="definition">The definition.</param>
    /// <exception cref="InvalidOperationException">The objective is not a Python callable.</exception>
    public static string? FindPythonInterpreter(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ObjectiveDefinition objective = definition.Objective;
        if (objective.PythonCallable is null)
        {
            throw new InvalidOperationException("the objective is not a Python callable.");
        }

        return PythonCallable.FindInterpreter(objective.Python ?? PythonCallable.DefaultInterpreter, definition.ResolvePath(objective.WorkingDirectory ?? "."), objective.Environment);
    }

    /// <summary>Fails the study before its first trial when the interpreter or the module cannot be found.</summary>
    private static void CheckPython(StudyDefinition definition, PythonCallableReference python, string workingDirectory)
    {
        string interpreter = definition.Objective.Python ?? PythonCallable.DefaultInterpreter;
        string path = FindPythonInterpreter(definition) ?? throw new VernierException(
            $"objective.python: the Python interpreter '{interpreter}' was not found {(interpreter.Contains('/') ? $"in '{workingDirectory}'" : "on PATH")}; " +
            $"install Python 3.8 or later, or set 'python' in 'objective' to the interpreter to use (e.g. python: .venv/bin/python).");
        if (PythonCallable.CheckModule(path, python.ToString(), workingDirectory, definition.Objective.Environment) is { } problem)
        {
            throw new VernierException($"objective.callable: {problem}");
        }
    }

    /// <summary>The objective a definition names: one process per trial (a command or a Python callable), or a .NET method in this process.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="trialsDirectory">Where command trials get their folders.</param>
    public static Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> CreateObjective(StudyDefinition definition, string trialsDirectory)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Objective.PythonCallable is not null)
        {
            PythonSupport.EnsureWritten(); // first, so that the bridge's path in the command is where it was written
        }

        CommandObjectiveRunner? runner = CreateCommandRunner(definition);
        PipelineRunner? pipeline = CreatePipelineRunner(definition);
        if (runner is not null || pipeline is not null)
        {
            string[] unknown = [.. (runner?.PlaceholderNames ?? pipeline!.PlaceholderNames).Where(name => definition.Space.Find(name) is null
                && !(definition.Objective.Repeats.HasSeeds && CommandTemplate.RunBuiltIns.Contains(name)))];
            if (unknown.Length > 0)
            {
                throw new VernierException(
                    $"the {(pipeline is null ? "command" : "pipeline")} uses {string.Join(", ", unknown.Select(n => $"{{{n}}}"))}, which {(unknown.Length == 1 ? "is not a parameter" : "are not parameters")}; " +
                    $"the parameters are {string.Join(", ", definition.Space.Parameters.Select(p => p.Name))} (plus the built-in {string.Join(", ", CommandTemplate.BuiltIns.Select(n => $"{{{n}}}"))})" +
                    (unknown.Any(CommandTemplate.RunBuiltIns.Contains) ? "; {seed} and {run_index} are filled when the objective has 'repeats' or 'seeds'." : "."));
            }

            string workingDirectory = definition.ResolvePath(definition.Objective.WorkingDirectory ?? ".");
            if (!Directory.Exists(workingDirectory))
            {
                throw new VernierException($"the objective's working directory {workingDirectory} does not exist.");
            }

            if (definition.Objective.PythonCallable is { } python)
            {
                CheckPython(definition, python, workingDirectory);
            }

            CommandStudyObjective command = pipeline is null
                ? CreateCommandObjective(definition, runner!, trialsDirectory)
                : new(pipeline, trialsDirectory, [.. definition.Space.Parameters.Select(p => p.Name)], definition.Objective.Constraints)
                {
                    Repeats = definition.Objective.Repeats,
                    Resources = CreateResources(definition),
                };
            return command.EvaluateAsync;
        }

        CallableReference callable = definition.Objective.Callable!;
        string baseDirectory = definition.SourcePath is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : Directory.GetCurrentDirectory();
        return CallableObjective.Load(callable.ToString(), baseDirectory);
    }
}
