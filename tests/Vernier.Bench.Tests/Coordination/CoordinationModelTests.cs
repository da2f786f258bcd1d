using Vernier.Bench.Coordination;
using Vernier.Bench.Results;

namespace Vernier.Bench.Tests.Coordination;

public class CoordinationModelTests
{
    private static readonly MachineInfo Machine = new(2, "cpu", "linux", ".NET 10", DateTimeOffset.UnixEpoch, "3.1.0", "/usr/bin/python3");

    [Fact]
    public void ServerUrl_NeitherOptionNorVariable_FailsSayingHowToGiveOne()
    {
        var error = Should.Throw<ArgumentException>(() => CoordinationModel.ServerUrl(null, " "));

        error.Message.ShouldContain("--postgres");
        error.Message.ShouldContain("VERNIER_TEST_POSTGRES");
    }

    [Fact]
    public void ServerUrl_OptionGiven_WinsOverTheVariable()
    {
        CoordinationModel.ServerUrl("postgresql://a@h/db", "postgresql://b@h/db").ShouldBe("postgresql://a@h/db");
        CoordinationModel.ServerUrl(null, "postgresql://b@h/db").ShouldBe("postgresql://b@h/db");
    }

    [Fact]
    public void VernierUrl_AddsTheBenchmarkSchemaUnlessOneIsNamed()
    {
        CoordinationModel.VernierUrl("postgresql://u@h:5/db").ShouldBe("postgresql://u@h:5/db?schema=vernier_coordination");
        CoordinationModel.VernierUrl("postgresql://u@h/db?sslmode=disable").ShouldBe("postgresql://u@h/db?sslmode=disable&schema=vernier_coordination");
        CoordinationModel.VernierUrl("postgresql://u@h/db?schema=mine").ShouldBe("postgresql://u@h/db?schema=mine");
    }

    [Fact]
    public void Redact_HidesThePassword()
    {
        CoordinationModel.Redact("postgresql://ada:secret@db:5432/studies").ShouldBe("postgresql://ada:***@db:5432/studies");
        CoordinationModel.Redact("postgresql://ada@db/studies").ShouldBe("postgresql://ada@db/studies");
    }

    [Theory]
    [InlineData(200, 1, 200)]
    [InlineData(200, 4, 200)]
    [InlineData(200, 16, 800)]
    [InlineData(500, 16, 2000)]
    [InlineData(10, 4, 12)]
    public void Budget_GrowsWithWorkersAboveFourAndDividesEvenly(int baseTrials, int workers, int expected)
    {
        int budget = CoordinationModel.Budget(baseTrials, workers);

        budget.ShouldBe(expected);
        (budget % workers).ShouldBe(0);
    }

    [Fact]
    public void ParseCount_ReadsTheScriptsCounts()
    {
        CoordinationModel.ParseCount("""{"total": 803, "complete": 800, "running": 1}""" + "\n").ShouldBe((803, 800, 1));
    }

    [Fact]
    public void Row_SleepingObjective_OverheadIsWallTimesWorkersPerTrialMinusTheSleep()
    {
        var row = new CoordinationRow("vernier", "sleep20ms", Workers: 4, Budget: 200, Trials: 200, Seconds: 1.25, Error: null);

        row.TrialsPerSecond.ShouldBe(160, 1e-9);
        row.IdealTrialsPerSecond.ShouldNotBeNull().ShouldBe(200, 1e-9);
        row.AchievedOfIdeal.ShouldNotBeNull().ShouldBe(0.8, 1e-9);
        row.OverheadMilliseconds.ShouldBe(5.0, 1e-9); // 1.25 s × 4 / 200 = 25 ms, less the 20 ms sleep
    }

    [Fact]
    public void Row_TrivialObjective_HasNoIdealAndAllTimeIsOverhead()
    {
        var row = new CoordinationRow("optuna", "trivial", Workers: 1, Budget: 500, Trials: 500, Seconds: 10, Error: null);

        row.IdealTrialsPerSecond.ShouldBeNull();
        row.OverheadMilliseconds.ShouldBe(20, 1e-9);
    }

