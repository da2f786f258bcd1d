using System.CommandLine;
using System.Globalization;
using Vernier.Distributions;
using Vernier.Runner;
using Vernier.Runner.Checkpoints;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Objectives.Pipelines;
using Vernier.Runner.Scheduling;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier search</c>: runs (or continues) the study a config file describes.</summary>
internal static class SearchCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config(required: true);
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var nTrials = new Option<int?>("--n-trials", "-n") { Description = "The study's trial budget, overriding max_trials. A re-run continues until the study holds this many trials.", HelpName = "K" };
        var timeout = new Option<double?>("--timeout") { Description = "Stop starting trials after this many seconds.", HelpName = "SECONDS" };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Write a JSON snapshot of the whole study to this file after every finished trial.", HelpName = "FILE" };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from a checkpoint, also into a fresh storage; the suggestions continue exactly.", HelpName = "FILE" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write best.json (default: in the output folder).", HelpName = "FILE" };
        var outputDir = new Option<DirectoryInfo?>("--output-dir") { Description = "Folder for best.json, runs.csv, trials.jsonl, sweep.log and one folder per trial (default: runs/<study>).", HelpName = "DIR" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would run (the first trials' commands, environment and devices) and run nothing." };
        var sampler = new Option<string?>("--sampler") { Description = $"Override the file's strategy: {string.Join(", ", StudyComposition.SamplerNames)}.", HelpName = "NAME" };
        var pruner = new Option<string?>("--pruner") { Description = $"Override the file's pruner: {string.Join(", ", StudyComposition.PrunerNames)} (with its default options).", HelpName = "NAME" };
        var seed = new Option<ulong?>("--seed") { Description = "Override the strategy's seed (a new study only: a study keeps its seed).", HelpName = "N" };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "Override resource.max_concurrent.", HelpName = "N" };
        var tracker = new Option<string[]>("--tracker") { Description = $"Record the run's events, in addition to the file's trackers (repeatable): {string.Join(", ", TrackerSpec.Names)}; e.g. jsonl:path=events.jsonl. See docs/trackers.md.", HelpName = "NAME[:key=value,...]" };
        var fresh = new Option<bool>("--fresh") { Description = "Delete the study's earlier trials and start over (default: continue)." };

        var command = new Command("search", "Run the study a config file describes, or continue it where it stopped.\n\n" +
            "Examples:\n" +
            "  vernier search --config study.yaml\n" +
            "  vernier search --config study.yaml --n-trials 50 --checkpoint study.ckpt.json\n" +
            "  vernier search --config study.yaml --resume study.ckpt.json --storage sqlite:///other.db\n" +
            "  vernier search --config study.yaml --dry-run");
        foreach (Option option in new Option[] { config, storage, studyName, nTrials, timeout, checkpoint, resume, output, outputDir, dryRun, sampler, pruner, seed, maxConcurrent, tracker, fresh })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            StudyDefinition definition = Override(target.Definition!, parsed.GetValue(sampler), parsed.GetValue(pruner), parsed.GetValue(seed), parsed.GetValue(nTrials), parsed.GetValue(timeout), parsed.GetValue(maxConcurrent));
            string name = target.StudyName;
            List<(TrackerSpec Spec, Func<string, string> ResolvePath)> trackers = ReadTrackers(definition, parsed.GetValue(tracker) ?? []);

            if (parsed.GetValue(dryRun) && (parsed.GetValue(fresh) || parsed.GetValue(resume) is not null))
            {
                throw new CliException("--dry-run writes nothing, so it cannot be combined with --fresh or --resume.");
            }

            StudyCheckpoint? restored = null;
            if (parsed.GetValue(resume) is { } resumeFile)
            {
                restored = await StudyCheckpoint.LoadAsync(resumeFile.FullName, cancellationToken);
                if (restored.ConfigHash is { } hash && hash != definition.ContentHash)
                {
                    throw new CliException($"the checkpoint {resumeFile.Name} was written for a different config (hash {hash[..12]}…, this one is {definition.ContentHash[..12]}…); resume with the config that wrote it.");
                }

                if (parsed.GetValue(studyName) is { } asked && asked != restored.StudyName)
                {
                    throw new CliException($"the checkpoint holds study '{restored.StudyName}', not '{asked}'.");
                }

                name = restored.StudyName;
            }

            await using IStorage store = StorageLocator.Open(target.StorageUrl);
            if (parsed.GetValue(fresh) && await store.FindStudyAsync(name, cancellationToken) is { } old)
            {
                await store.DeleteStudyAsync(old.StudyId, cancellationToken);
                console.Output.WriteLine($"deleted the earlier trials of study '{name}'.");
            }

            if (restored is not null)
            {
                int added = await restored.RestoreAsync(store, TimeProvider.System, cancellationToken);
                console.Output.WriteLine($"resumed study '{name}' from the checkpoint: {added} trial(s) restored.");
            }

            string folder = parsed.GetValue(outputDir)?.FullName ?? Path.GetFullPath(Path.Combine("runs", name));
            if (parsed.GetValue(dryRun))
            {
                await DryRunAsync(console, definition, store, target.StorageUrl, name, folder, cancellationToken);
                return ExitCodes.Success;
            }

            await using Study study = await StudyComposition.CreateBuilder(definition, store, name).CreateOrLoadAsync(cancellationToken);
            if (definition.MaxTrials is null && definition.Timeout is null && definition.Strategy.Name != "grid")
            {
                console.Error.WriteLine("note: no max_trials or timeout: trials run until you press Ctrl-C.");
            }

            if (GridSize(definition) is { } grid)
            {
                console.Output.WriteLine($"grid: {grid}");
            }

            if (WaitNote(StudyComposition.CreateResources(definition), definition.Resource.MaxConcurrent) is { } waitNote)
            {
                console.Error.WriteLine($"note: {waitNote}.");
            }

            StudyRunnerOptions runnerOptions = RunnerOptions(console, definition, folder, trackers);
            runnerOptions.BestPath = parsed.GetValue(output)?.FullName;
            runnerOptions.CheckpointPath = parsed.GetValue(checkpoint)?.FullName;
            var runner = new StudyRunner(study, runnerOptions);
            OptimizeResult result = await runner.RunAsync(StudyComposition.CreateObjective(definition, Path.Combine(folder, "trials")), cancellationToken);
            await PrintSummaryAsync(console, study, result, folder, parsed.GetValue(output)?.FullName, cancellationToken);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>How <c>search</c> and <c>worker</c> run a study's trials: the definition's budget, limits and outputs, with the console's progress and the trackers.</summary>
    internal static StudyRunnerOptions RunnerOptions(CliConsole console, StudyDefinition definition, string folder, List<(TrackerSpec Spec, Func<string, string> ResolvePath)> trackers)
    {
        var runnerOptions = new StudyRunnerOptions
        {
            TotalTrials = definition.MaxTrials,
            Timeout = definition.Timeout,
            MaxConcurrent = definition.Resource.MaxConcurrent,
            MinInterval = definition.Resource.MinInterval,
            // A command's timeout is enforced by its runner (it kills the process tree); an in-process callable gets a cancelled token.
            TrialTimeout = definition.Objective.Callable is null ? null : definition.Objective.Timeout,
            SearchSpace = definition.Space,
            OutputDirectory = folder,
            ConfigHash = definition.ContentHash,
            MetricNames = definition.Objective.Metrics,
            RunsCsvMetrics = definition.RunsCsvMetrics,
            Reporter = new ConsoleReporter(console.Rich),
            TrackerLog = console.Error,
            Naming = definition.Run,
        };
        foreach (var (spec, resolvePath) in trackers)
        {
            runnerOptions.Trackers.Add(spec.Build(resolvePath, console.Error));
        }

        return runnerOptions;
    }

    /// <summary>The file's trackers (paths relative to the file), then the command line's (paths relative to the working folder); checked before anything runs, built only for a real run.</summary>
    internal static List<(TrackerSpec Spec, Func<string, string> ResolvePath)> ReadTrackers(StudyDefinition definition, string[] specs)
    {
        List<(TrackerSpec Spec, Func<string, string> ResolvePath)> trackers = [.. definition.Trackers.Select(spec => (spec, (Func<string, string>)definition.ResolvePath))];
        foreach (string text in specs)
        {
            TrackerSpec spec;
            try
            {
                spec = TrackerSpec.Parse(text);
            }
            catch (FormatException e)
            {
                throw new CliException($"--tracker: {e.Message}");
            }

            trackers.Add((spec, Path.GetFullPath));
        }

        return trackers;
    }

    private static StudyDefinition Override(StudyDefinition definition, string? sampler, string? pruner, ulong? seed, int? trials, double? timeout, int? maxConcurrent)
    {
        if (sampler is not null)
        {
            sampler = StudyComposition.ResolveSamplerName(sampler)
                ?? throw new CliException($"--sampler '{sampler}' is not a sampler; choose one of {string.Join(", ", StudyComposition.SamplerNames)} ({string.Join(", ", StudyComposition.SamplerAliases.Select(a => $"{a.Key} is another name for {a.Value}"))}).");
        }

        if (pruner is not null && !StudyComposition.PrunerNames.Contains(pruner))
        {
            throw new CliException($"--pruner '{pruner}' is not a pruner; {StudyComposition.PrunerNameHint(pruner)}choose one of {string.Join(", ", StudyComposition.PrunerNames)}.");
        }

        if (trials is < 1 || timeout is <= 0 || maxConcurrent is < 1)
        {
            throw new CliException("--n-trials and --max-concurrent must be at least 1, and --timeout positive.");
        }

        return definition with
        {
            // The file's options belong to the file's sampler; another sampler runs with its defaults.
            Strategy = sampler is null || sampler == definition.Strategy.Name
                ? definition.Strategy with { Seed = seed ?? definition.Strategy.Seed }
                : new StrategyDefinition { Name = sampler, Seed = seed ?? definition.Strategy.Seed },
            Pruner = pruner is null || pruner == definition.Pruner.Name ? definition.Pruner : new PrunerDefinition { Name = pruner },
            MaxTrials = trials ?? definition.MaxTrials,
            Timeout = timeout is double seconds ? TimeSpan.FromSeconds(seconds) : definition.Timeout,
            Resource = definition.Resource with { MaxConcurrent = maxConcurrent ?? definition.Resource.MaxConcurrent },
        };
    }

    /// <summary>Shows the plan: the study, its budget, and the commands of the next trials, sampled in a scratch copy of the study.</summary>
    private static async Task DryRunAsync(CliConsole console, StudyDefinition definition, IStorage store, string url, string name, string folder, CancellationToken cancellationToken)
    {
        const int Shown = 5;
        await using var scratch = new InMemoryStorage();
        int existing = 0;
        if (await store.FindStudyAsync(name, cancellationToken) is not null)
        {
            await using Study real = await Study.Builder(name).UseStorage(store).LoadAsync(cancellationToken);
            StudyCheckpoint snapshot = await StudyCheckpoint.CaptureAsync(real, null, cancellationToken);
            await snapshot.RestoreAsync(scratch, TimeProvider.System, cancellationToken);
            existing = snapshot.Trials.Count(TrialBudget.Counts);
        }

        await using Study study = await StudyComposition.CreateBuilder(definition, scratch, name).Configure(o => o.MaxConcurrent = null).CreateOrLoadAsync(cancellationToken);
        CommandObjectiveRunner? runner = StudyComposition.CreateCommandRunner(definition);
        var objective = runner is null ? null : StudyComposition.CreateCommandObjective(definition, runner, Path.Combine(folder, "trials"));
        TrialRepeats repeats = definition.Objective.Repeats;
        PipelineRunner? pipeline = StudyComposition.CreatePipelineRunner(definition);
        var steps = pipeline is null ? null : new CommandStudyObjective(pipeline, Path.Combine(folder, "trials"), [.. definition.Space.Parameters.Select(p => p.Name)]);

        TextWriter o = console.Output;
        o.WriteLine($"dry run: nothing is executed and nothing is written.");
        o.WriteLine($"study      {name} in {StorageLocator.Redact(url)} ({(existing > 0 ? $"{existing} trial(s) done" : "new")})");
        o.WriteLine($"objective  {(pipeline is not null ? $"pipeline {string.Join(" → ", pipeline.StepNames)}" : runner is null ? $"callable {definition.Objective.Callable}" : definition.Objective.PythonCallable is { } python ? $"python callable {python}" : "command")}, {string.Join(", ", definition.Objective.Metrics.Zip(definition.Directions, (m, d) => $"{d.ToWireName()} {m}"))}");
        if (definition.Objective.PythonCallable is not null)
        {
            string interpreter = definition.Objective.Python ?? "python3";
            o.WriteLine($"python     {interpreter}: {StudyComposition.FindPythonInterpreter(definition) ?? "NOT FOUND (set 'python' in 'objective'); the run would stop here"}");
            o.WriteLine($"           each trial runs {string.Join(" ", runner!.RenderCommand(objective!.RequestFor(0, new Dictionary<string, object?>())).Select(Quote))} with its parameters in VERNIER_PARAMS_FILE");
        }

        bool seedKnown = definition.Strategy.Seed is not null || existing > 0;
        o.WriteLine($"sampler    {definition.Strategy.Name}, seed {(seedKnown ? study.Seed.ToString(CultureInfo.InvariantCulture) : "not set: a new study draws one, so the trials below only illustrate the space")}");
        o.WriteLine($"budget     {(definition.MaxTrials is { } max ? $"{max} trials ({Math.Max(0, max - existing)} to run)" : "no trial limit")}" +
                    (definition.Timeout is { } t ? $", timeout {t.TotalSeconds:0} s" : "") + $", max_concurrent {definition.Resource.MaxConcurrent}");
        if (repeats.HasSeeds)
        {
            int? trials = definition.MaxTrials ?? (definition.Strategy.Name == "grid" ? definition.Space.EnumerateGrid().Points.Length : null);
            o.WriteLine($"runs       {repeats.Count} per trial{(trials is { } m ? $", {m * repeats.Count} in all" : "")}, " +
                        $"seeds {(repeats.Seeds.IsDefaultOrEmpty ? "generated from the study's seed" : "listed")}, aggregate {repeats.Aggregate.ToString().ToLowerInvariant()}");
        }

        TrialResources? resources = StudyComposition.CreateResources(definition);
        if (resources is not null)
        {
            o.WriteLine($"devices    {DescribePlacement(resources, definition.Resource.MaxConcurrent)}");
        }

        o.WriteLine($"outputs    {folder}");
        WriteGridAndBaseConfig(o, definition);
        var placed = new Queue<DeviceLease>();

        int toShow = Math.Min(Shown, definition.MaxTrials is { } limit ? Math.Max(0, limit - existing) : Shown);
        for (int i = 0; i < toShow; i++)
        {
            Trial trial;
            try
            {
                trial = await study.AskAsync(definition.Space, cancellationToken);
            }
            catch (Vernier.Samplers.SamplerExhaustedException)
            {
                break;
            }

            string parameters = string.Join(" ", trial.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value)}"));
            IReadOnlyList<long>? seeds = objective is null ? null : repeats.SeedsFor(study.Seed, trial.Number);
            if (objective is null || definition.Objective.PythonCallable is not null)
            {
                o.WriteLine($"trial {trial.Number}{(seeds is null ? "" : $" (seeds {string.Join(", ", seeds)})")}: {parameters}");
            }
            else
            {
                CommandTrialRequest request = objective.RequestFor(trial.Number, trial.Params);
                if (seeds is not null)
                {
                    // The first run's command; the other runs differ in their seed and folder.
                    request = request with { Seed = seeds[0], RunIndex = 1, TrialDirectory = repeats.IsRepeated ? objective.RunDirectory(trial.Number, 1) : request.TrialDirectory };
                }

                string runs = seeds is null ? "" : $" (seed{(seeds.Count == 1 ? "" : "s")} {string.Join(", ", seeds)})";
                o.WriteLine($"trial {trial.Number}{runs}: {string.Join(" ", runner!.RenderCommand(request).Select(Quote))}");
                if (resources is not null)
                {
                    (DeviceLease lease, bool waits) = await PlaceAsync(resources, placed, definition.Resource.MaxConcurrent);
                    request = request with { Environment = resources.EnvironmentFor(lease) };
                    if (waits)
                    {
                        o.WriteLine("  waits for a free device; placed as if the earliest trial had ended");
                    }
                }

                // The user's and the placement's variables, then Vernier's own on a line of their own (those it removes only matter if inherited).
                var environment = runner.EnvironmentFor(request).ToLookup(e => e.Key.StartsWith("VERNIER_", StringComparison.Ordinal) && e.Key != "VERNIER_DEVICES" && e.Key != "VERNIER_CPUS");
                if (environment[false].Any())
                {
                    o.WriteLine("  env: " + string.Join(" ", environment[false].Select(e => e.Value is null ? $"{e.Key}=(removed)" : $"{e.Key}={Quote(e.Value)}")));
                }

                o.WriteLine("  " + (environment[false].Any() ? "     " : "env: ") + string.Join(" ", environment[true].Where(e => e.Value is not null).Select(e => $"{e.Key}={Quote(e.Value!)}")));
            }

            if (definition.Run is { } naming && naming.Render(trial.Number, name, trial.Params) is { IsEmpty: false } labels)
            {
                o.WriteLine("  run: " + string.Join(", ", new[]
                {
                    labels.Name is { } runName ? $"name {runName}" : null,
                    labels.Group is { } group ? $"group {group}" : null,
                    labels.Tags.Count > 0 ? $"tags {string.Join(" ", labels.Tags)}" : null,
                }.OfType<string>()));
            }

            if (pipeline is not null && i == 0)
            {
                foreach ((string step, IReadOnlyList<string> argv) in pipeline.RenderSteps(steps!.RequestFor(trial.Number, trial.Params)))
                {
                    o.WriteLine($"  step {step}: {string.Join(" ", argv.Select(Quote))}");
                }
            }

            await study.TellAsync(trial, [.. definition.Directions.Select(_ => 0.0)], cancellationToken);
        }
    }

    /// <summary>The dry run's lines on the grid's size and the base config, for the studies that have them.</summary>
    private static void WriteGridAndBaseConfig(TextWriter o, StudyDefinition definition)
    {
        if (GridSize(definition) is { } grid)
        {
            o.WriteLine($"grid       {grid}");
        }

        if (definition.Objective.BaseConfig is { } baseConfig)
        {
            o.WriteLine($"config     {baseConfig.Path}, merged with each trial's parameters into its {(baseConfig.EffectiveFormat == ConfigFileFormat.Json ? "config.json" : "config.yaml")}");
        }
    }

    /// <summary>"24 points (6 forbidden combinations left out, 3 merged by 'set')" for a grid study, or null for another sampler.</summary>
    internal static string? GridSize(StudyDefinition definition)
    {
        if (definition.Strategy.Name != "grid")
        {
            return null;
        }

        GridEnumeration grid = definition.Space.EnumerateGrid();
        var notes = new List<string>();
        if (grid.ForbiddenCount > 0)
        {
            notes.Add($"{grid.ForbiddenCount} forbidden combination{(grid.ForbiddenCount == 1 ? "" : "s")} left out");
        }

        if (grid.RewrittenCount > 0)
        {
            notes.Add($"{grid.RewrittenCount} merged by 'set'");
        }

        return $"{grid.Points.Length} point{(grid.Points.Length == 1 ? "" : "s")}" + (notes.Count > 0 ? $" ({string.Join(", ", notes)})" : "");
    }

    /// <summary>
    /// Where the next trial would be placed if trials ended in the order they started: at most <paramref name="maxConcurrent"/>
    /// hold leases, and while the pool has nothing free the earliest gives its lease back (the trial waits).
    /// </summary>
    private static async Task<(DeviceLease Lease, bool Waits)> PlaceAsync(TrialResources resources, Queue<DeviceLease> placed, int maxConcurrent)
    {
        if (placed.Count >= maxConcurrent)
        {
            placed.Dequeue().Dispose();
        }

        ValueTask<DeviceLease> pending = resources.AcquireAsync();
        bool waits = false;
        while (!pending.IsCompleted && placed.Count > 0)
        {
            waits = true;
            placed.Dequeue().Dispose();
        }

        DeviceLease lease = await pending;
        placed.Enqueue(lease);
        return (lease, waits);
    }

    private static string DescribePlacement(TrialResources resources, int maxConcurrent)
    {
        var parts = new List<string>();
        DevicePool pool = resources.Pool;
        if (pool.Devices.Count > 0)
        {
            parts.Add($"{string.Join(", ", pool.Devices)} ({Count(pool.TrialsPerDevice, "trial")} per device); each trial takes {Count(resources.Gpus, "device")}");
        }

        if (resources.Cpus > 0)
        {
            parts.Add($"{(parts.Count > 0 ? "and " : "each trial takes ")}{resources.Cpus} of {pool.CpuCount} cores");
        }

        return string.Join(" ", parts) + (WaitNote(resources, maxConcurrent) is { } note ? $"; {note}" : "");
    }

    /// <summary>Says that some trials will wait for devices when the pool holds fewer trials than may run at once.</summary>
    private static string? WaitNote(TrialResources? resources, int maxConcurrent) =>
        resources?.Capacity is int capacity && capacity < maxConcurrent
            ? $"{Count(capacity, "trial")} fit at a time, so with max_concurrent {maxConcurrent} the others wait for a free device"
            : null;

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_=./:,+@%".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    internal static async Task PrintSummaryAsync(CliConsole console, Study study, OptimizeResult result, string folder, string? bestPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
        string why = result.StopReason switch
        {
            OptimizeStopReason.BudgetReached => "the study reached its trial budget",
            OptimizeStopReason.TimedOut => "the timeout passed",
            OptimizeStopReason.SamplerExhausted => "the sampler visited every point of the grid",
            _ => "stop was requested",
        };
        console.Output.WriteLine(
            $"ran {result.TrialsStarted} trial(s); {why}. The study has {trials.Count(t => t.State == TrialState.Complete)} complete, " +
            $"{trials.Count(t => t.State == TrialState.Pruned)} pruned and {trials.Count(t => t.State == TrialState.Failed)} failed trial(s).");
        foreach (FrozenTrial best in await study.GetBestTrialsAsync(cancellationToken))
        {
            console.Output.WriteLine($"best: trial {best.Number}, value {string.Join(", ", best.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}, " +
                string.Join(", ", best.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value)}")));
        }

        console.Output.WriteLine($"outputs: {bestPath ?? Path.Combine(folder, "best.json")}, {Path.Combine(folder, "runs.csv")}, {Path.Combine(folder, "trials.jsonl")}");
    }
}
