using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Vernier.Bench.Functions;
using Vernier.Bench.Results;
using Vernier.Bench.Samplers;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Samplers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Pruning;

/// <summary>
/// The pruner benchmark on <c>pruning_curve</c> (bench/functions.json): per (pruner, seed), one in-memory study of a
/// fixed number of trials on the hpo_surrogate space, each trial reporting the curve's value at steps 0, 1, … and
/// asking the pruner after every report; a trial that survives every step completes with its last value.
/// </summary>
internal static class VernierPruning
{
    /// <summary>The pruners the benchmark compares, under their config names (the same names in optuna_bench.py).</summary>
    public static readonly IReadOnlyList<string> PrunerNames = ["none", "median", "successive_halving", "hyperband"];

    /// <summary>The function whose space the trials sample and whose value is each curve's final loss.</summary>
    public const string FunctionName = "hpo_surrogate";

    /// <summary>The reports per trial (<c>pruning_curve.n_steps</c> in bench/functions.json).</summary>
    public static int Steps(FunctionCatalog catalog) => catalog.Root["pruning_curve"]!["n_steps"]!.GetValue<int>();

    /// <summary>Runs every (pruner, seed); with <paramref name="sameTrials"/> (one trial sequence per seed), each study evaluates exactly those trials, in order.</summary>
    public static async Task<IReadOnlyList<PruningCell>> RunAsync(
        IReadOnlyList<string> pruners, string sampler, BenchFunction function, IReadOnlyList<ulong> seeds, int trials, int steps, string maxResource,
        int parallel, Action<string> progress, CancellationToken cancellationToken,
        IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>>? sameTrials = null)
    {
        var jobs = (from p in pruners from seed in seeds select (Pruner: p, Seed: seed)).ToArray();
        var runs = new PruningRun[jobs.Length];
        var errors = new string?[jobs.Length];
        int done = 0;
        await Parallel.ForAsync(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            (runs[i], errors[i]) = await RunOnceAsync(jobs[i].Pruner, sampler, function, jobs[i].Seed, trials, steps, maxResource, ct, sameTrials?[i % seeds.Count]);
            int finished = Interlocked.Increment(ref done);
            if (finished % Math.Max(1, jobs.Length / 10) == 0 || finished == jobs.Length)
            {
                progress($"vernier: {finished}/{jobs.Length} runs");
            }
        });

        var cells = new List<PruningCell>();
        for (int p = 0; p < pruners.Count; p++)
        {
            Range range = (p * seeds.Count)..((p + 1) * seeds.Count);
            cells.Add(Summarise(pruners[p], runs[range], errors[range].FirstOrDefault(e => e is not null)));
        }