    [Fact]
    public void Report_Targets_FollowTheRatiosAndTheSixteenWorkerThroughput()
    {
        CoordinationRow[] rows =
        [
            new("vernier", "sleep20ms", 16, 800, 800, 1.05, null), // 762 trials/s of 800: 95%; overhead 1 ms
            new("optuna", "sleep20ms", 16, 800, 800, 2.0, null), // overhead 20 ms
            new("vernier", "trivial", 16, 800, 800, 0.5, null), // overhead 10 ms
            new("optuna", "trivial", 16, 800, 800, 2.0, null), // overhead 40 ms: only 4× more
        ];
        var report = new CoordinationReport(Machine, "cmd", "postgresql://u@h/db", ["sleep20ms", "trivial"], [16], rows, null);

        report.ThroughputTargetMet.ShouldBe(true);
        report.OverheadRatios.Select(r => r.Ratio!.Value).ShouldBe([0.05, 0.25], tolerance: 1e-9);
        report.OverheadTargetMet.ShouldBe(false);
        string markdown = CoordinationModel.Markdown(report);
        markdown.ShouldContain("| sleep20ms | 16 | vernier | 800 | 800 | 1.05 | 761.9 | 95% | 1.00 | 1/20 |");
        markdown.ShouldContain("| trivial | 16 | optuna | 800 | 800 | 2.00 | 400.0 | — | 40.00 |  |");
        markdown.ShouldContain("ideal throughput: **met**");
        markdown.ShouldContain("every worker count: **NOT met**");
    }

    [Fact]
    public void Report_OneProcessRows_AreShownApartAndDoNotDecideTheTargets()
    {
        CoordinationRow[] rows =
        [
            new("vernier", "sleep20ms", 16, 800, 800, 1.25, null), // 640 trials/s: 80%
            new("optuna", "sleep20ms", 16, 800, 800, 20.0, null),
            new("vernier", "sleep20ms", 16, 800, 800, 1.05, null) { OneProcess = true }, // 95%
            new("optuna", "sleep20ms", 16, 800, 800, 10.0, null) { OneProcess = true },
        ];
        var report = new CoordinationReport(Machine, "cmd", "s", ["sleep20ms"], [16], rows, null, [16]);

        report.ThroughputTargetMet.ShouldBe(false);
        report.Find("vernier", "sleep20ms", 16, oneProcess: true)!.AchievedOfIdeal!.Value.ShouldBe(0.952, 1e-3);
        string markdown = CoordinationModel.Markdown(report);
        markdown.ShouldContain("| sleep20ms | 16 | vernier | 800 | 800 | 1.25 | 640.0 | 80% |");
        markdown.ShouldContain("| sleep20ms | 16 (1 process) | vernier | 800 | 800 | 1.05 | 761.9 | 95% | 1.00 | 1/180 |");
    }

    [Fact]
    public void Report_WithoutOptuna_LeavesTheOverheadTargetUnmeasured()
    {
        var report = new CoordinationReport(Machine, "cmd", "s", ["trivial"], [1],
            [new("vernier", "trivial", 1, 500, 0, 0, "a worker exited with 1: boom")], "skipped: no optuna");

        report.OverheadTargetMet.ShouldBeNull();
        report.ThroughputTargetMet.ShouldBeNull();
        CoordinationModel.Markdown(report).ShouldContain("failed: a worker exited with 1: boom");
    }

    [Fact]
    public void Overhead_WithTheObjectiveTimeTheWorkersMeasured_SubtractsThatInsteadOfTheNominalTime()
    {
        // 4 workers, 2 s of wall time, 200 trials: 40 ms of worker time per trial, of which 21 ms was spent sleeping.
        var row = new CoordinationRow("vernier", "sleep20ms", 4, 200, 200, 2.0, null) { ObjectiveSecondsMeasured = 200 * 0.021 };

        row.OverheadMilliseconds.ShouldBe(19.0, 1e-9);
        (row with { ObjectiveSecondsMeasured = null }).OverheadMilliseconds.ShouldBe(20.0, 1e-9);
    }

    [Theory]
    [InlineData("objective_seconds=4.25\n", 4.25)]
    [InlineData("noise\nobjective_seconds=0.5", 0.5)]
    [InlineData("nothing here", null)]
    public void ParseObjectiveSeconds_ReadsTheWorkersLastLine(string stdout, double? expected)
    {
        CoordinationModel.ParseObjectiveSeconds(stdout).ShouldBe(expected);
    }
}
