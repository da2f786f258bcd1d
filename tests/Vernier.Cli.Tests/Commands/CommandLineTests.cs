using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.Commands;

public class CommandLineTests
{
    private const string Study = """
        name: inproc
        space:
          - { name: x, type: float, low: 0, high: 1 }
        strategy: { name: random, seed: 5 }
        objective: { command: [bash, -c, 'echo "METRIC loss={x}"'], pass_parameters: none, metric: loss }
        max_trials: 3
        """;

    [Theory]
    [InlineData("search")]
    [InlineData("ask")]
    [InlineData("tell")]
    [InlineData("trials")]
    [InlineData("best")]
    [InlineData("importance")]
    [InlineData("export")]
    [InlineData("studies")]
    [InlineData("create-study")]
    [InlineData("worker")]
    [InlineData("serve")]
    public async Task Help_EveryCommand_DescribesItselfWithExamples(string command)
    {
        (int exit, string output, _) = await RunAsync(Directory.GetCurrentDirectory(), command, "--help");
        exit.ShouldBe(0);
        output.ShouldContain("Examples:");
        output.ShouldContain($"vernier {command}");
    }

    [Fact]
    public async Task Search_MalformedConfig_ExitsWithUsageErrorNamingFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study.Replace("max_trials: 3", "max_trails: 3", StringComparison.Ordinal));
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", Path.Combine(dir.Path, "study.yaml"));
        exit.ShouldBe(2);
        error.ShouldStartWith($"error: {Path.Combine(dir.Path, "study.yaml")}:6:1: unknown key 'max_trails'");
        error.ShouldContain("did you mean 'max_trials'?");
    }

    [Fact]
    public async Task Search_MissingConfigFile_SaysSo()
    {
        using var dir = new TempDirectory();
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", Path.Combine(dir.Path, "nope.yaml"));
        exit.ShouldBe(2);
        error.ShouldContain("nope.yaml does not exist.");
    }

    [Theory]
    [InlineData("--sampler", "bayes-magic", "--sampler 'bayes-magic' is not a sampler; choose one of random, grid, qmc, tpe, gp, cmaes, nsga2, auto, population (bayesian is another name for auto, pbt is another name for population).")]
    [InlineData("--pruner", "pbt", "--pruner 'pbt' is not a pruner; population based training chooses the parameters, so it is a strategy: write strategy: { name: population } (or --sampler population) and no pruner; choose one of none, median, percentile, patient, threshold, successive_halving, asha, hyperband, wilcoxon.")]
    [InlineData("--pruner", "medain", "--pruner 'medain' is not a pruner; choose one of none, median, percentile, patient, threshold, successive_halving, asha, hyperband, wilcoxon.")]
    [InlineData("--n-trials", "0", "--n-trials and --max-concurrent must be at least 1, and --timeout positive.")]
    [InlineData("--storage", "mysql://db", "unknown storage URL 'mysql://db'; use sqlite:///relative/path.db, sqlite:////absolute/path.db, postgresql://user@host/db or memory:.")]
    public async Task Search_BadOption_ExplainsWhatIsAllowed(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", config, option, value);
        exit.ShouldBe(2);
        error.Trim().ShouldBe($"error: {message}");
    }

    [Fact]
    public async Task Search_DryRun_ShowsCommandsAndWritesNothing()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        (int exit, string output, _) = await RunAsync(dir.Path, "search", "-c", config, "--storage", $"sqlite:///{dir.Path}/s.db", "--dry-run");
        exit.ShouldBe(0);
        output.ShouldContain("budget     3 trials (3 to run), max_concurrent 1");
        output.Split('\n').Count(l => l.StartsWith("trial ", StringComparison.Ordinal)).ShouldBe(3);
        output.ShouldContain("trial 0: bash -c 'echo \"METRIC loss=");
        File.Exists(Path.Combine(dir.Path, "s.db")).ShouldBeTrue(); // opening creates the file, but no study
        (int listed, string studies, _) = await RunAsync(dir.Path, "studies", "--storage", $"sqlite:///{dir.Path}/s.db");
        listed.ShouldBe(0);
        studies.ShouldContain("0 studies in");
    }

    [Fact]
    public async Task Search_DryRunWithFresh_IsRefusedBecauseItWouldWrite()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", config, "--dry-run", "--fresh");
        exit.ShouldBe(2);
        error.Trim().ShouldBe("error: --dry-run writes nothing, so it cannot be combined with --fresh or --resume.");
    }

    [Fact]
    public async Task Search_ExistingStudyWithAnotherSeed_IsAUsageErrorNotACrash()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        string storage = $"sqlite:///{dir.Path}/s.db";
        (await RunAsync(dir.Path, "search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"))).Exit.ShouldBe(0);
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", config, "--storage", storage, "--seed", "6");
        exit.ShouldBe(2);
        error.Trim().ShouldBe("error: study 'inproc' was created with seed 5, not 6; a study keeps its seed so that it can be reproduced. Use another study name.");
    }

    [Fact]
    public async Task Search_CommandWithUnknownPlaceholder_FailsBeforeAnyTrial()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study.Replace("loss={x}", "loss={y}", StringComparison.Ordinal));
        string storage = $"sqlite:///{dir.Path}/s.db";
        (int exit, _, string error) = await RunAsync(dir.Path, "search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"));
        exit.ShouldBe(1);
        error.Trim().ShouldBe("error: the command uses {y}, which is not a parameter; the parameters are x (plus the built-in {trial_number}, {trial_dir}, {checkpoint_dir}, {restore_from}, {start_step}, {end_step}, {config}).");
        (await RunAsync(dir.Path, "trials", "-c", config, "--storage", storage)).Output.ShouldContain("0 trial(s)");
    }

    [Fact]
    public async Task UnknownOption_IsAUsageError()
    {
        (int exit, _, string error) = await RunAsync(Directory.GetCurrentDirectory(), "trials", "--study-name", "s", "--colour", "red");
        exit.ShouldBe(2);
        error.ShouldContain("--colour");
    }

    [Fact]
    public async Task Tell_WithoutExactlyOneOutcome_IsRefused()
    {
        (int exit, _, string error) = await RunAsync(Directory.GetCurrentDirectory(), "tell", "--study-name", "s", "--trial", "0");
        exit.ShouldBe(2);
        error.Trim().ShouldBe("error: give exactly one of --value X (repeatable), --pruned, or --failed REASON.");
    }

    [Fact]
    public async Task ReadCommands_UnknownStudy_ListTheStudiesThatExist()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        string storage = $"sqlite:///{dir.Path}/s.db";
        (await RunAsync(dir.Path, "search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"))).Exit.ShouldBe(0);
        (int exit, _, string error) = await RunAsync(dir.Path, "trials", "--storage", storage, "--study-name", "other");
        exit.ShouldBe(1);
        error.Trim().ShouldBe($"error: no study named 'other' in {storage}; it holds: inproc.");
    }

    [Fact]
    public async Task ExportAndTrials_ShowEveryTrial()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study);
        string storage = $"sqlite:///{dir.Path}/s.db";
        (await RunAsync(dir.Path, "search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"))).Exit.ShouldBe(0);

        (_, string csv, _) = await RunAsync(dir.Path, "export", "-c", config, "--storage", storage, "--format", "csv");
        string[] rows = csv.Trim().Split('\n');
        rows[0].ShouldStartWith("number,state,value,x,metric_loss,last_step");
        rows.Length.ShouldBe(4);

        (_, string jsonl, _) = await RunAsync(dir.Path, "export", "-c", config, "--storage", storage, "--format", "jsonl");
        jsonl.Trim().Split('\n').Length.ShouldBe(3);

        (int bad, _, string badError) = await RunAsync(dir.Path, "export", "-c", config, "--storage", storage, "--format", "xml");
        bad.ShouldNotBe(0);
        badError.ShouldContain("xml");

        (_, string table, _) = await RunAsync(dir.Path, "trials", "-c", config, "--storage", storage, "--state", "complete");
        table.ShouldContain("3 trial(s) in study 'inproc'.");
        (int wrongState, _, string stateError) = await RunAsync(dir.Path, "trials", "-c", config, "--storage", storage, "--state", "done");
        wrongState.ShouldBe(2);
        stateError.ShouldContain("unknown trial state 'done'; expected waiting, running, complete, pruned or failed.");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string workingDirectory, params string[] args)
    {
        // In-process: the same entry point as the executable, with captured writers. Paths are absolute, so the
        // working directory only matters for defaults, which these tests do not rely on.
        _ = workingDirectory;
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
