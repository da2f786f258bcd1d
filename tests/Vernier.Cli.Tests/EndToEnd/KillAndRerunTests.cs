using System.Diagnostics;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Trials;

namespace Vernier.Cli.Tests.EndToEnd;

public class KillAndRerunTests
{
    private const string Study = """
        name: killed
        space:
          - { name: x, type: float, low: 0, high: 1 }
        strategy: { name: random, seed: 11 }
        objective:
          command: [bash, -c, 'sleep 0.3; echo "METRIC loss={x}"']
          pass_parameters: none
          metric: loss
        max_trials: 12
        """;

    [Fact]
    public async Task Search_KilledWithSigkillThenRerun_LosesNoCompletedTrialAndReachesItsTrialCount()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        string database = Path.Combine(dir.Path, "vernier.db");

        IReadOnlyList<FrozenTrial> beforeKill;
        using (Process cli = CliProcess.Start(dir.Path, "search", "-c", "study.yaml"))
        {
            try
            {
                beforeKill = await WaitForCompleteTrialsAsync(database, atLeast: 4, TimeSpan.FromSeconds(60));
            }
            finally
            {
                cli.Kill(); // SIGKILL: no chance to clean up, as after a crash or an OOM kill
                await cli.WaitForExitAsync();
            }
        }

        CliResult rerun = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml");
        rerun.ExitCode.ShouldBe(0, rerun.ToString());

        await using SqliteStorage storage = SqliteStorage.Open(database);
        var record = (await storage.FindStudyAsync("killed")).ShouldNotBeNull();
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(record.StudyId);
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, trials.Count));
        trials.Count(t => t.State == TrialState.Complete).ShouldBe(12);
        trials.ShouldNotContain(t => t.State == TrialState.Running || t.State == TrialState.Waiting);
        foreach (FrozenTrial failed in trials.Where(t => t.State == TrialState.Failed))
        {
            failed.FailReason!.ShouldStartWith("interrupted: its worker");
        }

        foreach (FrozenTrial done in beforeKill.Where(t => t.State == TrialState.Complete))
        {
            FrozenTrial after = trials[done.Number];
            after.State.ShouldBe(TrialState.Complete);
            after.Values.ShouldBe(done.Values);
            after.Params.ShouldBe(done.Params);
        }
    }

    [Fact]
    public async Task Search_CtrlC_StopsTheTrialsProcessRecordsItInterruptedAndExits130()
    {
        using var dir = new TempDirectory();
        // Each trial leaves its pid behind; once the file "slow" exists, trials hang until interrupted.
        dir.Write("study.yaml", Study
            .Replace("sleep 0.3;", "echo started > started.$BASHPID; sleep 0.3; [ -f slow ] && sleep 60;", StringComparison.Ordinal)
            .Replace("max_trials: 12", "max_trials: 50", StringComparison.Ordinal));
        string database = Path.Combine(dir.Path, "vernier.db");

        using Process cli = CliProcess.Start(dir.Path, "search", "-c", "study.yaml");
        await WaitForCompleteTrialsAsync(database, atLeast: 2, TimeSpan.FromSeconds(60));
        File.WriteAllText(Path.Combine(dir.Path, "slow"), "");
        await Task.Delay(1500);
        using (Process signal = Process.Start("kill", ["-INT", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await cli.WaitForExitAsync(timeout.Token);
        cli.ExitCode.ShouldBe(130, await cli.StandardError.ReadToEndAsync());

        await using SqliteStorage storage = SqliteStorage.Open(database);
        var record = (await storage.FindStudyAsync("killed")).ShouldNotBeNull();
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(record.StudyId);
        trials.ShouldNotContain(t => t.State == TrialState.Running);
        FrozenTrial interrupted = trials.Last();
        interrupted.State.ShouldBe(TrialState.Failed);
        interrupted.FailReason!.ShouldStartWith("interrupted:");
        Directory.GetFiles(dir.Path, "started.*").Select(f => int.Parse(f[(f.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ShouldAllBe(pid => !IsRunning(pid), "no trial process outlives the interrupted run");
    }

    [Fact]
    public async Task Search_KilledWithSigkill_TheNextRunStopsTheOrphanedTrialProcess()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study
            .Replace("sleep 0.3;", "echo started > started.$BASHPID; [ -f slow ] && sleep 60;", StringComparison.Ordinal)
            .Replace("max_trials: 12", "max_trials: 2", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir.Path, "slow"), "");

        int orphan;
        using (Process cli = CliProcess.Start(dir.Path, "search", "-c", "study.yaml"))
        {
            try
            {
                orphan = await WaitForStartedTrialAsync(dir.Path, TimeSpan.FromSeconds(60));
                // The kill must come after vernier recorded the trial's process (a crash before that leaves nothing to find).
                await WaitForRecordedProcessAsync(Path.Combine(dir.Path, "vernier.db"), TimeSpan.FromSeconds(60));
            }
            finally
            {
                cli.Kill();
                await cli.WaitForExitAsync();
            }
        }

        IsRunning(orphan).ShouldBeTrue("a trial runs in its own session, so it survives the SIGKILL of vernier");
        File.Delete(Path.Combine(dir.Path, "slow"));

        CliResult rerun = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml");
        rerun.ExitCode.ShouldBe(0, rerun.ToString());
        await WaitUntilAsync(() => !IsRunning(orphan), TimeSpan.FromSeconds(10));
        IsRunning(orphan).ShouldBeFalse("the run that recovered the trial stops its orphaned process");
    }

    private static async Task<int> WaitForStartedTrialAsync(string folder, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Directory.GetFiles(folder, "started.*").FirstOrDefault() is { } file)
            {
                return int.Parse(file[(file.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("no trial started.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }
    }

    private static async Task WaitForRecordedProcessAsync(string database, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            await using (SqliteStorage storage = SqliteStorage.Open(database))
            {
                if (await storage.FindStudyAsync("killed") is { } study
                    && (await storage.GetTrialsAsync(study.StudyId)).Any(t => t.SystemAttributes.ContainsKey(Vernier.Runner.Workers.LocalWorker.ProcessAttribute)))
                {
                    return;
                }
            }

            await Task.Delay(50);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<IReadOnlyList<FrozenTrial>> WaitForCompleteTrialsAsync(string database, int atLeast, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (File.Exists(database))
            {
                await using SqliteStorage storage = SqliteStorage.Open(database);
                if (await storage.FindStudyAsync("killed") is { } study)
                {
                    IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
                    if (trials.Count(t => t.State == TrialState.Complete) >= atLeast)
                    {
                        return trials;
                    }
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the study did not complete {atLeast} trials within {timeout}.");
    }
}