        return cells;
    }

    /// <summary>One seeded study: the run's totals, or the partial totals and why it failed. Trials given in <paramref name="enqueued"/> are evaluated first, in order.</summary>
    public static async Task<(PruningRun Run, string? Error)> RunOnceAsync(
        string prunerName, string samplerName, BenchFunction function, ulong seed, int trials, int steps, string maxResource, CancellationToken cancellationToken,
        IReadOnlyList<IReadOnlyDictionary<string, object?>>? enqueued = null)
    {
        long start = Stopwatch.GetTimestamp();
        long reports = 0;
        int pruned = 0, complete = 0;
        double best = double.PositiveInfinity;
        var completions = new List<double[]>();
        PruningRun Totals() => new(seed, complete + pruned, reports, pruned, complete == 0 ? null : best, Stopwatch.GetElapsedTime(start).TotalSeconds, completions);
        try
        {
            Sampler sampler = SamplerVariants.Create(samplerName, function.Space);
            await using Study study = await Study.Builder($"pruning-{prunerName}-{samplerName}-{seed}")
                .Minimize().WithSampler(sampler).WithPruner(CreatePruner(prunerName, maxResource))
                .WithSeed(seed).CreateAsync(cancellationToken);
            foreach (IReadOnlyDictionary<string, object?> parameters in enqueued ?? [])
            {
                await study.EnqueueTrialAsync(parameters, function.Space, cancellationToken);
            }

            for (int n = 0; n < trials; n++)
            {
                Trial trial = await study.AskAsync(function.Space, cancellationToken);
                var (final, c, tau) = Curve(function, trial.Params);
                double value = double.NaN;
                bool stopped = false;
                for (int step = 0; step < steps && !stopped; step++)
                {
                    value = TestFunctions.PruningCurve(final, c, tau, step);
                    trial.Report(value, step);
                    reports++;
                    stopped = trial.ShouldPrune();
                }

                if (stopped)
                {
                    await study.TellPrunedAsync(trial.Number, cancellationToken);
                    pruned++;
                }
                else
                {
                    await study.TellAsync(trial, value, cancellationToken);
                    complete++;
                    best = Math.Min(best, value);
                    completions.Add([reports, value]);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (Totals(), $"{e.GetType().Name} after {complete + pruned} trials: {e.Message}");
        }

        return (Totals(), null);
    }

    /// <summary>
    /// A seed's sequence of trials for comparing the pruners alone: the parameters Vernier's random sampler draws in a
    /// study of <paramref name="trials"/> trials seeded with <paramref name="seed"/>. Both libraries enqueue it.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> TrialSequenceAsync(
        BenchFunction function, ulong seed, int trials, CancellationToken cancellationToken)
    {
        await using Study study = await Study.Builder($"pruning-sequence-{seed}")
            .Minimize().WithSampler(new RandomSampler()).WithSeed(seed).CreateAsync(cancellationToken);
        var sequence = new List<IReadOnlyDictionary<string, object?>>(trials);
        for (int n = 0; n < trials; n++)
        {
            Trial trial = await study.AskAsync(function.Space, cancellationToken);
            sequence.Add(trial.Params);
            await study.TellAsync(trial, 0.0, cancellationToken);
        }

        return sequence;
    }

    /// <summary>
    /// The pruner a config name stands for, built as a study file builds it, with its default options; only Hyperband's
    /// max_resource is set (<c>auto</c>, its default, or a step count) so that both libraries get the same value.
    /// </summary>
    public static Pruners.Pruner CreatePruner(string name, string maxResource)
    {
        var options = ImmutableSortedDictionary.Create<string, object?>(StringComparer.Ordinal);
        if (name == "hyperband")
        {
            options = options.Add("max_resource", maxResource == "auto" ? "auto" : long.Parse(maxResource, CultureInfo.InvariantCulture));
        }

        return StudyComposition.CreatePruner(new PrunerDefinition { Name = name, Options = options });
    }

    /// <summary>The curve of a trial: its final loss (hpo_surrogate), scale c and time constant tau.</summary>
    public static (double Final, double C, double Tau) Curve(BenchFunction function, IReadOnlyDictionary<string, object?> values)
    {
        var (c, tau) = TestFunctions.PruningCurveShape(
            FunctionCatalog.Number(values, "lr"), FunctionCatalog.Integer(values, "layers"), FunctionCatalog.Number(values, "dropout"));
        return (function.Evaluate(values), c, tau);
    }

    /// <summary>A cell's statistics over the seeds: steps, best final value (seeds without a complete trial left out), fraction pruned.</summary>
    public static PruningCell Summarise(string pruner, IReadOnlyList<PruningRun> runs, string? error)
    {
        double seconds = runs.Sum(r => r.Seconds);
        if (error is not null)
        {
            return new PruningCell(pruner, runs, null, null, null, seconds, error);
        }

        double[] steps = [.. runs.Select(r => (double)r.Steps)];
        double[] best = [.. runs.Where(r => r.Best is not null).Select(r => r.Best!.Value)];
        double[] fraction = [.. runs.Select(r => r.Trials == 0 ? 0.0 : (double)r.Pruned / r.Trials)];
        return new PruningCell(pruner, runs, Quartiles.Of(steps), best.Length == 0 ? null : Quartiles.Of(best), Statistics.Quantile(fraction, 0.5), seconds, null);
    }
}
