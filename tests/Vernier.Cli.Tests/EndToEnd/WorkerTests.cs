using System.Diagnostics;
using System.Globalization;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Trials;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary><c>vernier create-study</c> and <c>vernier worker</c>: a study run by several workers that know only the storage and its name.</summary>
public class WorkerTests
{
    // Each trial leaves a file in its working directory: the study file's folder, wherever the worker runs.
    private const string Study = """
        name: shared
        space:
          - { name: x, type: float, low: 0, high: 1 }
        strategy: { name: random, seed: 11 }
        objective:
          command: [bash, -c, 'touch ran.$BASHPID; sleep 0.2; [ -f slow ] && sleep 60; echo "METRIC loss={x}"']
          pass_parameters: none
          metric: loss
        max_trials: 10
        """;

    [Fact]
    public async Task TwoWorkers_OnAStoredStudy_RunExactlyItsBudgetWithDenseNumbers()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "config"));
        string config = dir.Write(Path.Combine("config", "study.yaml"), Study);
        string elsewhere = Directory.CreateDirectory(Path.Combine(dir.Path, "elsewhere")).FullName;
        string storage = $"sqlite:///{dir.Path}/shared.db";

        CliResult created = await CliProcess.RunAsync(elsewhere, "create-study", "--config", config, "--storage", storage);
        created.ExitCode.ShouldBe(0, created.ToString());
        created.Output.ShouldContain("created study 'shared'");

        CliResult[] workers = await Task.WhenAll(
            CliProcess.RunAsync(elsewhere, "worker", "--storage", storage, "--study", "shared", "--max-concurrent", "2"),
            CliProcess.RunAsync(elsewhere, "worker", "--storage", storage, "--study", "shared"));
        foreach (CliResult worker in workers)
        {
            worker.ExitCode.ShouldBe(0, worker.ToString());
        }

        IReadOnlyList<FrozenTrial> trials = await TrialsAsync(Path.Combine(dir.Path, "shared.db"), "shared");
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, 10));
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        Directory.GetFiles(Path.GetDirectoryName(config)!, "ran.*").Length.ShouldBe(10, "relative paths resolve against the study file's folder");
    }

    [Fact]
    public async Task CreateStudy_Again_IsUnchangedWithTheSameFile_AndRefusedWithAnotherDefinition()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        string storage = $"sqlite:///{dir.Path}/shared.db";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);

        CliResult again = await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Output.ShouldContain("already exists");
        again.Output.ShouldContain("unchanged");

        string changed = dir.Write("changed.yaml", Study.Replace("high: 1", "high: 2", StringComparison.Ordinal));
        CliResult refused = await CliProcess.RunAsync(dir.Path, "create-study", "--config", changed, "--storage", storage);
        refused.ExitCode.ShouldNotBe(0, refused.ToString());
        refused.Error.ShouldContain("already exists");
        refused.Error.ShouldContain("different definition");
    }

    [Fact]
    public async Task Worker_OnAStudyWithoutStoredDefinition_SaysHowToCreateOne()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study.Replace("max_trials: 10", "max_trials: 1", StringComparison.Ordinal));
        string storage = $"sqlite:///{dir.Path}/shared.db";
        (await CliProcess.RunAsync(dir.Path, "search", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);

        CliResult worker = await CliProcess.RunAsync(dir.Path, "worker", "--storage", storage, "--study", "shared");

        worker.ExitCode.ShouldBe(1, worker.ToString());
        worker.Error.ShouldContain("study 'shared' has no stored definition");
        worker.Error.ShouldContain("vernier create-study");
    }

    [Fact]
    public async Task Worker_Sigterm_StopsTrialsAfterTheDrainTimeoutAndLeavesNothingRunning()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        File.WriteAllText(Path.Combine(dir.Path, "slow"), "");
        string database = Path.Combine(dir.Path, "shared.db");
        string storage = $"sqlite:///{database}";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);

        using Process worker = CliProcess.Start(dir.Path, "worker", "--storage", storage, "--study", "shared", "--max-concurrent", "2", "--drain-timeout", "1");
        Task<string> error = worker.StandardError.ReadToEndAsync();
        Task<string> output = worker.StandardOutput.ReadToEndAsync();
        await WaitUntilAsync(async () => (await TrialsAsync(database, "shared")).Count(t => t.State == TrialState.Running) == 2, TimeSpan.FromSeconds(60));
        using (Process signal = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await worker.WaitForExitAsync(timeout.Token);
        worker.ExitCode.ShouldBe(130, await error + await output);
        (await error).ShouldContain("SIGTERM: starting no more trials");

        IReadOnlyList<FrozenTrial> trials = await TrialsAsync(database, "shared");
        trials.ShouldNotContain(t => t.State == TrialState.Running);
        trials.Where(t => t.State == TrialState.Failed).ShouldAllBe(t => t.FailReason!.StartsWith("interrupted:", StringComparison.Ordinal));
        trials.Count(t => t.State == TrialState.Failed).ShouldBe(2);
    }

    [Fact]
    public async Task Worker_Sigterm_LetsRunningTrialsFinishWithinTheDrainTimeout()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study.Replace("sleep 60", "sleep 2", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir.Path, "slow"), "");
        string database = Path.Combine(dir.Path, "shared.db");
        string storage = $"sqlite:///{database}";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);

        using Process worker = CliProcess.Start(dir.Path, "worker", "--storage", storage, "--study", "shared", "--drain-timeout", "60");
        Task<string> error = worker.StandardError.ReadToEndAsync();
        Task<string> output = worker.StandardOutput.ReadToEndAsync();
        await WaitUntilAsync(async () => (await TrialsAsync(database, "shared")).Any(t => t.State == TrialState.Running), TimeSpan.FromSeconds(60));
        using (Process signal = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker.WaitForExitAsync(timeout.Token);
        worker.ExitCode.ShouldBe(0, await error + await output);
        (await output).ShouldContain("stopped on request after the running trials finished");

        IReadOnlyList<FrozenTrial> trials = await TrialsAsync(database, "shared");
        trials.ShouldNotBeEmpty();
        trials.Count.ShouldBeLessThan(10);
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
    }

    private static async Task<IReadOnlyList<FrozenTrial>> TrialsAsync(string database, string study)
    {
        if (!File.Exists(database))
        {
            return [];
        }

        await using SqliteStorage storage = SqliteStorage.Open(database);
        return await storage.FindStudyAsync(study) is { } record ? await storage.GetTrialsAsync(record.StudyId) : [];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"the condition did not hold within {patience}.");
            }

            await Task.Delay(100);
        }
    }
}
