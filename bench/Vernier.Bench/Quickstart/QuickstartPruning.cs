using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Bench.Results;
using Vernier.Examples.Digits;
using Vernier.Examples.Quickstart;
using Vernier.Pruners;
using Vernier.Samplers.Auto;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Quickstart;

/// <summary>
/// Whether pruning makes the README's quickstart cheaper: its study (the digits MLP objective, <see cref="AutoSampler"/>,
/// 30 trials, validation accuracy reported after every epoch) run for several seeds with no pruner and with
/// <see cref="SuccessiveHalvingPruner"/> variants, one trial at a time, counting the epochs trained and the objective's
/// wall time, and keeping the best validation accuracy.
/// </summary>
internal static class QuickstartPruning
{
    /// <summary>The quickstart's own study seed; seeds run from it upwards.</summary>
    public const ulong FirstSeed = 42;

    /// <summary>The configurations run by default.</summary>
    public static readonly string[] DefaultConfigurations = ["none", "asha", "asha-r2", "asha-eta3", "asha-r2-eta3"];

    /// <summary>Target: at least this factor less total training time than no pruning...</summary>
    public const double TargetSpeedup = 2.0;

    /// <summary>...with the median best accuracy no more than this below no pruning's (0.5 percentage points).</summary>
    public const double TargetAccuracyLoss = 0.005;

    /// <summary>One study.</summary>
    /// <summary>The start-up trials of the samplers AutoSampler uses here: its Gaussian process draws at random until this many trials have completed, its TPE (once a trial is pruned) until this many have finished, complete or pruned.</summary>
    public const int ModelStartupTrials = 10;

    /// <summary>
    /// One study. <paramref name="TrainingSeconds"/> is the process CPU time spent in the objective (one trial at a time, so
    /// it is the training's, and other processes on the machine barely change it); <paramref name="TrainingWallSeconds"/>
    /// its wall time; <paramref name="ModelTrials"/> the trials the sampler's model chose: those that started with at least
    /// <see cref="ModelStartupTrials"/> trials before them that the chosen sampler learns from (complete ones for GP; complete
    /// or pruned ones for TPE).
    /// </summary>
    internal sealed record Run(
        ulong Seed, int Complete, int Pruned, int Failed, long Epochs, double TrainingSeconds, double TrainingWallSeconds, double WallSeconds, int ModelTrials, double BestAccuracy, int BestTrial);

    /// <summary>One pruner configuration over all seeds.</summary>
    internal sealed record Configuration(string Name, string Pruner, int Trials, IReadOnlyList<Run> Runs)
    {
        public double TotalTrainingSeconds => Runs.Sum(r => r.TrainingSeconds);

        public double TotalTrainingWallSeconds => Runs.Sum(r => r.TrainingWallSeconds);

        public long TotalEpochs => Runs.Sum(r => r.Epochs);

        public double MedianTrainingSeconds => Statistics.Quantile([.. Runs.Select(r => r.TrainingSeconds)], 0.5);

        public double MedianEpochs => Statistics.Quantile([.. Runs.Select(r => (double)r.Epochs)], 0.5);

        public double MedianBestAccuracy => Statistics.Quantile([.. Runs.Select(r => r.BestAccuracy)], 0.5);

        public double MinBestAccuracy => Runs.Min(r => r.BestAccuracy);
    }

    /// <summary>The whole comparison; the first configuration is the baseline.</summary>
    internal sealed record Report(MachineInfo Machine, string CommandLine, int Trials, int EpochsPerTrial, IReadOnlyList<ulong> Seeds, IReadOnlyList<Configuration> Configurations)
    {
        public Configuration Baseline => Configurations[0];

        public double Speedup(Configuration c) => Baseline.TotalTrainingSeconds / c.TotalTrainingSeconds;

        public double EpochRatio(Configuration c) => (double)Baseline.TotalEpochs / c.TotalEpochs;

