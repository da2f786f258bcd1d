using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Bench.Results;
using Vernier.Samplers;
using Vernier.Samplers.Population;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Population;

/// <summary>
/// Population based training against random search with the same total training steps, on
/// <see cref="LearningRateSchedule"/>: PBT trains a population for the full run in segments; random
/// search trains as many full runs as the same steps pay for, each at one fixed rate.
/// </summary>
internal static class PopulationBenchmark
{
    /// <summary>One method's results over the seeds.</summary>
    internal sealed record MethodResult(string Method, long StepsPerSeed, IReadOnlyList<double> BestFinalErrors)
    {
        public double Median => Statistics.Quantile(BestFinalErrors, 0.5);

        public double P25 => Statistics.Quantile(BestFinalErrors, 0.25);

        public double P75 => Statistics.Quantile(BestFinalErrors, 0.75);
    }

    /// <summary>The comparison, with the learning rates PBT chose along the best lineage of the first seed.</summary>
    internal sealed record Report(
        int Seeds, int PopulationSize, long PerturbationInterval, long TrainingSteps, double BestFixedRate, double BestFixedError, double GreedyScheduleError,
        IReadOnlyList<MethodResult> Methods, IReadOnlyList<double> FirstSeedBestLineageRates)
    {
        public MethodResult Population => Methods.Single(m => m.Method == "population");

        public MethodResult Random => Methods.Single(m => m.Method == "random");

        public bool TargetMet => Population.Median < Random.Median;
    }

    public static async Task<Report> RunAsync(int seeds, int populationSize, long interval, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        long steps = LearningRateSchedule.TrainingSteps;
        if (steps % interval != 0)
        {
            throw new ArgumentException($"--interval must divide the {steps} training steps; {interval} does not.");
        }

        var population = new List<double>();
        var random = new List<double>();
        IReadOnlyList<double> lineage = [];
        for (int seed = 0; seed < seeds; seed++)
        {
            var (best, rates) = await RunPopulationAsync((ulong)seed, populationSize, interval, cancellationToken);
            population.Add(best);
            lineage = seed == 0 ? rates : lineage;
            random.Add(await RunRandomAsync((ulong)seed, populationSize, cancellationToken));
        }

        var (fixedRate, fixedError) = LearningRateSchedule.BestFixedRate();
        return new Report(
            seeds, populationSize, interval, steps, fixedRate, fixedError, LearningRateSchedule.GreedyScheduleError(),
            [new MethodResult("population", populationSize * steps, population), new MethodResult("random", populationSize * steps, random)],
            lineage);
    }

    /// <summary>A PBT study: the population trains <see cref="LearningRateSchedule.TrainingSteps"/> steps each, in segments; returns the best final error and the rates along its lineage.</summary>
    private static async Task<(double Best, IReadOnlyList<double> Rates)> RunPopulationAsync(ulong seed, int populationSize, long interval, CancellationToken cancellationToken)
    {
        var sampler = new PopulationSampler(new PopulationSamplerOptions
        {
            PopulationSize = populationSize,
            PerturbationInterval = interval,
            MaxSteps = LearningRateSchedule.TrainingSteps,
        });
        await using Study study = await Study.Builder("pbt").Minimize().WithSampler(sampler).WithSeed(seed).CreateAsync(cancellationToken);
        var checkpoints = new ConcurrentDictionary<int, double>();
        await study.OptimizeAsync(
            trial =>
            {
                double rate = Rate(trial);
                PopulationSegment segment = trial.Population ?? throw new InvalidOperationException("a population trial has no segment.");
                double error = segment.RestoreFromTrial is int parent ? checkpoints[parent] : LearningRateSchedule.InitialError;
                for (long step = segment.StartStep + 1; step <= segment.EndStep; step++)
                {
                    error = LearningRateSchedule.Step(error, rate);
                    trial.Report(error, step);
                }

                checkpoints[trial.Number] = error;
                return error;
            },
            new OptimizeOptions { NTrials = checked((int)(populationSize * LearningRateSchedule.TrainingSteps / interval)) },
            cancellationToken);

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(cancellationToken: cancellationToken);
        FrozenTrial best = trials
            .Where(t => t.State == TrialState.Complete && PopulationSegment.Of(t)?.EndStep == LearningRateSchedule.TrainingSteps)
            .MinBy(t => t.Values[0]) ?? throw new InvalidOperationException("no member finished its training.");
        var byNumber = trials.ToDictionary(t => t.Number);
        var rates = new List<double>();
        for (FrozenTrial? t = best; t is not null; t = PopulationSegment.Of(t)?.RestoreFromTrial is int p ? byNumber[p] : null)
        {
            rates.Add(Convert.ToDouble(t.Params[LearningRateSchedule.Parameter], CultureInfo.InvariantCulture));
        }

        rates.Reverse();
        return (best.Values[0], rates);
    }

