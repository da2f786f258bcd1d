using Vernier.Cli.Commands;
using Vernier.Cli.Tests.Support;
using Vernier.Trials;

namespace Vernier.Cli.Tests.Commands;

public class TrialsCommandTests
{
    // Three trials; each prints the intermediate values 3, 2, 1.5 at steps 0, 1, 2, then the final value x.
    private const string Study = """
        name: steps
        space:
          - { name: x, type: float, low: 1, high: 2 }
        strategy: { name: random, seed: 5 }
        objective:
          command: [bash, -c, 'printf "METRIC step=0 loss=3\nMETRIC step=1 loss=2\nMETRIC step=2 loss=1.5\n"; echo "METRIC loss={x}"']
          pass_parameters: none
          metric: loss
        max_trials: 3
        """;

    [Fact]
    public async Task Table_ShowsTheLastStepAndItsIntermediateValue()
    {
        using var dir = new TempDirectory();
        (string config, string storage) = await RunStudyAsync(dir);

        (int exit, string table, _) = await RunAsync("trials", "-c", config, "--storage", storage);

        exit.ShouldBe(0);
        table.ShouldContain("intermediate");
        string row = table.Split('\n').First(l => l.TrimStart().StartsWith("0 ", StringComparison.Ordinal));
        string[] cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        cells[4].ShouldBe("2"); // last step
        cells[5].ShouldBe("1.5"); // its value
    }

    [Fact]
    public async Task Table_RunNames_GetANameColumn_AndSearchPrintsThem()
    {
        using var dir = new TempDirectory();
        (string config, string storage) = await RunStudyAsync(dir, Study + "\nrun: { name: \"x{x}-t{trial_number}\" }\n");

        (int exit, string table, _) = await RunAsync("trials", "-c", config, "--storage", storage);

        exit.ShouldBe(0);
        string[] header = table.Split('\n').First(l => l.Contains("state", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        header[..3].ShouldBe(["#", "name", "state"]);
        string row = table.Split('\n').First(l => l.TrimStart().StartsWith("2 ", StringComparison.Ordinal));
        string name = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        name.ShouldStartWith("x1.");
        name.ShouldEndWith("-t2");
        File.ReadAllText(Path.Combine(dir.Path, "runs", "runs.csv")).ShouldContain("-t2");
    }

    [Fact]
    public async Task Trial_ShowsStateValueParametersAndEveryIntermediateValue()
    {
        using var dir = new TempDirectory();
        (string config, string storage) = await RunStudyAsync(dir);

        (int exit, string detail, string error) = await RunAsync("trials", "-c", config, "--storage", storage, "--trial", "1");

        exit.ShouldBe(0, error);
        string[] lines = detail.Split('\n').Select(l => l.TrimEnd()).ToArray();
        lines[0].ShouldBe("trial 1 of study 'steps'");
        lines.ShouldContain(l => l.StartsWith("state ", StringComparison.Ordinal) && l.EndsWith(" complete", StringComparison.Ordinal));
        string value = lines.First(l => l.StartsWith("value ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        lines.ShouldContain($"  x  {value}");
        lines.ShouldContain("intermediate values: 3 step(s), min 1.5, max 3, last 1.5 at step 2");
        lines.ShouldContain("  █▃▁");
        string table = string.Join("\n", lines.SkipWhile(l => l != "  step  value"));
        table.ShouldBe("  step  value\n     0  3\n     1  2\n     2  1.5\n");
    }

    [Fact]
    public async Task Trial_UnknownNumber_NamesItAndTheStudysRange()
    {
        using var dir = new TempDirectory();
        (string config, string storage) = await RunStudyAsync(dir);

        (int exit, _, string error) = await RunAsync("trials", "-c", config, "--storage", storage, "--trial", "7");

        exit.ShouldBe(1);
        error.Trim().ShouldBe("error: no trial 7 in study 'steps': its trials are numbered 0 to 2.");
    }

    [Fact]
    public async Task Trial_WithStateOrLast_IsAUsageError()
    {
        using var dir = new TempDirectory();
        (string config, string storage) = await RunStudyAsync(dir);

        (int exit, _, string error) = await RunAsync("trials", "-c", config, "--storage", storage, "--trial", "0", "--last", "2");

        exit.ShouldBe(2);
        error.Trim().ShouldBe("error: --trial shows one trial; it cannot be combined with --state or --last.");
    }

    [Fact]
    public void Write_FailedTrialWithoutSteps_ShowsTheWholeReasonAligned()
    {
        var trial = new FrozenTrial { TrialId = 1, Number = 4, State = TrialState.Failed, FailReason = "exited with code 1; last lines of stderr:\n  boom" };
        var output = new StringWriter();

        TrialDetail.Write(output, "demo", multiObjective: false, trial);

        output.ToString().ReplaceLineEndings("\n").ShouldBe("""
            trial 4 of study 'demo'
            state   failed
            reason  exited with code 1; last lines of stderr:
                      boom

            parameters
              (none)

            intermediate values: none reported

            """);
    }

    [Theory]
    [InlineData(new[] { 3.0, 2.0, 1.0 }, "█▅▁")]
    [InlineData(new[] { 1.0, 1.0 }, "▅▅")]
    [InlineData(new[] { 0.0, double.NaN, 7.0 }, "▁·█")]
    public void Sparkline_ScalesFromTheSmallestToTheLargestFiniteValue(double[] values, string expected) =>
        TrialDetail.Sparkline(values).ShouldBe(expected);

    [Fact]
    public void Sparkline_LongHistory_IsCappedAndEndsWithTheLastValue()
    {
        double[] values = [.. Enumerable.Range(0, 1000).Select(i => (double)i)];
        string line = TrialDetail.Sparkline(values);
        line.Length.ShouldBe(TrialDetail.MaxSparklineWidth);
        line[^1].ShouldBe('█');
    }

    [Fact]
    public async Task Trial_PlacedOnADevice_ShowsItsDevices()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("study.yaml", Study + "\nresource: { devices: [7, 9], max_concurrent: 3 }\n");
        string storage = $"sqlite:///{dir.Path}/s.db";
        (int ran, _, string note) = await RunAsync("search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"));
        ran.ShouldBe(0, note);
        note.ShouldContain("note: 2 trials fit at a time, so with max_concurrent 3 the others wait for a free device.");

        (int exit, string detail, string error) = await RunAsync("trials", "-c", config, "--storage", storage, "--trial", "0");

        exit.ShouldBe(0, error);
        detail.Split('\n').ShouldContain(l => l.StartsWith("  devices ", StringComparison.Ordinal) && (l.EndsWith("[\"7\"]", StringComparison.Ordinal) || l.EndsWith("[\"9\"]", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rows_LongHistory_KeepsTheFirstAndLastStep()
    {
        int[] rows = TrialDetail.Rows(1000);
        rows.Length.ShouldBe(TrialDetail.MaxStepRows);
        rows[0].ShouldBe(0);
        rows[^1].ShouldBe(999);
        TrialDetail.Rows(3).ShouldBe([0, 1, 2]);
    }

    private static async Task<(string Config, string Storage)> RunStudyAsync(TempDirectory dir, string study = Study)
    {
        string config = dir.Write("study.yaml", study);
        string storage = $"sqlite:///{dir.Path}/s.db";
        (int exit, _, string error) = await RunAsync("search", "-c", config, "--storage", storage, "--output-dir", Path.Combine(dir.Path, "runs"));
        exit.ShouldBe(0, error);
        return (config, storage);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
