using Vernier.Bench.Quickstart;
using Vernier.Bench.Results;

namespace Vernier.Bench.Tests.Quickstart;

public class QuickstartPruningTests
{
    [Fact]
    public void Parse_None_IsNoPruner() => QuickstartPruning.Parse("none").ShouldBeNull();

    [Fact]
    public void Parse_Asha_HasTheDefaults()
    {
        var options = QuickstartPruning.Parse("asha")!;
        options.MinResource.ShouldBeNull();
        options.ReductionFactor.ShouldBe(4);
        QuickstartPruning.Describe(options).ShouldBe("SuccessiveHalvingPruner(min_resource=auto, reduction_factor=4)");
    }

    [Fact]
    public void Trials_TakesTheTPartElseTheDefault()
    {
        QuickstartPruning.Trials("asha-r2-t60", 30).ShouldBe(60);
        QuickstartPruning.Trials("none-t45", 30).ShouldBe(45);
        QuickstartPruning.Trials("asha-eta3", 30).ShouldBe(30);
        QuickstartPruning.Parse("none-t60").ShouldBeNull();
        QuickstartPruning.Parse("asha-t60")!.ReductionFactor.ShouldBe(4);
    }

    [Fact]
    public void Parse_Variant_SetsEachOption()
    {
        var options = QuickstartPruning.Parse("asha-r2-eta3-s1-b2")!;
        (options.MinResource, options.ReductionFactor, options.MinEarlyStoppingRate, options.BootstrapCount).ShouldBe((2L, 3, 1, 2));
    }

    [Theory]
    [InlineData("median", "unknown pruner configuration 'median'")]
    [InlineData("asha-x2", "'x2' in pruner configuration 'asha-x2'")]
    [InlineData("asha-eta", "'eta' in pruner configuration 'asha-eta'")]
    [InlineData("asha-eta1", "reduction_factor must be at least 2")]
    [InlineData("none-r2", "without a pruner only tN")]
    [InlineData("asha-t0", "'t0' in pruner configuration")]
    public void Parse_Malformed_SaysWhatIsWrong(string name, string message) =>
        Should.Throw<ArgumentException>(() => QuickstartPruning.Parse(name)).Message.ShouldContain(message);

    [Fact]
    public void Report_MeetsTarget_NeedsTwiceLessTimeAndAtMostHalfAPointLessAccuracy()
    {
        QuickstartPruning.Configuration Config(string name, double seconds, double accuracy) =>
            new(name, name, 30, [new QuickstartPruning.Run(42, 30, 0, 0, 600, seconds, seconds, seconds, 20, accuracy, 0)]);
        var baseline = Config("none", 100, 0.980);
        var good = Config("asha", 40, 0.976);
        var slow = Config("asha-eta3", 60, 0.980);
        var worse = Config("asha-r2", 30, 0.970);
        var longer = Config("asha-t60", 40, 0.980) with { Trials = 60 };
        var machine = new MachineInfo(2, "cpu", "os", ".NET", DateTimeOffset.UnixEpoch, null, null);
        var report = new QuickstartPruning.Report(machine, "cmd", 30, 20, [42], [baseline, good, slow, worse, longer]);

        report.MeetsTarget(baseline).ShouldBeFalse();
        report.MeetsTarget(good).ShouldBeTrue();
        report.MeetsTarget(slow).ShouldBeFalse();
        report.MeetsTarget(worse).ShouldBeFalse();
        report.MeetsTarget(longer).ShouldBeFalse(); // another question: what the time saved buys
        report.Recommended.ShouldBe(good);
        QuickstartPruning.Markdown(report).ShouldContain("Meets the target: **asha**");
    }
}
