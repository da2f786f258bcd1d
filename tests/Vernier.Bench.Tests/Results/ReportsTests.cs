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

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1234.5678, "1235")]
    [InlineData(0.0012345, "0.00123")]
    [InlineData(4.440892098500626e-16, "4.44e-16")]
    [InlineData(2430243.0, "2.43e+6")]
    public void Num_ShowsThreeSignificantDigits(double value, string expected) => Reports.Num(value).ShouldBe(expected);
}
