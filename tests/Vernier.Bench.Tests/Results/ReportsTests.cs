using Vernier.Bench.Results;

namespace Vernier.Bench.Tests.Results;

public class ReportsTests
{
    private static readonly MachineInfo Machine = new(2, "cpu", "os", ".NET", DateTimeOffset.UnixEpoch, "3.1.0", "/usr/bin/python3");

    private static RegretCell Cell(string sampler, double median) =>
        new(sampler, "ackley", [new BudgetRegret(50, median, median, median, [median])], 1.0, null);

    private static RegretReport Report() => new(
        Machine, "regret", [0UL], [50], 2,
        [new FunctionInfo("ackley", "ackley", 0.0, [], new Dictionary<string, double>())],
        [Cell("random", 4.0), Cell("tpe", 2.0)], 1.0,
        [Cell("random", 8.0), Cell("tpe", 1.0), Cell("qmc-unscrambled", 0.0)], 2.0, null);

    [Fact]
    public void Regret_OptunasBest_IgnoresUnscrambledQmc()
    {
        string md = Reports.Regret(Report());

        md.ShouldContain("| ackley | tpe | 2 [2–2] ◆ | 1 [1–1] ★ | 2.00 |");
        md.ShouldContain("| ackley | random | 4 [4–4] | 8 [8–8] | 0.50 |");
        md.ShouldContain("| ackley | qmc-unscrambled | — | 0 [0–0] | — |");
    }

    [Fact]
    public void Save_OneCommandAfterTheOther_KeepsBothSections()
    {
        string directory = Path.Combine(Path.GetTempPath(), "vernier-bench-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            Reports.Save(directory, Report(), null);
            var timing = new TimingReport(Machine, "timing", 0, [new TimingRange(1, 100, null)],
                [new TimingCell("random", "hartmann6", 100, [new TimingRange(1, 100, 0.5, 0.25)], null)], null, null, null);

            Reports.Save(directory, null, timing);

            string md = File.ReadAllText(Path.Combine(directory, "latest.md"));
            md.ShouldContain("## Regret");
            md.ShouldContain("## Sampler time per trial");
            md.ShouldContain("| hartmann6 | random | 1–100 | 0.500 (0.250) | — | — |");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static PruningCell Pruning(string pruner, double steps, double best, double pruned) =>
        new(pruner, [new PruningRun(0, 100, (long)steps, (int)(100 * pruned), best, 1.0)], new Quartiles(steps, steps, steps), new Quartiles(best, best, best), pruned, 1.0, null);

    private static PruningReport PruningReport() => new(
        Machine, "pruning", "tpe", "hpo_surrogate", [0UL, 1UL], 100, 50, "auto", 2,
        [Pruning("none", 5000, 0.04, 0), Pruning("median", 2800, 0.03, 0.47), Pruning("hyperband", 2200, 0.03, 0.67)], 1.0,
        [Pruning("none", 5000, 0.07, 0), Pruning("median", 2900, 0.06, 0.45), Pruning("hyperband", 1600, 0.17, 0.8)], 2.0, null,
        [Pruning("median", 700, 0.7, 0.5)], [Pruning("median", 720, 0.7, 0.5)]);

    [Fact]
    public void Pruning_EachPruner_ShowsBothSidesAndTheTarget()
    {
        string md = Reports.Pruning(PruningReport());

        md.ShouldContain("| median | 2800 [2800–2800] | 2900 [2900–2900] | 0.03 [0.03–0.03] | 0.06 [0.06–0.06] | 47 % | 45 % | met |");
        md.ShouldContain("| hyperband | 2200 [2200–2200] | 1600 [1600–1600] | 0.03 [0.03–0.03] | 0.17 [0.17–0.17] | 67 % | 80 % | missed |");
        md.ShouldContain("max_resource` = auto on both sides");
        md.ShouldContain("| median | 700 [700–700] | 720 [720–720] | 0.7 [0.7–0.7] | 0.7 [0.7–0.7] | 50 % | 50 % | met |");
    }

    [Fact]
    public void BestAtOtherSteps_UsesVerniersTrialsCompletedWithinOptunasStepsForTheSameSeed()
    {
        PruningRun V(ulong seed, params double[][] completions) => new(seed, 3, 150, 0, completions.Min(c => c[1]), 0.0, completions);
        PruningRun O(ulong seed, long steps) => new(seed, 3, steps, 1, 1.0, 0.0, []);
        var vernier = new PruningCell("median", [V(0, [50, 3.0], [100, 1.0]), V(1, [50, 2.0], [150, 0.5]), V(2, [60, 4.0])], null, null, null, 0.0, null);
        var optuna = new PruningCell("median", [O(0, 99), O(1, 150), O(2, 50)], null, null, null, 0.0, null);

        Reports.BestAtOtherSteps(vernier, optuna).ShouldBe(3.0); // seeds: 3.0, 0.5, nothing yet (∞)
    }

    [Fact]
    public void SavePruning_WritesItsOwnFilesAndLeavesLatestAlone()
    {
        string directory = Path.Combine(Path.GetTempPath(), "vernier-bench-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            Reports.SavePruning(directory, PruningReport());

            File.Exists(Path.Combine(directory, "latest.json")).ShouldBeFalse();
            File.ReadAllText(Path.Combine(directory, "pruning.md")).ShouldContain("| none | 5000 [5000–5000] |");
            File.ReadAllText(Path.Combine(directory, "pruning.json")).ShouldContain("\"hyperband_max_resource\": \"auto\"");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1234.5678, "1235")]
    [InlineData(0.0012345, "0.00123")]
    [InlineData(4.440892098500626e-16, "4.44e-16")]
    [InlineData(2430243.0, "2.43e+6")]
    public void Num_ShowsThreeSignificantDigits(double value, string expected) => Reports.Num(value).ShouldBe(expected);
}
