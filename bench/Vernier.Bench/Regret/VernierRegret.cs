using System.Diagnostics;
using Vernier.Bench.Functions;
using Vernier.Bench.Results;
using Vernier.Bench.Samplers;
using Vernier.Samplers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Regret;

/// <summary>
/// Runs every (sampler, function, seed) once for the largest budget, in its own in-memory study seeded with the bench
/// seed, and reads the regret at every smaller budget off the same run (the best of its first k trials).
/// </summary>
internal static class VernierRegret
{
    /// <summary>The best value after each trial of one run, or why the run failed.</summary>
    internal sealed record Run(double[] BestSoFar, double Seconds, string? Error, bool NotApplicable = false);

    public static async Task<IReadOnlyList<RegretCell>> RunAsync(
        IReadOnlyList<string> samplers, IReadOnlyList<BenchFunction> functions, IReadOnlyList<ulong> seeds, IReadOnlyList<int> budgets,
        int parallel, Action<string> progress, CancellationToken cancellationToken)
    {
        int maxBudget = budgets.Max();
        var jobs = (from s in samplers from f in functions from seed in seeds select (Sampler: s, Function: f, Seed: seed)).ToArray();
        var runs = new Run[jobs.Length];
        int done = 0;
        await Parallel.ForAsync(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            runs[i] = await RunOnceAsync(jobs[i].Sampler, jobs[i].Function, jobs[i].Seed, maxBudget, ct);
            int finished = Interlocked.Increment(ref done);
            if (finished % Math.Max(1, jobs.Length / 20) == 0 || finished == jobs.Length)
            {
                progress($"vernier: {finished}/{jobs.Length} runs");
            }
        });

        var cells = new List<RegretCell>();
        int index = 0;
        foreach (string sampler in samplers)
        {
            foreach (BenchFunction function in functions)
            {
                Run[] cellRuns = runs[index..(index + seeds.Count)];
                index += seeds.Count;
                cells.Add(Summarise(sampler, function, cellRuns, budgets));
            }
        }

        return cells;
    }

    public static async Task<Run> RunOnceAsync(string samplerName, BenchFunction function, ulong seed, int budget, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        Sampler sampler;
        try
        {
            sampler = SamplerVariants.Create(samplerName, function.Space);
        }
        catch (VernierException e)
        {
            return new Run([], 0.0, e.Message, NotApplicable: true);
        }

        var best = new List<double>(budget);
        try
        {
            await using Study study = await Study.Builder($"{samplerName}-{function.Name}-{seed}")
                .Minimize().WithSampler(sampler).WithSeed(seed).CreateAsync(cancellationToken);
            double bestValue = double.PositiveInfinity;
            for (int n = 0; n < budget; n++)
            {
                Trial trial;
                try
                {
                    trial = await study.AskAsync(function.Space, cancellationToken);
                }
                catch (SamplerExhaustedException)
                {
                    break;
                }

                double value = function.Evaluate(trial.Params);
                await study.TellAsync(trial, value, cancellationToken);
                bestValue = Math.Min(bestValue, value);
                best.Add(bestValue);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Run([.. best], Stopwatch.GetElapsedTime(start).TotalSeconds, $"{e.GetType().Name} after {best.Count} trials: {e.Message}");
        }

        return new Run([.. best], Stopwatch.GetElapsedTime(start).TotalSeconds, null);
    }

    /// <summary>The cell's regret statistics; the regret at budget k is the best of the first k trials minus f*.</summary>
    public static RegretCell Summarise(string sampler, BenchFunction function, IReadOnlyList<Run> runs, IReadOnlyList<int> budgets)
    {
        double seconds = runs.Sum(r => r.Seconds);
        if (runs.FirstOrDefault(r => r.Error is not null) is { } failed)
        {
            return new RegretCell(sampler, function.Name, [], seconds, failed.Error, failed.NotApplicable);
        }

        var rows = new List<BudgetRegret>();
        foreach (int budget in budgets)
        {
            double[] regrets = [.. runs.Select(r => r.BestSoFar.Length == 0 ? double.NaN : r.BestSoFar[Math.Min(budget, r.BestSoFar.Length) - 1] - function.FStar)];
            rows.Add(new BudgetRegret(budget, Statistics.Quantile(regrets, 0.5), Statistics.Quantile(regrets, 0.25), Statistics.Quantile(regrets, 0.75), regrets));
        }

        return new RegretCell(sampler, function.Name, rows, seconds, null);
    }
}
