using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;
using Vernier.SearchSpaces;

namespace Vernier.Tests.SearchSpaces;

public class UnitScaleTests
{
    public static TheoryData<ParameterDistribution> Numeric => new()
    {
        new FloatDistribution(-3, 3),
        new FloatDistribution(1e-5, 1e-1, log: true),
        new FloatDistribution(0, 0.5, step: 0.1),
        new IntDistribution(1, 6),
        new IntDistribution(8, 512, log: true),
        new IntDistribution(16, 128, step: 16),
    };

    [Theory]
    [MemberData(nameof(Numeric))]
    public void FromUnit_AnyPosition_GivesAValueTheDistributionContains(ParameterDistribution distribution)
    {
        Prop.ForAll(Gen.Choose(-100, 1100).Select(i => i / 1000.0).ToArbitrary(), unit => distribution.Contains(UnitScale.FromUnit(distribution, unit)))
            .QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Numeric))]
    public void ToUnitThenFromUnit_ReturnsTheSameValue(ParameterDistribution distribution)
    {
        foreach (double u in new[] { 0.0, 0.13, 0.5, 0.77, 1.0 })
        {
            double value = UnitScale.FromUnit(distribution, u);
            double back = UnitScale.FromUnit(distribution, UnitScale.ToUnit(distribution, value));
            back.ShouldBe(value, (1 + Math.Abs(value)) * 1e-12);
        }
    }

    [Fact]
    public void Integers_EachGetAnEqualShareOfTheUnitInterval()
    {
        var dice = new IntDistribution(1, 6);
        UnitScale.CellWidth(dice).ShouldBe(1.0 / 6, 1e-12);
        Enumerable.Range(0, 6).Select(k => UnitScale.FromUnit(dice, (k + 0.5) / 6)).ShouldBe([1.0, 2, 3, 4, 5, 6]);
        UnitScale.ToUnit(dice, 1).ShouldBe(1.0 / 12, 1e-12);
    }

    [Fact]
    public void LogScale_TheEndsAreTheBoundsExactly()
    {
        var lr = new FloatDistribution(1e-6, 0.1, log: true);
        UnitScale.FromUnit(lr, 0).ShouldBe(1e-6);
        UnitScale.FromUnit(lr, -0.2).ShouldBe(1e-6);
        UnitScale.FromUnit(lr, 1).ShouldBe(0.1);
    }

    [Fact]
    public void LogScale_MapsTheGeometricMidpointToTheMiddle()
    {
        UnitScale.ToUnit(new FloatDistribution(1e-4, 1, log: true), 1e-2).ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void Categorical_IsRejectedWithAClearError()
    {
        Should.Throw<ArgumentException>(() => UnitScale.ToUnit(new CategoricalDistribution(["a", "b"]), 0)).Message.ShouldStartWith("categorical[a, b] is not numeric.");
    }
}
