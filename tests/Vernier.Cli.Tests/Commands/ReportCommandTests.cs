using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Tests.Commands;

public class ReportCommandTests
{
    [Fact]
    public async Task Report_WritesOneOfflinePageWithEverySection()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 12);
        string file = Path.Combine(dir.Path, "report.html");

        (int exit, _, string error) = await RunAsync("report", "--storage", storage, "--study", "mlp", "--output", file);

        exit.ShouldBe(0, error);
        error.ShouldContain("wrote the report of study 'mlp' (12 trial(s))");
        string html = await File.ReadAllTextAsync(file);
        html.ShouldContain("<title>Study report: mlp</title>");
        html.ShouldContain("<tr><th>Trials</th><td>12: 10 complete, 1 pruned, 1 failed</td></tr>");
        html.ShouldContain($"<tr><th>Storage</th><td>{storage}</td></tr>");
        html.ShouldContain("<h2 id=\"best\">Best trial</h2>");
        html.ShouldContain("measured by ped-anova from 10 complete trials");
        html.ShouldContain("Optimization history: mlp");
        html.ShouldContain("Intermediate values: mlp");
        html.ShouldContain("Timeline: mlp");
        html.ShouldNotContain("<script src");
    }

    [Fact]
    public async Task Report_WithTheStudyFile_ShowsItsSamplerPrunerAndMetricNames()
    {
        using var dir = new TempDirectory();
        await SampleStudies.CreateSqliteAsync(dir, "demo", 6);
        string config = dir.Write("study.yaml", """
            name: demo
            storage: sqlite:///plots.db
            space:
              - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
            strategy: { name: tpe, seed: 9, n_startup_trials: 4 }
            pruner: { name: median, n_warmup_steps: 1 }
            objective: { command: [bash, -c, 'echo "METRIC loss={lr}"'], pass_parameters: none, metric: loss }
            """);
        string file = Path.Combine(dir.Path, "r.html");

        (int exit, _, string error) = await RunAsync("report", "-c", config, "-o", file, "--evaluator", "fanova");

        exit.ShouldBe(0, error);
        string html = await File.ReadAllTextAsync(file);
        html.ShouldContain("<tr><th>Sampler</th><td>tpe (n_startup_trials=4), seed 9</td></tr>");
        html.ShouldContain("<tr><th>Pruner</th><td>median (n_warmup_steps=1)</td></tr>");
        html.ShouldContain("How much each parameter mattered to loss (minimize), measured by fanova");
    }

    [Fact]
    public async Task Report_OfAStudyCreatedWithItsDefinition_ShowsTheStoredSamplerAndBudget()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", """
            name: stored
            space:
              - { name: x, type: float, low: 0, high: 1 }
            strategy: { name: random, seed: 4 }
            pruner: { name: asha, reduction_factor: 4 }
            objective: { command: [bash, -c, 'echo "METRIC acc={x}"'], pass_parameters: none, metric: acc, direction: maximize }
            max_trials: 7
            """);
        string storage = $"sqlite:///{dir.Path}/stored.db";
        (int created, _, string createError) = await RunAsync("create-study", "--config", config, "--storage", storage);
        created.ShouldBe(0, createError);
        string file = Path.Combine(dir.Path, "r.html");

        (int exit, _, string error) = await RunAsync("report", "--storage", storage, "--study", "stored", "-o", file);

        exit.ShouldBe(0, error);
        string html = await File.ReadAllTextAsync(file);
        html.ShouldContain("<tr><th>Direction</th><td>acc: maximize</td></tr>");
        html.ShouldContain("<tr><th>Sampler</th><td>random, seed 4</td></tr>");
        html.ShouldContain("<tr><th>Pruner</th><td>asha (reduction_factor=4)</td></tr>");
        html.ShouldContain("<tr><th>Trial budget</th><td>7</td></tr>");
        html.ShouldContain($"<tr><th>Study file</th><td>{config}</td></tr>");
    }

    [Fact]
    public async Task Report_AnEmptyStudy_WritesAPageThatSaysSo()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "empty", 0);
        string file = Path.Combine(dir.Path, "empty.html");

        (int exit, _, string error) = await RunAsync("report", "--storage", storage, "--study", "empty", "-o", file);

        exit.ShouldBe(0, error);
        error.ShouldContain("warning: study 'empty' has no trials yet");
        (await File.ReadAllTextAsync(file)).ShouldContain("has no trials yet: there is no best trial, importance or plot to show.");
    }

    [Fact]
    public async Task Report_AMissingStudy_IsAnErrorAndWritesNothing()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 2);
        string file = Path.Combine(dir.Path, "x.html");

        (int exit, _, string error) = await RunAsync("report", "--storage", storage, "--study", "nope", "--output", file);

        exit.ShouldBe(1);
        error.ShouldContain("no study named 'nope'");
        error.ShouldContain("mlp");
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Report_BadOptions_AreErrorsNamingThem()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 4);
        string file = Path.Combine(dir.Path, "x.html");

        (int evaluator, _, string evaluatorError) = await RunAsync("report", "--storage", storage, "--study", "mlp", "--evaluator", "shap", "-o", file);
        (int objective, _, string objectiveError) = await RunAsync("report", "--storage", storage, "--study", "mlp", "--objective", "1", "-o", file);

        evaluator.ShouldBe(2);
        evaluatorError.ShouldContain("unknown importance evaluator 'shap'");
        objective.ShouldBe(2);
        objectiveError.ShouldContain("objective 1 does not exist");
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Report_TheReadmeCommand_WorksAsWritten()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(CliProcess.RepositoryRoot, "README.md"));
        string command = System.Text.RegularExpressions.Regex.Match(readme, "`vernier (report [^`]+)`").Groups[1].Value;
        string[] args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        args.ShouldContain("sqlite:///artifacts/quickstart/quickstart.db");
        args.ShouldContain("digits-mlp");
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "digits-mlp", 4);
        string file = Path.Combine(dir.Path, "report.html");

        (int exit, _, string error) = await RunAsync([.. args.Select(a => a == "sqlite:///artifacts/quickstart/quickstart.db" ? storage : a == "report.html" ? file : a)]);

        exit.ShouldBe(0, error);
        (await File.ReadAllTextAsync(file)).ShouldContain("<title>Study report: digits-mlp</title>");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
