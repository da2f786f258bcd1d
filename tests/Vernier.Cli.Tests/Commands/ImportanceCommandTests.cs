using System.Text.Json;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Tests.Commands;

public class ImportanceCommandTests
{
    /// <summary>A SQLite study of random trials over x, y, z in [0, 1], plus a failed one; returns its storage URL.</summary>
    private static async Task<string> StudyAsync(TempDirectory dir, Func<double, double, double, double[]> objective, int trials = 80, params StudyDirection[] directions)
    {
        string url = $"sqlite:///{dir.Path}/s.db";
        await using Study study = await Study.Builder("demo").UseSqlite(url)
            .WithDirections(directions.Length == 0 ? [StudyDirection.Minimize] : directions).WithSeed(3).CreateAsync();
        for (int i = 0; i < trials; i++)
        {
            Trial trial = await study.AskAsync();
            double x = trial.SuggestFloat("x", 0, 1), y = trial.SuggestFloat("y", 0, 1), z = trial.SuggestFloat("z", 0, 1);
            await study.TellAsync(trial, objective(x, y, z));
        }

        Trial failed = await study.AskAsync();
        failed.SuggestFloat("x", 0, 1);
        await study.TellFailedAsync(failed.Number, "boom");
        return url;
    }

    [Fact]
    public async Task Table_RanksTheDominantParameterFirst_WithBarsAndTrialCounts()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [(10 * x) + y]);

        (int exit, string output, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo");

        exit.ShouldBe(0, error);
        string[] rows = [.. output.Split('\n').Where(l => l.TrimStart().StartsWith('1') || l.TrimStart().StartsWith('2') || l.TrimStart().StartsWith('3'))];
        rows.Length.ShouldBe(3);
        string[] first = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        first[1].ShouldBe("x");
        first[3].ShouldMatch("^█+$");
        first[4].ShouldBe("80");
        output.ShouldContain("ped-anova importance for minimize in study 'demo', from 80 complete trial(s).");
    }

    [Fact]
    public async Task Json_PrintsNamesAndImportancesMostImportantFirst()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [(10 * x) + y]);

        (int exit, string output, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo", "--json", "--params", "y, x");

        exit.ShouldBe(0, error);
        JsonElement[] entries = [.. JsonDocument.Parse(output).RootElement.EnumerateArray()];
        entries.Select(e => e.GetProperty("name").GetString()).ShouldBe(["x", "y"]);
        entries.Sum(e => e.GetProperty("importance").GetDouble()).ShouldBe(1, 1e-9);
    }

    [Fact]
    public async Task Fanova_RanksTheDominantParameterFirstAndTheUnusedOneLast()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [(10 * x) + y]);

        (int exit, string output, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo", "--evaluator", "fanova", "--seed", "4", "--json");

        exit.ShouldBe(0, error);
        JsonElement[] entries = [.. JsonDocument.Parse(output).RootElement.EnumerateArray()];
        entries.Select(e => e.GetProperty("name").GetString()).ShouldBe(["x", "y", "z"]);
    }

    [Fact]
    public async Task Config_NamesTheStudyAndItsStorage()
    {
        using var dir = new TempDirectory();
        await StudyAsync(dir, (x, y, z) => [(10 * x) + y]);
        string config = dir.Write("study.yaml", """
            name: demo
            storage: sqlite:///s.db
            space:
              - { name: x, type: float, low: 0, high: 1 }
            objective: { command: [bash, -c, 'echo "METRIC loss={x}"'], pass_parameters: none, metric: loss }
            """);

        (int exit, string output, string error) = await RunAsync("importance", "--config", config, "--json");

        exit.ShouldBe(0, error);
        JsonDocument.Parse(output).RootElement[0].GetProperty("name").GetString().ShouldBe("x");
    }

    [Fact]
    public async Task Objective_RanksForTheChosenObjective()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [x, z], 80, StudyDirection.Minimize, StudyDirection.Minimize);

        (int exit, string output, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo", "--objective", "1", "--json");

        exit.ShouldBe(0, error);
        JsonDocument.Parse(output).RootElement[0].GetProperty("name").GetString().ShouldBe("z");
    }

    [Fact]
    public async Task TooFewTrials_PrintsZerosAndANote()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [x], trials: 2);

        (int exit, string output, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo");

        exit.ShouldBe(0, error);
        output.ShouldContain("note: every importance is 0");
    }

    [Theory]
    [InlineData(new[] { "--study", "nope" }, 1, "error: no study named 'nope'")]
    [InlineData(new[] { "--study", "demo", "--evaluator", "magic" }, 2, "error: unknown importance evaluator 'magic'; known evaluators: ped-anova")]
    [InlineData(new[] { "--study", "demo", "--objective", "1" }, 2, "error: --objective 1 is out of range: study 'demo' has 1 objective(s), numbered from 0.")]
    [InlineData(new[] { "--study", "demo", "--params", "x,w" }, 2, "error: unknown parameter 'w': the study's parameters are x, y, z.")]
    public async Task BadInput_IsOneErrorLine_AndANonZeroExit(string[] args, int code, string message)
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [x], trials: 5);

        (int exit, string output, string error) = await RunAsync(["importance", "--storage", storage, .. args]);

        exit.ShouldBe(code);
        error.Trim().Split('\n').Length.ShouldBe(1);
        error.ShouldStartWith(message);
        output.ShouldBeEmpty();
    }

    [Fact]
    public async Task NoCompleteTrials_IsAnError()
    {
        using var dir = new TempDirectory();
        string storage = await StudyAsync(dir, (x, y, z) => [x], trials: 0);

        (int exit, _, string error) = await RunAsync("importance", "--storage", storage, "--study", "demo");

        exit.ShouldBe(1);
        error.Trim().ShouldBe("error: study 'demo' has no complete trial with a finite value; importance needs finished trials.");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