    /// <summary>Random search with the same total steps: <paramref name="runs"/> full runs at fixed rates.</summary>
    private static async Task<double> RunRandomAsync(ulong seed, int runs, CancellationToken cancellationToken)
    {
        await using Study study = await Study.Builder("random").Minimize().WithSampler(new RandomSampler()).WithSeed(seed).CreateAsync(cancellationToken);
        await study.OptimizeAsync(
            trial => LearningRateSchedule.Train(Rate(trial), LearningRateSchedule.TrainingSteps),
            new OptimizeOptions { NTrials = runs },
            cancellationToken);
        FrozenTrial best = await study.GetBestTrialAsync(cancellationToken) ?? throw new InvalidOperationException("random search completed no trial.");
        return best.Values[0];
    }

    private static double Rate(Trial trial) => trial.SuggestFloat(LearningRateSchedule.Parameter, LearningRateSchedule.LowRate, LearningRateSchedule.HighRate, log: true);

    public static string Markdown(Report report, string commandLine)
    {
        var md = new StringBuilder();
        md.AppendLine("## Population based training on a learning-rate schedule").AppendLine();
        md.AppendLine($"`{commandLine}`").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`LearningRateSchedule` (bench/Vernier.Bench/Population): the expected squared error of noisy gradient descent, m ← (1 − lr)²·m + lr²·σ² with σ² = {LearningRateSchedule.NoiseVariance}, from m = {LearningRateSchedule.InitialError} over {report.TrainingSteps} steps, lr log-uniform in [{LearningRateSchedule.LowRate}, {LearningRateSchedule.HighRate}]. The best lr is large early and small late.");
        md.AppendLine(CultureInfo.InvariantCulture, $"PBT: {report.PopulationSize} members, a perturbation every {report.PerturbationInterval} steps, default quantile / resample / factors, {report.PopulationSize * report.TrainingSteps / report.PerturbationInterval} trials (segments). Random search: {report.PopulationSize} full runs, the same {report.PopulationSize * report.TrainingSteps} steps. {report.Seeds} seeds (0–{report.Seeds - 1}); best final error = the best error of a run that trained all {report.TrainingSteps} steps, median [p25–p75] over the seeds.").AppendLine();
        md.AppendLine("| method | steps per seed | best final error |");
        md.AppendLine("|---|---|---|");
        foreach (MethodResult m in report.Methods)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Method} | {m.StepsPerSeed} | {Reports.Num(m.Median)} [{Reports.Num(m.P25)}–{Reports.Num(m.P75)}] |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| reference: best fixed lr ({report.BestFixedRate:G3}), found by a grid | — | {Reports.Num(report.BestFixedError)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| reference: greedy schedule lr = m/(m + σ²) | — | {Reports.Num(report.GreedyScheduleError)} |").AppendLine();
        md.AppendLine("Learning rate per segment along the best member's lineage (seed 0): " + string.Join(" → ", report.FirstSeedBestLineageRates.Select(r => r.ToString("G2", CultureInfo.InvariantCulture)))).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"PBT's median / random search's median: **{report.Population.Median / report.Random.Median:0.00}×** (target: below 1). Target met: **{(report.TargetMet ? "yes" : "NO")}**.");
        return md.ToString();
    }
}
