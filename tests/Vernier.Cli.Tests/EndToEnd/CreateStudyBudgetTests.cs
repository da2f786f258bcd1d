using System.Diagnostics;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Trials;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary><c>vernier create-study</c> run again with another <c>max_trials</c>: the stored study's budget changes, never below what it counted.</summary>
public class CreateStudyBudgetTests
{
    // A trial waits for a file named 'go' in the study file's folder, so that a test can hold the first trial while it changes the budget.
    private const string Study = """
        name: budget
        space:
          - { name: x, type: float, low: 0, high: 1 }
        strategy: { name: random, seed: 3 }
        objective:
          command: [bash, -c, 'while [ ! -f go ]; do sleep 0.05; done; echo "METRIC loss={x}"']
          pass_parameters: none
          metric: loss
        max_trials: 3
        """;

    [Fact]
    public async Task CreateStudy_MaxTrialsRaised_StoresTheNewBudgetAndWorkersRunToIt()
    {
        using var dir = new TempDirectory();
        dir.Write("go", "");
        string config = dir.Write("study.yaml", Study);
        string database = Path.Combine(dir.Path, "budget.db");
        string storage = $"sqlite:///{database}";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);
        (await CliProcess.RunAsync(dir.Path, "worker", "--storage", storage, "--study", "budget")).ExitCode.ShouldBe(0);
        (await TrialsAsync(database)).Count.ShouldBe(3);

        dir.Write("study.yaml", Study.Replace("max_trials: 3", "max_trials: 5", StringComparison.Ordinal));
        CliResult raised = await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage);

        raised.ExitCode.ShouldBe(0, raised.ToString());
        raised.Output.ShouldContain("budget raised from 3 to 5 (3 trial(s) counted so far)");
        raised.Output.ShouldNotContain("unchanged");
        CliResult worker = await CliProcess.RunAsync(dir.Path, "worker", "--storage", storage, "--study", "budget");
        worker.ExitCode.ShouldBe(0, worker.ToString());
        worker.Output.ShouldContain("budget 5 trials");
        IReadOnlyList<FrozenTrial> trials = await TrialsAsync(database);
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, 5));
        trials.ShouldAllBe(t => t.State == TrialState.Complete);

        CliResult again = await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage);
        again.Output.ShouldContain("unchanged", Case.Sensitive, again.ToString());
    }

    [Fact]
    public async Task CreateStudy_MaxTrialsBelowTheCountedTrials_IsRefusedAndKeepsTheBudget()
    {
        using var dir = new TempDirectory();
        dir.Write("go", "");
        string config = dir.Write("study.yaml", Study);
        string database = Path.Combine(dir.Path, "budget.db");
        string storage = $"sqlite:///{database}";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);
        (await CliProcess.RunAsync(dir.Path, "worker", "--storage", storage, "--study", "budget")).ExitCode.ShouldBe(0);

        string lower = dir.Write("lower.yaml", Study.Replace("max_trials: 3", "max_trials: 2", StringComparison.Ordinal));
        CliResult refused = await CliProcess.RunAsync(dir.Path, "create-study", "--config", lower, "--storage", storage);

        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.Error.ShouldContain("error: cannot lower the budget of study 'budget' from 3 to 2 trials: 3 trial(s) already count toward it");
        refused.Error.ShouldContain("the stored budget is unchanged");
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).Output.ShouldContain("unchanged");
    }

    [Fact]
    public async Task RunningWorker_BudgetRaisedMeanwhile_CarriesOnToTheNewBudget()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study.Replace("max_trials: 3", "max_trials: 1", StringComparison.Ordinal));
        string database = Path.Combine(dir.Path, "budget.db");
        string storage = $"sqlite:///{database}";
        (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).ExitCode.ShouldBe(0);

        using Process worker = CliProcess.Start(dir.Path, "worker", "--storage", storage, "--study", "budget");
        Task<string> output = worker.StandardOutput.ReadToEndAsync();
        Task<string> error = worker.StandardError.ReadToEndAsync();
        try
        {
            // The worker's only trial waits for 'go': raise the budget while it runs, then let it finish.
            await WaitUntilAsync(async () => (await TrialsAsync(database)).Any(t => t.State == TrialState.Running), TimeSpan.FromSeconds(60));
            dir.Write("study.yaml", Study);
            (await CliProcess.RunAsync(dir.Path, "create-study", "--config", config, "--storage", storage)).Output.ShouldContain("budget raised from 1 to 3");
            dir.Write("go", "");

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await worker.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
            }
        }

        worker.ExitCode.ShouldBe(0, await error);
        (await output).ShouldContain("the study's budget was raised to 3 trials: continuing.");
        IReadOnlyList<FrozenTrial> trials = await TrialsAsync(database);
        trials.Count.ShouldBe(3);
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
    }

    private static async Task<IReadOnlyList<FrozenTrial>> TrialsAsync(string database)
    {
        if (!File.Exists(database))
        {
            return [];
        }

        await using SqliteStorage storage = SqliteStorage.Open(database);
        return await storage.FindStudyAsync("budget") is { } record ? await storage.GetTrialsAsync(record.StudyId) : [];
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
