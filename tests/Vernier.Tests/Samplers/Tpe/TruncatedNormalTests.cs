using Vernier.Randomness;
using Vernier.Samplers.Tpe;

namespace Vernier.Tests.Samplers.Tpe;

public class TruncatedNormalTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_MatchesReferenceValuesToSevenDigits(double x, double expected) =>
        (Math.Abs(TruncatedNormal.Erfc(x) - expected) / expected).ShouldBeLessThan(2e-7);

    [Fact]
    public void LogMass_FarTails_StaysFiniteAndAccurate()
    {
        // Φ(-40) − Φ(-41) ≈ φ(40)/40: finite where a naive difference underflows to 0.
        double expected = -0.5 * 40 * 40 - TruncatedNormal.LogSqrt2Pi - Math.Log(40);
        TruncatedNormal.LogMass(-41, -40).ShouldBe(expected, 0.01);
        TruncatedNormal.LogMass(40, 41).ShouldBe(expected, 0.01);
        TruncatedNormal.LogMass(-1, 1).ShouldBe(Math.Log(0.6826894921370859), 1e-6);
        TruncatedNormal.LogMass(1, 1).ShouldBe(double.NegativeInfinity);
    }

    [Fact]
    public void SampleStandard_StaysInsideTheInterval()
    {
        var random = new RandomStream(3);
        for (int i = 0; i < 2000; i++)
        {
            double z = TruncatedNormal.SampleStandard(random, -0.2, 0.9);
            z.ShouldBeInRange(-0.2, 0.9);
        }
    }

    [Fact]
    public void LogSumExp_HandlesInfinitiesAndLargeValues()
    {
        LogSumExp.Of([1000, 1000]).ShouldBe(1000 + Math.Log(2), 1e-9);
        LogSumExp.Of([double.NegativeInfinity, 0]).ShouldBe(0, 1e-12);
        LogSumExp.Of([double.NegativeInfinity]).ShouldBe(double.NegativeInfinity);
        LogSumExp.Of([]).ShouldBe(double.NegativeInfinity);
    }
}