        public double AccuracyLoss(Configuration c) => Baseline.MedianBestAccuracy - c.MedianBestAccuracy;

        /// <summary>Whether a configuration running the baseline's number of trials meets the target.</summary>
        public bool MeetsTarget(Configuration c) => c != Baseline && c.Trials == Baseline.Trials && Speedup(c) >= TargetSpeedup && AccuracyLoss(c) <= TargetAccuracyLoss;

        /// <summary>The configuration meeting the target with the best median accuracy (then the largest speedup), if any.</summary>
        public Configuration? Recommended => Configurations.Where(MeetsTarget).OrderByDescending(c => c.MedianBestAccuracy).ThenByDescending(Speedup).FirstOrDefault();
    }

    /// <summary>
    /// Parses a configuration name: <c>none</c>, or <c>asha</c> followed by any of <c>-r N</c> (min_resource; default
    /// auto), <c>-eta N</c> (reduction_factor; default 4), <c>-s N</c> (min_early_stopping_rate; default 0) and
    /// <c>-b N</c> (bootstrap_count; default 0), written without spaces: <c>asha-r2-eta3</c>. Either may end in
    /// <c>-t N</c>, another number of trials (see <see cref="Trials"/>).
    /// </summary>
    /// <returns>The pruner, or <see langword="null"/> for <c>none</c>.</returns>
    /// <exception cref="ArgumentException">The name is neither.</exception>
    public static SuccessiveHalvingPrunerOptions? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] parts = name.Split('-');
        if (parts[0] is not ("none" or "asha"))
        {
            throw new ArgumentException($"unknown pruner configuration '{name}'; use none[-tN] or asha[-rN][-etaN][-sN][-bN][-tN].");
        }

        var options = new SuccessiveHalvingPrunerOptions();
        foreach (string part in parts.Skip(1))
        {
            if (parts[0] == "none" && !part.StartsWith('t'))
            {
                throw new ArgumentException($"'{part}' in pruner configuration '{name}': without a pruner only tN (trials) applies.");
            }

            string key = new([.. part.TakeWhile(char.IsAsciiLetter)]);
            if (!int.TryParse(part.AsSpan(key.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                throw new ArgumentException($"'{part}' in pruner configuration '{name}' is not r, eta, s or b followed by a number.");
            }

            switch (key)
            {
                case "r": options.MinResource = value; break;
                case "eta": options.ReductionFactor = value; break;
                case "s": options.MinEarlyStoppingRate = value; break;
                case "b": options.BootstrapCount = value; break;
                case "t" when value > 0: break;
                default: throw new ArgumentException($"'{part}' in pruner configuration '{name}' is not r, eta, s or b followed by a number.");
            }
        }

        if (parts[0] == "none")
        {
            return null;
        }

        _ = new SuccessiveHalvingPruner(options); // validates: a bad option fails before any run
        return options;
    }

    /// <summary>The trials of a configuration: its <c>-tN</c> part, else the default.</summary>
    public static int Trials(string name, int defaultTrials) =>
        name.Split('-').Skip(1).LastOrDefault(p => p.StartsWith('t')) is { } part ? int.Parse(part.AsSpan(1), CultureInfo.InvariantCulture) : defaultTrials;

    /// <summary>How a configuration reads in the report.</summary>
    public static string Describe(SuccessiveHalvingPrunerOptions? options) => options is null
        ? "no pruner"
        : $"SuccessiveHalvingPruner(min_resource={options.MinResource?.ToString(CultureInfo.InvariantCulture) ?? "auto"}, reduction_factor={options.ReductionFactor}" +
          (options.MinEarlyStoppingRate == 0 ? "" : $", min_early_stopping_rate={options.MinEarlyStoppingRate}") +
          (options.BootstrapCount == 0 ? "" : $", bootstrap_count={options.BootstrapCount}") + ")";

    public static async Task<Report> RunAsync(
        IReadOnlyList<string> configurations, IReadOnlyList<ulong> seeds, int trials, int parallel, string commandLine, Action<string> log, CancellationToken cancellationToken)
    {
        var trainer = new MlpTrainer(DigitsDataset.Load(DigitsDataset.DefaultPath));
        trainer.Train(new MlpHyperparameters { Epochs = 2 }, cancellationToken: cancellationToken); // JIT and tiering settle before any timed trial
        var objective = new DigitsObjective(trainer);
        MachineInfo machine = Machine.Describe(TimeProvider.System, null, null);

        // Seed by seed, every configuration in turn: a change in the machine's load then touches all configurations alike.
        var jobs = seeds.SelectMany(s => configurations.Select(c => (Configuration: c, Seed: s))).ToArray();
        var runs = new ConcurrentDictionary<(string, ulong), Run>();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (job, token) =>
        {
            Run run = await RunOnceAsync(objective, Parse(job.Configuration), job.Seed, Trials(job.Configuration, trials), token);
            runs[(job.Configuration, job.Seed)] = run;
            log($"{job.Configuration} seed {job.Seed}: {run.Epochs} epochs, {run.TrainingSeconds:0.0} s training CPU ({run.TrainingWallSeconds:0.0} s wall), {run.ModelTrials} model-chosen trials, best {run.BestAccuracy:P2} ({run.Complete} complete, {run.Pruned} pruned)");
        });

        return new Report(machine, commandLine, trials, DigitsObjective.Epochs, seeds,
            [.. configurations.Select(c => new Configuration(c, Describe(Parse(c)), Trials(c, trials), [.. seeds.Select(s => runs[(c, s)])]))]);
    }

    private static async Task<Run> RunOnceAsync(DigitsObjective objective, SuccessiveHalvingPrunerOptions? pruner, ulong seed, int trials, CancellationToken cancellationToken)
    {
        StudyBuilder builder = Study.Builder("quickstart-pruning").Maximize().WithSampler(new AutoSampler()).WithSeed(seed);
        if (pruner is not null)
        {
            builder = builder.WithPruner(new SuccessiveHalvingPruner(pruner));
        }

        await using Study study = await builder.CreateAsync(cancellationToken);
        var trainingTicks = new ConcurrentBag<long>();
        var trainingCpu = new ConcurrentBag<TimeSpan>();
        long start = Stopwatch.GetTimestamp();
        await study.OptimizeAsync(
            (trial, token) => Task.Run(() =>
            {
                long started = Stopwatch.GetTimestamp();
                TimeSpan cpu = Environment.CpuUsage.TotalTime;
                try
                {
                    return objective.Evaluate(trial, token);
                }
                finally
                {
                    trainingTicks.Add(Stopwatch.GetTimestamp() - started);
                    trainingCpu.Add(Environment.CpuUsage.TotalTime - cpu);
                }
            }, token),
            new OptimizeOptions { NTrials = trials, MaxConcurrency = 1 },
            cancellationToken);
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;

        IReadOnlyList<FrozenTrial> done = await study.GetTrialsAsync(cancellationToken: cancellationToken);
        FrozenTrial? best = done.Where(t => t.State == TrialState.Complete).MaxBy(t => t.Values[0]);
        int completeBefore = 0, finishedBefore = 0, modelTrials = 0;
        foreach (FrozenTrial trial in done.OrderBy(t => t.Number))
        {
            bool tpe = trial.SystemAttributes.TryGetValue(AutoSampler.ChosenSamplerAttribute, out var chosen) && chosen.GetString() == "tpe";
            modelTrials += (tpe ? finishedBefore : completeBefore) >= ModelStartupTrials ? 1 : 0;
            completeBefore += trial.State == TrialState.Complete ? 1 : 0;
            finishedBefore += trial.State is TrialState.Complete or TrialState.Pruned ? 1 : 0;
        }

        return new Run(
            seed,
            done.Count(t => t.State == TrialState.Complete),
            done.Count(t => t.State == TrialState.Pruned),
            done.Count(t => t.State == TrialState.Failed),
            done.Sum(t => (long)t.IntermediateValues.Count),
            trainingCpu.Sum(t => t.TotalSeconds),
            trainingTicks.Sum() / (double)Stopwatch.Frequency,
            wall,
            modelTrials,
            best?.Values[0] ?? double.NaN,
            best?.Number ?? -1);
    }

    public static string Markdown(Report report)
    {
        var md = new StringBuilder();
        md.AppendLine("## Does pruning make the quickstart cheaper?").AppendLine();
        md.AppendLine($"`{report.CommandLine}`").AppendLine();
        md.Append(Reports.MachineTable(report.Machine));
        md.AppendLine(CultureInfo.InvariantCulture, $"The quickstart's study (examples/Quickstart: the digits MLP, `AutoSampler`, {report.Trials} trials of {report.EpochsPerTrial} epochs, validation accuracy reported after every epoch) with in-memory storage, one trial at a time, for study seeds {string.Join(", ", report.Seeds)}. Training time is the CPU time spent in the objective (one trial at a time), summed over all trials and seeds, and is what the speedup and the target use; its wall time, which the load of a shared machine inflates, is shown beside it. Epochs are the intermediate values reported. Model-chosen trials are those the sampler's model chose: `AutoSampler` runs its Gaussian process until a trial is pruned, then TPE; the GP draws at random until {ModelStartupTrials} trials have completed, TPE until {ModelStartupTrials} have finished (complete or pruned). Best accuracy is the best complete trial's final validation accuracy, median (and minimum) over seeds. Target: ≥ {TargetSpeedup:0}× less training time than no pruning, median best accuracy within {TargetAccuracyLoss * 100:0.0} percentage points, with as many trials (a configuration with another number of trials is shown for what the time saved buys, not judged).").AppendLine();
        md.AppendLine("| configuration | pruner | trials | training CPU (s, total) | speedup | training wall (s) | epochs (total) | epoch ratio | pruned trials | model-chosen trials | best accuracy, median (min) | Δ vs none (pp) | meets target |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (Configuration c in report.Configurations)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.Pruner} | {c.Trials} | {c.TotalTrainingSeconds:0.0} | {report.Speedup(c):0.00}× | {c.TotalTrainingWallSeconds:0.0} | {c.TotalEpochs} | {report.EpochRatio(c):0.00}× | {c.Runs.Sum(r => r.Pruned)} | {c.Runs.Sum(r => r.ModelTrials)} | {c.MedianBestAccuracy * 100:0.00}% ({c.MinBestAccuracy * 100:0.00}%) | {-report.AccuracyLoss(c) * 100:+0.00;-0.00;0.00} | {(c == report.Baseline ? "baseline" : c.Trials != report.Baseline.Trials ? "—" : report.MeetsTarget(c) ? "**yes**" : "no")} |");
        }

        md.AppendLine();
        md.AppendLine("Per seed (training CPU seconds / epochs / model-chosen trials / best accuracy):").AppendLine();
        md.AppendLine("| configuration | " + string.Join(" | ", report.Seeds.Select(s => $"seed {s}")) + " |");
        md.AppendLine("|---|" + string.Concat(report.Seeds.Select(_ => "---|")));
        foreach (Configuration c in report.Configurations)
        {
            md.AppendLine($"| {c.Name} | " + string.Join(" | ", c.Runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.TrainingSeconds:0.0} / {r.Epochs} / {r.ModelTrials} / {r.BestAccuracy * 100:0.00}% (#{r.BestTrial})"))) + " |");
        }

        md.AppendLine();
        md.AppendLine(report.Recommended is { } chosen
            ? $"Meets the target: **{chosen.Name}** ({chosen.Pruner}), {report.Speedup(chosen):0.00}× less training time, median best accuracy {-report.AccuracyLoss(chosen) * 100:+0.00;-0.00;0.00} pp."
            : "No configuration meets the target.");
        return md.ToString();
    }
}
