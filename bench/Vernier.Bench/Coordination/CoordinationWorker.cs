using System.Globalization;
using System.Diagnostics;
using Vernier.Samplers;
using Vernier.Storage.Postgres;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Coordination;

/// <summary>One worker process of the coordination benchmark (the hidden <c>coordination-worker</c> command).</summary>
internal static class CoordinationWorker
{
    /// <param name="concurrency">Trials this process runs at once (<c>MaxConcurrency</c>).</param>
    public static async Task RunAsync(string url, string name, string objective, int totalTrials, int concurrency, string ready, string go, CancellationToken cancellationToken)
    {
        double sleepSeconds = CoordinationModel.ObjectiveSeconds(objective);
        using var self = Process.GetCurrentProcess();
        var worker = new WorkerIdentity(Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime());

        // Warm-up on a throwaway study: the connection pool, the JIT, the ask and tell paths.
        await using (Study warmup = await Open(name + "-warmup").LoadAsync(cancellationToken))
        {
            await warmup.OptimizeAsync(Objective(0, _ => { }), new OptimizeOptions { NTrials = CoordinationModel.WarmupTrials }, cancellationToken);
        }

        StorageProfile? profile = null;
        bool profiling = Environment.GetEnvironmentVariable("VERNIER_COORDINATION_PROFILE") == "1";
        await using Study study = await (profiling
            ? Open(name).UseStorage(StorageProfile.Wrap(PostgresStorage.Open(url), out profile), ownsStorage: true)
            : Open(name)).LoadAsync(cancellationToken);
        await File.WriteAllTextAsync(ready, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        while (!File.Exists(go))
        {
            await Task.Delay(1, cancellationToken);
        }

        long start = Stopwatch.GetTimestamp();
        long objectiveTicks = 0;
        OptimizeResult result = await study.OptimizeAsync(Objective(sleepSeconds, ticks => Interlocked.Add(ref objectiveTicks, ticks)), new OptimizeOptions { TotalTrials = totalTrials, MaxConcurrency = concurrency }, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CoordinationModel.ObjectiveSecondsPrefix}{(double)Interlocked.Read(ref objectiveTicks) / Stopwatch.Frequency:R}"));
        if (profile is not null)
        {
            await Console.Error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"worker {Environment.ProcessId}: {result.TrialsStarted} trials in {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0} ms; storage calls:\n{profile.Summary()}"));
        }

        StudyBuilder Open(string study) =>
            Study.Builder(study).UsePostgres(url).WithSampler(new RandomSampler()).Minimize().Configure(o => o.Worker = worker);
    }

    /// <summary>The objective; <paramref name="spent"/> gets the Stopwatch ticks each sleep took (the suggestion, a storage write, is not counted).</summary>
    private static Func<Trial, double> Objective(double sleepSeconds, Action<long> spent) => trial =>
    {
        double x = trial.SuggestFloat("x", -10.0, 10.0);
        if (sleepSeconds > 0)
        {
            long start = Stopwatch.GetTimestamp();
            Thread.Sleep(TimeSpan.FromSeconds(sleepSeconds));
            spent(Stopwatch.GetTimestamp() - start);
        }

        return x * x;
    };
}
