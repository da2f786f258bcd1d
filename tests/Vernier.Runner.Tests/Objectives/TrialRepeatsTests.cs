using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public sealed class TrialRepeatsTests
{
    [Theory]
    [InlineData(RunAggregate.Mean, 2.5)]
    [InlineData(RunAggregate.Median, 2.5)]
    [InlineData(RunAggregate.Min, 1.0)]
    [InlineData(RunAggregate.Max, 4.0)]
    public void Combine_FourValues_GivesTheAggregate(RunAggregate aggregate, double expected) =>
        TrialRepeats.Combine(aggregate, [4.0, 1.0, 3.0, 2.0]).ShouldBe(expected);

    [Fact]
    public void Combine_MedianOfAnOddCount_IsTheMiddleValue() => TrialRepeats.Combine(RunAggregate.Median, [10.0, -1.0, 3.0]).ShouldBe(3.0);

    [Fact]
    public void SeedsFor_NoSeedsAndOneRun_GivesNone() => new TrialRepeats().SeedsFor(1, 0).ShouldBeNull();

    [Fact]
    public void SeedsFor_ListedSeeds_GivesThemWhateverTheTrial()
    {
        var repeats = new TrialRepeats { Count = 3, Seeds = [7, 8, 9] };

        repeats.SeedsFor(1, 0).ShouldBe([7L, 8, 9]);
        repeats.SeedsFor(2, 5).ShouldBe([7L, 8, 9]);
    }

    [Fact]
    public void SeedsFor_Generated_AreReproducibleDistinctPerTrialAndInt32Range()
    {
        var repeats = new TrialRepeats { Count = 4, GenerateSeeds = true };

        IReadOnlyList<long> first = repeats.SeedsFor(42, 3)!;

        first.Count.ShouldBe(4);
        repeats.SeedsFor(42, 3).ShouldBe(first);
        first.Distinct().Count().ShouldBe(4);
        first.ShouldAllBe(s => s >= 0 && s <= int.MaxValue);
        repeats.SeedsFor(42, 4).ShouldNotBe(first);
        repeats.SeedsFor(43, 3).ShouldNotBe(first);
    }

    [Fact]
    public void SeedsFor_MoreRuns_KeepsTheSeedsOfTheFirstRuns()
    {
        IReadOnlyList<long> two = new TrialRepeats { Count = 2 }.SeedsFor(9, 1)!;
        IReadOnlyList<long> five = new TrialRepeats { Count = 5 }.SeedsFor(9, 1)!;

        five.Take(2).ShouldBe(two);
    }

    [Fact]
    public void SeedsFor_GenerateWithOneRun_GivesOneSeed() => new TrialRepeats { GenerateSeeds = true }.SeedsFor(1, 0)!.Count.ShouldBe(1);

    [Theory]
    [InlineData(0, "repeats must be between 1 and 1000, got 0.")]
    [InlineData(2, "seeds lists 3 seed(s) for 2 repeat(s); give one seed per run.")]
    public void Validate_BadValues_NameTheKey(int count, string expected)
    {
        var repeats = new TrialRepeats { Count = count, Seeds = count == 2 ? [1, 2, 3] : [] };

        Should.Throw<ArgumentException>(repeats.Validate).Message.ShouldBe(expected);
    }
}
