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
        new NormalDistribution(0.1, 1),
        new NormalDistribution(-3, 1.5, log: true),
        new NormalDistribution(5, 2, step: 0.5),
        new NormalDistribution(-3, 1.5, log: true, step: 0.01),
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

    /// <summary>The unit position of a prior probability: the interval stands for the prior within ±3 standard deviations.</summary>
    private static double Truncated(double p) => (p - 0.0013498980316300946) / (1 - (2 * 0.0013498980316300946));

    [Fact]
    public void Normal_MapsThroughItsDistributionFunction()
    {
        var d = new NormalDistribution(2, 0.5);
        UnitScale.IsNumeric(d).ShouldBeTrue();
        UnitScale.ToUnit(d, 2).ShouldBe(0.5, 1e-15);
        UnitScale.ToUnit(d, 2 + (0.5 * 1.959963984540054)).ShouldBe(Truncated(0.975), 1e-12);
        UnitScale.FromUnit(d, Truncated(0.025)).ShouldBe(2 - (0.5 * 1.959963984540054), 1e-9);
        UnitScale.CellWidth(d).ShouldBe(0);
    }

    [Fact]
    public void Normal_TheEndsOfTheUnitIntervalAreThreeStandardDeviationsOut()
    {
        var d = new NormalDistribution(0, 1);
        UnitScale.FromUnit(d, 0).ShouldBe(-3, 1e-9);
        UnitScale.FromUnit(d, -5).ShouldBe(-3, 1e-9);
        UnitScale.FromUnit(d, 1).ShouldBe(3, 1e-9);
        UnitScale.FromUnit(d, double.NaN).ShouldBe(0, 1e-12);
        UnitScale.ToUnit(d, 1e300).ShouldBe(1);
        UnitScale.ToUnit(d, -3.5).ShouldBe(0);
    }

    [Fact]
    public void LogNormal_MapsTheLogarithm_AndNonPositiveValuesToZero()
    {
        var d = new NormalDistribution(Math.Log(0.01), 2, log: true);
        UnitScale.ToUnit(d, 0.01).ShouldBe(0.5, 1e-12);
        UnitScale.FromUnit(d, 0.5).ShouldBe(0.01, 1e-15);
        UnitScale.ToUnit(d, 0).ShouldBe(0);
    }

    [Fact]
    public void SteppedNormal_CellsFollowTheDensity_WidestAtTheMedian()
    {
        var d = new NormalDistribution(0, 1, step: 1);
        double centre = UnitScale.ToUnit(d, 0.5) - UnitScale.ToUnit(d, -0.5);
        UnitScale.CellWidth(d).ShouldBe(centre, 1e-12);
        centre.ShouldBe(Truncated(0.3829249225480262 + 0.0013498980316300946), 1e-9);
        UnitScale.FromUnit(d, UnitScale.ToUnit(d, 0.49)).ShouldBe(0);
        UnitScale.FromUnit(d, UnitScale.ToUnit(d, 0.51)).ShouldBe(1);
        UnitScale.FromUnit(d, 0.99).ShouldBe(2);
        UnitScale.FromUnit(d, 1).ShouldBe(3);
        UnitScale.ToUnit(d, 3 + 0.5).ShouldBe(1); // the last value's cell reaches the end
    }

    [Fact]
    public void Categorical_IsRejectedWithAClearError()
    {
        Should.Throw<ArgumentException>(() => UnitScale.ToUnit(new CategoricalDistribution(["a", "b"]), 0)).Message.ShouldStartWith("categorical[a, b] is not numeric.");
    }
}
