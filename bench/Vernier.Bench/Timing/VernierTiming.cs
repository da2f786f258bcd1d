using System.Diagnostics;
using Vernier.Bench.Functions;
using Vernier.Bench.Results;
using Vernier.Bench.Samplers;
using Vernier.Samplers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Timing;

/// <summary>
/// Sampler time per trial: the wall time of <see cref="Study.AskAsync(Vernier.SearchSpaces.SearchSpace?, CancellationToken)"/>
/// with the declared space (every parameter is sampled inside the ask) on in-memory storage, with the benchmark
/// function as the (sub-microsecond) objective, averaged over ranges of trial numbers. Runs one study at a time.
/// </summary>
internal static class VernierTiming
{
    /// <summary>Trials of each warm-up run: enough for the JIT to promote the hot methods to optimised code.</summary>
    public const int WarmUpTrials = 200;

    /// <summary>
    /// Runs every (sampler, function) briefly, then pauses for the background JIT, so that no measured run pays for
    /// compilation (a per-run warm-up was not enough: the first measured run was still slow on trials 1–100).
    /// </summary>
    public static async Task WarmUpAsync(IReadOnlyList<string> samplers, IReadOnlyList<BenchFunction> functions, ulong seed, CancellationToken cancellationToken)
    {
        foreach (BenchFunction function in functions)
        {
            foreach (string sampler in samplers)
            {
                try
                {
                    await AskTimesAsync(sampler, function, WarmUpTrials, seed + 1, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The measured run reports it.
                }
            }
        }

        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
    }

    public static async Task<TimingCell> MeasureAsync(string samplerName, BenchFunction function, IReadOnlyList<TimingRange> ranges, ulong seed, CancellationToken cancellationToken)
    {
        int trials = ranges.Max(r => r.Last);
        try
        {
            // Start every measured run from a collected heap, so that none pays for another's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            double[] times = await AskTimesAsync(samplerName, function, trials, seed, cancellationToken);
            return new TimingCell(samplerName, function.Name, times.Length, [.. ranges.Select(r => r with { MeanMilliseconds = Mean(times, r), MedianMilliseconds = Median(times, r) })], null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new TimingCell(samplerName, function.Name, 0, [], e.Message);
        }
    }

    private static double? Mean(double[] times, TimingRange range) =>
        range.Last > times.Length ? null : Statistics.Mean(times.AsSpan((range.First - 1)..range.Last));

    private static double? Median(double[] times, TimingRange range) =>
        range.Last > times.Length ? null : Statistics.Quantile(times[(range.First - 1)..range.Last], 0.5);

    private static async Task<double[]> AskTimesAsync(string samplerName, BenchFunction function, int trials, ulong seed, CancellationToken cancellationToken)
    {
        Sampler sampler = SamplerVariants.Create(samplerName, function.Space);
        await using Study study = await Study.Builder($"timing-{samplerName}-{function.Name}")
            .Minimize().WithSampler(sampler).WithSeed(seed).CreateAsync(cancellationToken);
        var times = new List<double>(trials);
        for (int n = 0; n < trials; n++)
        {
            long start = Stopwatch.GetTimestamp();
            Trial trial;
            try
            {
                trial = await study.AskAsync(function.Space, cancellationToken);
            }
            catch (SamplerExhaustedException)
            {
                break;
            }

            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await study.TellAsync(trial, function.Evaluate(trial.Params), cancellationToken);
        }

        return [.. times];
    }
}
