using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vernier.Bench.Coordination;
using Vernier.Bench.Functions;
using Vernier.Bench.Importance;
using Vernier.Bench.Optuna;
using Vernier.Bench.Pruning;
using Vernier.Bench.Regret;
using Vernier.Bench.Results;
using Vernier.Bench.Samplers;
using Vernier.Bench.Timing;

namespace Vernier.Bench;

/// <summary>The harness's commands: <c>regret</c>, <c>timing</c>, <c>parallel</c>, <c>pruning</c>, <c>importance</c> and others.</summary>
internal static class BenchApp
{
    public const string DefaultPython = "/usr/bin/python3";

    public static RootCommand Create()
    {
        var root = new RootCommand("Vernier's sampler benchmark: regret on the public test functions and sampler time per trial, side by side with Optuna.");
        root.Subcommands.Add(RegretCommand());
        root.Subcommands.Add(TimingCommand());
        root.Subcommands.Add(ParallelCommand());
        root.Subcommands.Add(PruningCommand());
        root.Subcommands.Add(PopulationCommand());
        root.Subcommands.Add(QuickstartPruningCommand());
        root.Subcommands.Add(CoordinationCommand());
        root.Subcommands.Add(CoordinationWorkerCommand());
        root.Subcommands.Add(ImportanceCommand());
        return root;
    }

