using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Postgres;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>
/// Eight <c>vernier worker</c> processes on one PostgreSQL study while workers are killed with SIGKILL and replaced:
/// the budget, the numbering and the recovery of the killed workers' trials all hold (server from VERNIER_TEST_POSTGRES).
/// </summary>
public class WorkerChaosTests
{
    private const int Budget = 1000;
    private const int Workers = 8;

    private const string Study = """
        name: chaos
        space:
          - { name: x, type: int, low: 0, high: 1000 }
        strategy: { name: random, seed: 5 }
        objective:
          command: [bash, -c, 'echo "METRIC loss={x}"']
          pass_parameters: none
          metric: loss
          max_retries: 20
          retry_backoff: 0
        max_trials: 1000
        resource: { max_concurrent: 2, heartbeat_interval: 0.5, stale_after: 2 }
        """;

    [Fact]
    public async Task Workers_KilledWithSigkillAndReplaced_LeaveExactlyTheBudgetCompleteWithDenseNumbersAndEveryKilledTrialRetried()
    {
        string server = TestPostgres.ServerUrl();
        string schema = "chaos_" + Guid.NewGuid().ToString("N")[..12];
        string url = server + (server.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema;
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        var running = new List<Process>();
        var log = new List<string>();
        var random = new Random(17);
        int killed = 0;
        try
        {
            CliResult created = await CliProcess.RunAsync(dir.Path, "create-study", "-c", "study.yaml", "--storage", url);
            created.ExitCode.ShouldBe(0, created.ToString());

            await using PostgresStorage storage = await PostgresStorage.OpenAsync(url);
            long studyId = (await storage.FindStudyAsync("chaos"))!.StudyId;
            async Task<IReadOnlyList<FrozenTrial>> TrialsAsync() => await storage.GetTrialsAsync(studyId);

            for (int i = 0; i < Workers; i++)
            {
                running.Add(StartWorker(dir.Path, url, log));
            }

            // Kill a random worker about every two seconds and start another, until the study is close to its budget.
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(2000);
                IReadOnlyList<FrozenTrial> trials = await TrialsAsync();
                if (trials.Count(t => t.State == TrialState.Complete) >= Budget - 100)
                {
                    break;
                }

                // Victims are any worker, busy or not: one may be starting up, recovering another victim's trials, asking or telling.
                // Failing an abandoned trial and enqueuing its retry are one transaction, and so are claiming a trial and recording its
                // worker, so a kill at any moment leaves neither a failed trial without its retry nor a Running trial nobody can attribute.
                List<Process> candidates = [.. running.Where(p => !p.HasExited)];
                if (candidates.Count == 0)
                {
                    continue;
                }

                Process victim = candidates[random.Next(candidates.Count)];
                running.Remove(victim);
                if (!victim.HasExited)
                {
                    victim.Kill(entireProcessTree: false); // SIGKILL: no chance to record anything
                    killed++;
                }

                await victim.WaitForExitAsync();
                victim.Dispose();
                running.Add(StartWorker(dir.Path, url, log));
            }

            // Let the survivors finish; then clean workers recover what the last victims left Running (stale after 2 s) and run it.
            await WaitForAllAsync(running, TimeSpan.FromMinutes(5));
            for (int round = 0; round < 5 && !Finished(await TrialsAsync()); round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                CliResult clean = await CliProcess.RunAsync(dir.Path, "worker", "--storage", url, "--study", "chaos");
                clean.ExitCode.ShouldBe(0, clean.ToString());
            }

            IReadOnlyList<FrozenTrial> final = await TrialsAsync();
            string summary;
            lock (log)
            {
                summary = $"{killed} worker(s) killed; states: {string.Join(", ", final.GroupBy(t => t.State).Select(g => $"{g.Key}={g.Count()}"))}; " +
                    $"workers' last errors:\n{string.Join('\n', log.TakeLast(20))}";
            }

            killed.ShouldBeGreaterThan(0, summary);
            final.Select(t => t.Number).Order().ShouldBe(Enumerable.Range(0, final.Count), summary);
            final.Count(t => t.State == TrialState.Complete).ShouldBe(Budget, summary);
            final.ShouldNotContain(t => t.State == TrialState.Running || t.State == TrialState.Waiting, summary);

            List<FrozenTrial> failed = [.. final.Where(t => t.State == TrialState.Failed)];
            failed.ShouldNotBeEmpty(summary + ": no trial was recovered, so the test proved nothing about recovery");
            foreach (FrozenTrial trial in failed)
            {
                trial.FailReason.ShouldNotBeNull();
                (trial.FailReason.StartsWith("interrupted:", StringComparison.Ordinal) || trial.FailReason.StartsWith("stale:", StringComparison.Ordinal))
                    .ShouldBeTrue($"trial {trial.Number} failed for another reason than its worker's death: {trial.FailReason}");
                trial.SystemAttributes.ShouldContainKey(SystemAttributes.Interrupted);
                int original = trial.SystemAttributes.TryGetValue(SystemAttributes.RetryOf, out JsonElement of) ? of.GetInt32() : trial.Number;
                int retries = trial.SystemAttributes.TryGetValue(SystemAttributes.RetryCount, out JsonElement count) ? count.GetInt32() : 0;
                final.ShouldContain(
                    t => t.SystemAttributes.ContainsKey(SystemAttributes.RetryOf) && t.SystemAttributes[SystemAttributes.RetryOf].GetInt32() == original &&
                        t.SystemAttributes[SystemAttributes.RetryCount].GetInt32() == retries + 1,
                    $"trial {trial.Number} ({trial.FailReason}) has no retry linked to it");
            }
        }
        finally
        {
            foreach (Process process in running)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }

                process.Dispose();
            }

            NpgsqlConnection.ClearAllPools();
            await TestPostgres.ScalarAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static bool Finished(IReadOnlyList<FrozenTrial> trials) =>
        trials.Count(t => t.State == TrialState.Complete) >= Budget && !trials.Any(t => t.State is TrialState.Running or TrialState.Waiting);

    private static Process StartWorker(string directory, string url, List<string> log)
    {
        Process worker = CliProcess.Start(directory, "worker", "--storage", url, "--study", "chaos");
        // Drain both pipes so a chatty worker never blocks on a full pipe.
        worker.OutputDataReceived += (_, e) => { };
        worker.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (log)
                {
                    log.Add(line);
                }
            }
        };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        return worker;
    }

    private static async Task WaitForAllAsync(List<Process> processes, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        foreach (Process process in processes)
        {
            await process.WaitForExitAsync(timeout.Token);
        }
    }
}
