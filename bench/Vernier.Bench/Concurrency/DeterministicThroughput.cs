using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Bench.Functions;
using Vernier.Bench.Samplers;
using Vernier.Randomness;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Concurrency;

/// <summary>
/// What deterministic-parallel mode costs: the same study (sampler, function, seed) run with several workers in the
/// free mode and in the deterministic mode, each trial sleeping for an uneven, seeded duration (log-normal around a
/// median), and the deterministic mode run again with one worker and other durations to show that its trials do not
/// change.
/// </summary>
internal static class DeterministicThroughput
{
    /// <summary>One run's outcome.</summary>
    internal sealed record Run(string Mode, int Workers, double Seconds, double TrialsPerSecond, double Best, string Fingerprint);

    /// <summary>The whole comparison.</summary>
    internal sealed record Report(string Sampler, string Function, int Trials, int Concurrency, double MedianMs, double Sigma, ulong Seed, IReadOnlyList<Run> Runs)
    {
        public bool DeterministicRunsAgree => Runs.Where(r => r.Mode.StartsWith("deterministic", StringComparison.Ordinal)).Select(r => r.Fingerprint).Distinct().Count() == 1;

        public double CostRatio => Runs.First(r => r.Mode == "free").TrialsPerSecond / Runs.First(r => r.Mode == "deterministic").TrialsPerSecond;
    }

    public static async Task<Report> RunAsync(string sampler, BenchFunction function, int trials, int concurrency, double medianMs, double sigma, ulong seed, CancellationToken cancellationToken)
    {
        var runs = new List<Run>
        {
            await RunOnceAsync("free", sampler, function, trials, concurrency, concurrency, medianMs, sigma, seed, durationSalt: "a", cancellationToken),
            await RunOnceAsync("free, other durations", sampler, function, trials, concurrency, concurrency, medianMs, sigma, seed, durationSalt: "b", cancellationToken),
            await RunOnceAsync("deterministic", sampler, function, trials, concurrency, concurrency, medianMs, sigma, seed, durationSalt: "a", cancellationToken),
            await RunOnceAsync("deterministic, other durations", sampler, function, trials, concurrency, concurrency, medianMs, sigma, seed, durationSalt: "b", cancellationToken),
            await RunOnceAsync("deterministic, 1 worker", sampler, function, trials, concurrency, workers: 1, medianMs / 4, sigma, seed, durationSalt: "c", cancellationToken),
        };
        return new Report(sampler, function.Name, trials, concurrency, medianMs, sigma, seed, runs);
    }

    private static async Task<Run> RunOnceAsync(
        string mode, string samplerName, BenchFunction function, int trials, int concurrency, int workers, double medianMs, double sigma, ulong seed, string durationSalt, CancellationToken cancellationToken)
    {
        bool deterministic = mode.StartsWith("deterministic", StringComparison.Ordinal);
        await using Study study = await Study.Builder($"parallel-{mode}")
            .Minimize().WithSampler(SamplerVariants.Create(samplerName, function.Space)).WithSeed(seed)
            .Configure(o =>
            {
                o.MaxConcurrent = concurrency;
                o.DeterministicParallel = deterministic;
            })
            .CreateAsync(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        await study.OptimizeAsync(
            async (trial, token) =>
            {
                double z = RandomStream.Derive(seed, trial.Number, "duration:" + durationSalt).NextGaussian();
                await Task.Delay(TimeSpan.FromMilliseconds(medianMs * Math.Exp(sigma * z)), token);
                return function.Evaluate(trial.Params);
            },
            new OptimizeOptions { NTrials = trials, MaxConcurrency = workers, SearchSpace = function.Space },
            cancellationToken);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        IReadOnlyList<FrozenTrial> done = await study.GetTrialsAsync(cancellationToken: cancellationToken);
        string fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(";",
            done.OrderBy(t => t.Number).Select(t => string.Join(",", t.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.InternalValue.ToString("R", CultureInfo.InvariantCulture)}")))))))[..12];
        double best = done.Where(t => t.State == TrialState.Complete).Min(t => t.Values[0]);
        return new Run(mode, workers, seconds, trials / seconds, best, fingerprint);
    }

    public static string Markdown(Report report, string commandLine)
    {
        var md = new StringBuilder();
        md.AppendLine("## Deterministic-parallel mode: what it costs").AppendLine();
        md.AppendLine($"`{commandLine}`").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{report.Trials} trials of `{report.Sampler}` on `{report.Function}`, seed {report.Seed}, max_concurrent {report.Concurrency}; each trial sleeps a seeded log-normal time (median {report.MedianMs} ms, σ = {report.Sigma}), so durations are uneven. The last row uses one worker and shorter, different durations. In the free mode what the sampler sees depends on which trials happen to have finished, so other durations give other trials.").AppendLine();
        md.AppendLine("| mode | workers | wall time (s) | trials/s | best value | trials fingerprint |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (Run run in report.Runs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {run.Mode} | {run.Workers} | {run.Seconds:0.00} | {run.TrialsPerSecond:0.0} | {run.Best:G4} | `{run.Fingerprint}` |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Free-mode throughput / deterministic-mode throughput: **{report.CostRatio:0.00}×**. Deterministic runs identical whatever the workers and durations: **{(report.DeterministicRunsAgree ? "yes" : "NO")}**.");
        return md.ToString();
    }
}