    private static Command ParallelCommand()
    {
        var sampler = new Option<string>("--sampler") { Description = "The sampler (a model-based one shows the point: its suggestions depend on what has finished).", DefaultValueFactory = _ => "tpe", HelpName = "NAME" };
        var function = new Option<string>("--function") { Description = "The function to optimize.", DefaultValueFactory = _ => "hartmann6", HelpName = "F" };
        var trials = new Option<int>("--trials") { Description = "Trials per run.", DefaultValueFactory = _ => 200, HelpName = "N" };
        var concurrency = new Option<int>("--max-concurrent") { Description = "Workers (and the study's max_concurrent).", DefaultValueFactory = _ => 4, HelpName = "C" };
        var median = new Option<double>("--median-ms") { Description = "Median trial duration in milliseconds.", DefaultValueFactory = _ => 40.0, HelpName = "MS" };
        var sigma = new Option<double>("--sigma") { Description = "Spread of the log-normal durations (0: all equal).", DefaultValueFactory = _ => 1.0, HelpName = "S" };
        var seed = new Option<ulong>("--seed") { Description = "The study seed.", DefaultValueFactory = _ => 0UL };
        var output = Output();
        var command = NewCommand("parallel", "Throughput of deterministic-parallel mode against the free mode on trials of uneven duration, and whether its studies repeat exactly.", sampler, function, trials, concurrency, median, sigma, seed, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = FunctionCatalog.Load(RepoPaths.FunctionsJson);
            string samplerName = KnownSamplers([parsed.GetValue(sampler)!])[0];
            var report = await Concurrency.DeterministicThroughput.RunAsync(
                samplerName, catalog.Get(parsed.GetValue(function)!), Positive(parsed.GetValue(trials), "--trials"), Positive(parsed.GetValue(concurrency), "--max-concurrent"),
                parsed.GetValue(median), parsed.GetValue(sigma), parsed.GetValue(seed), cancellationToken);
            string markdown = Concurrency.DeterministicThroughput.Markdown(report, CommandLine());
            var (json, md) = Reports.SaveOwn(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, "parallel", report, markdown);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"wrote {json} and {md}");
            return report.DeterministicRunsAgree ? 0 : 1;
        });
        return command;
    }

    private static Command PruningCommand()
    {
        var pruners = new Option<string?>("--pruners") { Description = $"Comma-separated pruners (default: {string.Join(",", VernierPruning.PrunerNames)}).", HelpName = "A,B" };
        var sampler = new Option<string>("--sampler") { Description = "The sampler of every study (default options on both sides).", DefaultValueFactory = _ => "tpe", HelpName = "NAME" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 0..N-1 per pruner.", DefaultValueFactory = _ => 10, HelpName = "N" };
        var trials = new Option<int>("--trials") { Description = "Trials per study.", DefaultValueFactory = _ => 100, HelpName = "N" };
        var noSameTrials = new Option<bool>("--no-same-trials") { Description = "Skip the second comparison: the pruners alone, both libraries evaluating the same trial sequence per seed." };
        var maxResource = new Option<string>("--max-resource") { Description = "Hyperband's max_resource on both sides: auto (the first complete trial's steps) or a step count.", DefaultValueFactory = _ => "auto", HelpName = "auto|N" };
        var parallel = Parallel();
        var optuna = OptunaMode();
        var python = Python();
        var output = Output();
        var command = NewCommand("pruning", "Steps consumed and best final value of each pruner on pruning_curve (TPE, hpo_surrogate space), side by side with Optuna's same pruner.", pruners, sampler, seeds, trials, maxResource, noSameTrials, parallel, optuna, python, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = FunctionCatalog.Load(RepoPaths.FunctionsJson);
            string[] prunerNames = [.. (List(parsed.GetValue(pruners)) ?? [.. VernierPruning.PrunerNames]).Distinct()];
            if (prunerNames.FirstOrDefault(p => !VernierPruning.PrunerNames.Contains(p)) is { } unknown)
            {
                throw new ArgumentException($"unknown pruner '{unknown}'; the benchmark compares {string.Join(", ", VernierPruning.PrunerNames)}.");
            }

            string samplerName = KnownSamplers([parsed.GetValue(sampler)!])[0];
            string max = parsed.GetValue(maxResource)!;
            if (max != "auto")
            {
                Positive(int.Parse(max, CultureInfo.InvariantCulture), "--max-resource");
            }

            BenchFunction function = catalog.Get(VernierPruning.FunctionName);
            int steps = VernierPruning.Steps(catalog);
            ulong[] seedList = [.. Enumerable.Range(0, Positive(parsed.GetValue(seeds), "--seeds")).Select(s => (ulong)s)];
            int trialCount = Positive(parsed.GetValue(trials), "--trials");
            int workers = Positive(parsed.GetValue(parallel), "--parallel");
            var bridge = new OptunaBridge(parsed.GetValue(python)!);
            var (optunaVersion, optunaProblem) = await DetectAsync(parsed.GetValue(optuna)!, bridge, cancellationToken);
            MachineInfo machine = Machine.Describe(TimeProvider.System, optunaVersion, optunaVersion is null ? null : bridge.Python);

            Console.Error.WriteLine($"pruning: {prunerNames.Length} pruners × {seedList.Length} seeds, {trialCount} trials of {samplerName}, {workers} workers");
            long start = Stopwatch.GetTimestamp();
            IReadOnlyList<PruningCell> vernier = await VernierPruning.RunAsync(
                prunerNames, samplerName, function, seedList, trialCount, steps, max, workers, Console.Error.WriteLine, cancellationToken);
            double vernierSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            IReadOnlyList<PruningCell>? optunaCells = null;
            double? optunaSeconds = null;
            if (optunaVersion is not null)
            {
                start = Stopwatch.GetTimestamp();
                optunaCells = await bridge.PruningAsync(prunerNames, samplerName, function, seedList, trialCount, steps, max, workers, Console.Error.WriteLine, cancellationToken);
                optunaSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            IReadOnlyList<PruningCell>? vernierSame = null, optunaSame = null;
            if (!parsed.GetValue(noSameTrials))
            {
                Console.Error.WriteLine("pruning: the same trials on both sides");
                var sequences = new List<IReadOnlyList<IReadOnlyDictionary<string, object?>>>();
                foreach (ulong seed in seedList)
                {
                    sequences.Add(await VernierPruning.TrialSequenceAsync(function, seed, trialCount, cancellationToken));
                }

                vernierSame = await VernierPruning.RunAsync(
                    prunerNames, "random", function, seedList, trialCount, steps, max, workers, Console.Error.WriteLine, cancellationToken, sequences);
                if (optunaVersion is not null)
                {
                    optunaSame = await bridge.PruningAsync(prunerNames, "random", function, seedList, trialCount, steps, max, workers, Console.Error.WriteLine, cancellationToken, sequences);
                }
            }

            static IReadOnlyList<PruningCell> WithEqualSteps(IReadOnlyList<PruningCell> vernierCells, IReadOnlyList<PruningCell>? optunaCells) =>
                [.. vernierCells.Select(v => v with { BestAtOptunaSteps = Reports.BestAtOtherSteps(v, optunaCells?.FirstOrDefault(o => o.Pruner == v.Pruner)) })];
            vernier = WithEqualSteps(vernier, optunaCells);
            vernierSame = vernierSame is null ? null : WithEqualSteps(vernierSame, optunaSame);
            var report = new PruningReport(machine, CommandLine(), samplerName, function.Name, seedList, trialCount, steps, max, workers,
                vernier, vernierSeconds, optunaCells, optunaSeconds, optunaProblem, vernierSame, optunaSame);
            var (json, md) = Reports.SavePruning(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, report);
            Console.WriteLine(Reports.Pruning(report));
            Console.Error.WriteLine($"wrote {json} and {md}");
            return vernier.Concat(vernierSame ?? []).Any(c => c.Error is not null) ? 1 : 0;
        });
        return command;
    }

    private static Command PopulationCommand()
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds 0..N-1.", DefaultValueFactory = _ => 20, HelpName = "N" };
        var size = new Option<int>("--population") { Description = "Population size (and the number of random-search runs: the same total steps).", DefaultValueFactory = _ => 8, HelpName = "N" };
        var interval = new Option<long>("--interval") { Description = "PBT's perturbation interval in steps; must divide the 200 training steps.", DefaultValueFactory = _ => 10L, HelpName = "STEPS" };
        var output = Output();
        var command = NewCommand("population", "Population based training against random search with the same total steps, on a toy whose best learning rate falls during training.", seeds, size, interval, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var report = await Population.PopulationBenchmark.RunAsync(
                Positive(parsed.GetValue(seeds), "--seeds"), Positive(parsed.GetValue(size), "--population"), Math.Max(1L, parsed.GetValue(interval)), cancellationToken);
            string markdown = Population.PopulationBenchmark.Markdown(report, CommandLine());
            var (json, md) = Reports.SaveOwn(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, "population", report, markdown);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"wrote {json} and {md}");
            return report.TargetMet ? 0 : 1;
        });
        return command;
    }

    private static Command QuickstartPruningCommand()
    {
        var configurations = new Option<string>("--configurations") { Description = "Comma-separated pruner configurations, the first the baseline: none, or asha[-rN][-etaN][-sN][-bN] (min_resource, reduction_factor, min_early_stopping_rate, bootstrap_count).", DefaultValueFactory = _ => string.Join(",", Quickstart.QuickstartPruning.DefaultConfigurations), HelpName = "A,B" };
        var seeds = new Option<int>("--seeds") { Description = $"Study seeds {Quickstart.QuickstartPruning.FirstSeed} (the quickstart's) upwards.", DefaultValueFactory = _ => 5, HelpName = "N" };
        var trials = new Option<int>("--trials") { Description = "Trials per study (the quickstart's default).", DefaultValueFactory = _ => 30, HelpName = "N" };
        var parallel = new Option<int>("--parallel") { Description = "Studies at a time; each runs one trial at a time (more than one shares the cores and inflates every time alike).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var output = new Option<string?>("--out") { Description = "Where quickstart-pruning.json and .md go (default: bench/results).", HelpName = "DIR" };
        var command = NewCommand("quickstart-pruning", "Training time and best accuracy of the quickstart's study without pruning and with successive-halving (ASHA) variants, over several seeds.", configurations, seeds, trials, parallel, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            string[] names = [.. List(parsed.GetValue(configurations))!.Distinct()];
            foreach (string name in names)
            {
                Quickstart.QuickstartPruning.Parse(name); // a bad name fails before any run
            }

            ulong[] seedList = [.. Enumerable.Range(0, Positive(parsed.GetValue(seeds), "--seeds")).Select(s => Quickstart.QuickstartPruning.FirstSeed + (ulong)s)];
            var report = await Quickstart.QuickstartPruning.RunAsync(
                names, seedList, Positive(parsed.GetValue(trials), "--trials"), Positive(parsed.GetValue(parallel), "--parallel"), CommandLine(), Console.Error.WriteLine, cancellationToken);
            string markdown = Quickstart.QuickstartPruning.Markdown(report);
            var (json, md) = Reports.SaveOwn(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, "quickstart-pruning", report, markdown);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"wrote {json} and {md}");
            return 0;
        });
        return command;
    }

    private static Command CoordinationCommand()
    {
        var postgres = new Option<string?>("--postgres") { Description = "The PostgreSQL server both libraries use (postgresql://user@host:port/db; default: $VERNIER_TEST_POSTGRES, e.g. from scripts/services.sh).", HelpName = "URL" };
        var workers = new Option<string>("--workers") { Description = "Comma-separated worker counts.", DefaultValueFactory = _ => "1,4,16", HelpName = "A,B" };
        var objectives = new Option<string>("--objectives") { Description = $"Comma-separated objectives ({string.Join(", ", CoordinationModel.ObjectiveNames)}).", DefaultValueFactory = _ => string.Join(",", CoordinationModel.ObjectiveNames), HelpName = "A,B" };
        var sleepTrials = new Option<int>("--sleep-trials") { Description = "Budget of the sleep20ms studies up to 4 workers; above, it grows with the workers (base × W / 4).", DefaultValueFactory = _ => 1200, HelpName = "N" };
        var trivialTrials = new Option<int>("--trivial-trials") { Description = "Budget of the trivial studies up to 4 workers; above, base × W / 4.", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var oneProcess = new Option<string>("--one-process") { Description = "Comma-separated worker counts also run as one process with that many trials at once (Vernier: MaxConcurrency; Optuna: n_jobs threads); 'none' for no such rows.", DefaultValueFactory = _ => "16", HelpName = "A,B" };
        var optuna = OptunaMode();
        var python = Python();
        var output = Output();
        var command = NewCommand("coordination", "Trials per second and per-trial storage overhead of worker processes sharing a study on PostgreSQL, side by side with Optuna's RDBStorage.",
            postgres, workers, objectives, sleepTrials, trivialTrials, oneProcess, optuna, python, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            string url = CoordinationModel.ServerUrl(parsed.GetValue(postgres), Environment.GetEnvironmentVariable(CoordinationModel.UrlVariable));
            int[] workerCounts = [.. List(parsed.GetValue(workers))!.Select(w => Positive(int.Parse(w, CultureInfo.InvariantCulture), "--workers")).Distinct()];
            int[] oneProcessCounts = parsed.GetValue(oneProcess) is "none" ? [] : [.. List(parsed.GetValue(oneProcess))!.Select(w => Positive(int.Parse(w, CultureInfo.InvariantCulture), "--one-process")).Distinct()];
            string[] objectiveNames = [.. List(parsed.GetValue(objectives))!.Distinct()];
            foreach (string objective in objectiveNames)
            {
                CoordinationModel.ObjectiveSeconds(objective); // an unknown name fails before any run
            }

            int sleepBase = Positive(parsed.GetValue(sleepTrials), "--sleep-trials");
            int trivialBase = Positive(parsed.GetValue(trivialTrials), "--trivial-trials");
            var bridge = new OptunaBridge(parsed.GetValue(python)!);
            var (optunaVersion, optunaProblem) = await DetectAsync(parsed.GetValue(optuna)!, bridge, cancellationToken);
            if (optunaVersion is not null)
            {
                var (psycopg, psycopgProblem) = await bridge.ImportsAsync("psycopg2", cancellationToken);
                if (!psycopg)
                {
                    Console.Error.WriteLine($"optuna: skipped ({psycopgProblem})");
                    (optunaVersion, optunaProblem) = (null, $"skipped: {psycopgProblem}");
                }
            }

            MachineInfo machine = Machine.Describe(TimeProvider.System, optunaVersion, optunaVersion is null ? null : bridge.Python);
            var runner = new CoordinationRunner(url, bridge.Python, Console.Error.WriteLine);
            await runner.CheckServerAsync(cancellationToken);
            var rows = new List<CoordinationRow>();
            var layouts = workerCounts.Select(w => (Workers: w, OneProcess: false)).Concat(oneProcessCounts.Select(w => (Workers: w, OneProcess: true))).ToList();
            foreach (string objective in objectiveNames)
            {
                foreach (var (count, single) in layouts)
                {
                    int budget = CoordinationModel.Budget(objective == "trivial" ? trivialBase : sleepBase, count);
                    rows.Add(await runner.RunVernierAsync(objective, count, budget, single, cancellationToken));
                    if (optunaVersion is not null)
                    {
                        rows.Add(await runner.RunOptunaAsync(objective, count, budget, single, cancellationToken));
                    }
                }
            }

            var report = new CoordinationReport(machine, CommandLine(), CoordinationModel.Redact(url), objectiveNames, workerCounts, rows, optunaProblem, oneProcessCounts);
            string markdown = CoordinationModel.Markdown(report);
            var (json, md) = Reports.SaveOwn(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, "coordination", report, markdown);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"wrote {json} and {md}");
            return rows.Any(r => r.Error is not null) ? 1 : 0;
        });
        return command;
    }

    private static Command CoordinationWorkerCommand()
    {
        var postgres = new Option<string>("--postgres") { Required = true };
        var study = new Option<string>("--study") { Required = true };
        var objective = new Option<string>("--objective") { Required = true };
        var total = new Option<int>("--total-trials") { Required = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 1 };
        var ready = new Option<string>("--ready") { Required = true };
        var go = new Option<string>("--go") { Required = true };
        var command = NewCommand("coordination-worker", "One worker process of the coordination benchmark (started by it).", postgres, study, objective, total, concurrency, ready, go);
        command.Hidden = true;
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await CoordinationWorker.RunAsync(parsed.GetValue(postgres)!, parsed.GetValue(study)!, parsed.GetValue(objective)!, parsed.GetValue(total),
                parsed.GetValue(concurrency), parsed.GetValue(ready)!, parsed.GetValue(go)!, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command ImportanceCommand()
    {
        var trials = new Option<int>("--trials") { Description = "Random-sampler trials per study.", DefaultValueFactory = _ => 200, HelpName = "N" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 0..N-1: each study is sampled, and both evaluators seeded, once per seed.", DefaultValueFactory = _ => 3, HelpName = "N" };
        var trees = new Option<int>("--trees") { Description = "Trees in both forests.", DefaultValueFactory = _ => 64, HelpName = "N" };
        var keep = new Option<string?>("--keep-trials") { Description = "Also write the trials file both libraries read here.", HelpName = "FILE" };
        var optuna = OptunaMode();
        var python = Python();
        var output = Output();
        var command = NewCommand("importance", "fANOVA parameter importance on random-sampler studies, ranked side by side with Optuna's FanovaImportanceEvaluator (Spearman's rho per study).", trials, seeds, trees, keep, optuna, python, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            int trialCount = Positive(parsed.GetValue(trials), "--trials");
            int treeCount = Positive(parsed.GetValue(trees), "--trees");
            ulong[] seedList = [.. Enumerable.Range(0, Positive(parsed.GetValue(seeds), "--seeds")).Select(s => (ulong)s)];
            var catalog = FunctionCatalog.Load(RepoPaths.FunctionsJson);
            var specs = (from seed in seedList from spec in ImportanceStudies.All(catalog) select (Seed: seed, Spec: spec)).ToList();
            var generated = new List<ImportanceStudyData>();
            foreach (var (seed, spec) in specs)
            {
                generated.Add(await ImportanceStudies.GenerateAsync(spec, trialCount, seed, cancellationToken));
            }

            // Both libraries read the same file: Vernier evaluates the trials as read back from it.
            string json = ImportanceTrialsJson.Write(generated);
            string path = parsed.GetValue(keep) ?? Path.Combine(Path.GetTempPath(), $"vernier-bench-importance-{Environment.ProcessId}.json");
            await File.WriteAllTextAsync(path, json, cancellationToken);
            IReadOnlyList<ImportanceStudyData> studies = ImportanceTrialsJson.Read(json);

            var bridge = new OptunaBridge(parsed.GetValue(python)!);
            var (optunaVersion, optunaProblem) = await DetectAsync(parsed.GetValue(optuna)!, bridge, cancellationToken);
            if (optunaVersion is not null && !File.Exists(RepoPaths.OptunaImportanceScript))
            {
                (optunaVersion, optunaProblem) = (null, $"skipped: {RepoPaths.OptunaImportanceScript} is missing.");
            }

            if (optunaVersion is not null)
            {
                var (sklearn, sklearnProblem) = await bridge.ImportsAsync("sklearn", cancellationToken);
                if (!sklearn)
                {
                    Console.Error.WriteLine($"optuna: skipped: Optuna's FanovaImportanceEvaluator needs scikit-learn (Debian: apt-get install -y python3-sklearn); {sklearnProblem}");
                    (optunaVersion, optunaProblem) = (null, $"skipped: scikit-learn is missing (apt-get install -y python3-sklearn); {sklearnProblem}");
                }
            }

            MachineInfo machine = Machine.Describe(TimeProvider.System, optunaVersion, optunaVersion is null ? null : bridge.Python);
            ImportanceBenchmark.EvaluateVernier(studies[0], Math.Min(treeCount, 4)); // warm-up: JIT outside the timings
            var vernier = studies.Select(s => ImportanceBenchmark.EvaluateVernier(s, treeCount)).ToList();
            IReadOnlyList<(IReadOnlyDictionary<string, double> Importances, double Seconds)>? optunaResults = null;
            if (optunaVersion is not null)
            {
                Console.Error.WriteLine($"optuna: evaluating {studies.Count} studies");
                (optunaResults, string? problem) = await bridge.ImportanceAsync(path, 0, treeCount, cancellationToken);
                optunaProblem = problem;
            }

            if (parsed.GetValue(keep) is null)
            {
                File.Delete(path);
            }

            var rows = studies.Select((s, i) => ImportanceBenchmark.Row(
                s, specs[i].Spec.Source, MainEffects.Shares(specs[i].Spec, s.Seed), vernier[i].Importances, vernier[i].Seconds,
                optunaResults is null ? null : [.. s.Parameters.Select(p => optunaResults[i].Importances.GetValueOrDefault(p.Name))],
                optunaResults?[i].Seconds)).ToList();
            var report = new ImportanceReport(machine, CommandLine(), trialCount, seedList, treeCount, rows, optunaProblem);
            string markdown = ImportanceBenchmark.Markdown(report);
            var (jsonPath, md) = Reports.SaveOwn(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, "importance", report, markdown);
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"wrote {jsonPath} and {md}");
            return report.TargetMet == false ? 1 : 0;
        });
        return command;
    }

    private static Command RegretCommand()
    {
        var samplers = new Option<string?>("--samplers") { Description = $"Comma-separated sampler names (default: {string.Join(",", SamplerVariants.DefaultNames)}; available: {string.Join(",", SamplerVariants.AvailableNames)}).", HelpName = "A,B" };
        var functions = new Option<string?>("--functions") { Description = "Comma-separated functions (default: all, including the *_shifted variants).", HelpName = "F,G" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 0..N-1 per (sampler, function).", DefaultValueFactory = _ => 20, HelpName = "N" };
        var budgets = new Option<string>("--budgets") { Description = "Comma-separated trial budgets; one run of the largest gives all.", DefaultValueFactory = _ => "50,200", HelpName = "K,L" };
        var parallel = Parallel();
        var optuna = OptunaMode();
        var optunaSamplers = new Option<string?>("--optuna-samplers") { Description = $"Optuna samplers (default: {string.Join(",", OptunaBridge.SamplerNames)}).", HelpName = "A,B" };
        var python = Python();
        var output = Output();
        var command = NewCommand("regret", "Median and IQR of regret (best − f*) per (sampler, function) at each budget over the seeds.", samplers, functions, seeds, budgets, parallel, optuna, optunaSamplers, python, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = FunctionCatalog.Load(RepoPaths.FunctionsJson);
            string[] samplerNames = KnownSamplers(List(parsed.GetValue(samplers)) ?? [.. SamplerVariants.DefaultNames]);
            BenchFunction[] chosen = [.. (List(parsed.GetValue(functions)) ?? [.. catalog.Functions.Select(f => f.Name)]).Distinct().Select(catalog.Get)];
            ulong[] seedList = [.. Enumerable.Range(0, Positive(parsed.GetValue(seeds), "--seeds")).Select(s => (ulong)s)];
            int[] budgetList = [.. List(parsed.GetValue(budgets))!.Select(b => Positive(int.Parse(b, CultureInfo.InvariantCulture), "--budgets")).Distinct().Order()];
            int workers = Positive(parsed.GetValue(parallel), "--parallel");
            var bridge = new OptunaBridge(parsed.GetValue(python)!);
            var (optunaVersion, optunaProblem) = await DetectAsync(parsed.GetValue(optuna)!, bridge, cancellationToken);
            MachineInfo machine = Machine.Describe(TimeProvider.System, optunaVersion, optunaVersion is null ? null : bridge.Python);

            Console.Error.WriteLine($"regret: {samplerNames.Length} samplers × {chosen.Length} functions × {seedList.Length} seeds, budget {budgetList[^1]}, {workers} workers");
            long start = Stopwatch.GetTimestamp();
            IReadOnlyList<RegretCell> vernier = await VernierRegret.RunAsync(samplerNames, chosen, seedList, budgetList, workers, Console.Error.WriteLine, cancellationToken);
            double vernierSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            IReadOnlyList<RegretCell>? optunaCells = null;
            double? optunaSeconds = null;
            if (optunaVersion is not null)
            {
                start = Stopwatch.GetTimestamp();
                string[] names = List(parsed.GetValue(optunaSamplers)) ?? [.. OptunaBridge.SamplerNames];
                optunaCells = await bridge.RegretAsync(names, chosen, seedList, budgetList, workers, Console.Error.WriteLine, cancellationToken);
                optunaSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            var report = new RegretReport(machine, CommandLine(), seedList, budgetList, workers,
                [.. chosen.Select(Reports.Info)], vernier, vernierSeconds, optunaCells, optunaSeconds, optunaProblem);
            var (json, md) = Reports.Save(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, report, null);
            Console.WriteLine(Reports.Regret(report));
            Console.Error.WriteLine($"wrote {json} and {md}");
            return vernier.Any(c => c.Error is not null && !c.NotApplicable) ? 1 : 0;
        });
        return command;
    }

    private static Command TimingCommand()
    {
        var samplers = new Option<string?>("--samplers") { Description = $"Comma-separated sampler names (default: {string.Join(",", SamplerVariants.DefaultNames)}).", HelpName = "A,B" };
        var functions = new Option<string>("--functions") { Description = "Comma-separated functions whose spaces to time.", DefaultValueFactory = _ => "hpo_surrogate,hartmann6", HelpName = "F,G" };
        var ranges = new Option<string>("--ranges") { Description = "Ranges of trial numbers (1-based, inclusive) to average over; the run lasts to the largest.", DefaultValueFactory = _ => "1-100,901-1000,4901-5000", HelpName = "A-B,C-D" };
        var seed = new Option<ulong>("--seed") { Description = "The study seed.", DefaultValueFactory = _ => 0UL };
        var optuna = OptunaMode();
        var optunaSamplers = new Option<string>("--optuna-samplers") { Description = "Optuna samplers to time.", DefaultValueFactory = _ => "tpe", HelpName = "A,B" };
        var timingTrials = new Option<int?>("--timing-trials") { Description = "Stop Optuna's runs after N trials (its 4,901–5,000 range is slow); ranges beyond N are reported as not run.", HelpName = "N" };
        var python = Python();
        var output = Output();
        var command = NewCommand("timing", "Sampler time per trial (the ask call) averaged over ranges of trial numbers, one study at a time.", samplers, functions, ranges, seed, optuna, optunaSamplers, timingTrials, python, output);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = FunctionCatalog.Load(RepoPaths.FunctionsJson);
            string[] samplerNames = KnownSamplers(List(parsed.GetValue(samplers)) ?? [.. SamplerVariants.DefaultNames]);
            BenchFunction[] chosen = [.. List(parsed.GetValue(functions))!.Distinct().Select(catalog.Get)];
            TimingRange[] rangeList = [.. List(parsed.GetValue(ranges))!.Select(ParseRange)];
            ulong studySeed = parsed.GetValue(seed);
            var bridge = new OptunaBridge(parsed.GetValue(python)!);
            var (optunaVersion, optunaProblem) = await DetectAsync(parsed.GetValue(optuna)!, bridge, cancellationToken);
            MachineInfo machine = Machine.Describe(TimeProvider.System, optunaVersion, optunaVersion is null ? null : bridge.Python);

            var vernier = new List<TimingCell>();
            await VernierTiming.WarmUpAsync(samplerNames, chosen, studySeed, cancellationToken);
            foreach (BenchFunction function in chosen)
            {
                foreach (string sampler in samplerNames)
                {
                    long start = Stopwatch.GetTimestamp();
                    vernier.Add(await VernierTiming.MeasureAsync(sampler, function, rangeList, studySeed, cancellationToken));
                    Console.Error.WriteLine($"vernier {sampler} on {function.Name}: {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
                }
            }

            List<TimingCell>? optunaCells = null;
            int? optunaTrials = null;
            if (optunaVersion is not null)
            {
                optunaTrials = Math.Min(parsed.GetValue(timingTrials) ?? int.MaxValue, rangeList.Max(r => r.Last));
                optunaCells = [];
                foreach (BenchFunction function in chosen)
                {
                    foreach (string sampler in List(parsed.GetValue(optunaSamplers))!)
                    {
                        long start = Stopwatch.GetTimestamp();
                        optunaCells.Add(await bridge.TimingAsync(sampler, function, optunaTrials.Value, rangeList, studySeed, cancellationToken));
                        Console.Error.WriteLine($"optuna {sampler} on {function.Name}: {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
                    }
                }
            }

            var report = new TimingReport(machine, CommandLine(), studySeed, [.. rangeList.Select(r => r with { MeanMilliseconds = null })],
                vernier, optunaCells, optunaTrials, optunaProblem);
            var (json, md) = Reports.Save(parsed.GetValue(output) ?? RepoPaths.ResultsDirectory, null, report);
            Console.WriteLine(Reports.Timing(report));
            Console.Error.WriteLine($"wrote {json} and {md}");
            return vernier.Any(c => c.Error is not null) ? 1 : 0;
        });
        return command;
    }

    private static string[] KnownSamplers(string[] names)
    {
        if (names.FirstOrDefault(n => !SamplerVariants.AvailableNames.Contains(n)) is { } unknown)
        {
            throw new ArgumentException($"unknown sampler '{unknown}'; this build has {string.Join(", ", SamplerVariants.AvailableNames)}.");
        }

        foreach (string name in names)
        {
            SamplerVariants.Strategy(name); // a variant whose options do not load fails here, before any run
        }

        return [.. names.Distinct()];
    }

    private static async Task<(string? Version, string? Problem)> DetectAsync(string mode, OptunaBridge bridge, CancellationToken cancellationToken)
    {
        if (mode == "off")
        {
            return (null, "not run (--optuna off).");
        }

        var (version, problem) = await bridge.DetectAsync(cancellationToken);
        if (version is null)
        {
            Console.Error.WriteLine($"optuna: skipped ({problem})");
            return (null, $"skipped: {problem}");
        }

        if (!File.Exists(RepoPaths.OptunaScript))
        {
            return (null, $"skipped: {RepoPaths.OptunaScript} is missing.");
        }

        Console.Error.WriteLine($"optuna {version} found ({bridge.Python})");
        return (version, null);
    }

    private static Command NewCommand(string name, string description, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    private static Option<int> Parallel() => new("--parallel")
    {
        Description = "Independent runs at a time (results do not depend on it).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        HelpName = "N",
    };

    private static Option<string> OptunaMode()
    {
        var option = new Option<string>("--optuna") { Description = "auto: run Optuna side by side if the system Python imports it; off: Vernier only.", DefaultValueFactory = _ => "auto" };
        option.AcceptOnlyFromAmong("auto", "off");
        return option;
    }

    private static Option<string> Python() => new("--python") { Description = "The Python to look for Optuna in.", DefaultValueFactory = _ => DefaultPython, HelpName = "PATH" };

    private static Option<string?> Output() => new("--out") { Description = "Where latest.json and latest.md go (default: bench/results).", HelpName = "DIR" };

    private static string[]? List(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} must be positive, not {value}.");

    private static TimingRange ParseRange(string text)
    {
        string[] parts = text.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int first) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int last) || first < 1 || last < first)
        {
            throw new ArgumentException($"'{text}' is not a range of trial numbers like 901-1000.");
        }

        return new TimingRange(first, last, null);
    }

    private static string CommandLine() =>
        "dotnet run -c Release --project bench/Vernier.Bench -- " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
}
