using MathNet.Numerics;
using Vernier.Samplers.GaussianProcess;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class LogExpectedImprovementTests
{
    private static double DirectH(double z) => LogExpectedImprovement.Phi(z) + (z * 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2)));

    [Fact]
    public void LogH_MatchesLogOfDirectFormula_WhereRepresentable()
    {
        for (double z = -20; z <= 8; z += 0.137)
        {
            double direct = DirectH(z);
            if (direct > 1e-280)
            {
                LogExpectedImprovement.LogH(z).ShouldBe(Math.Log(direct), 1e-8 * Math.Max(1, Math.Abs(Math.Log(direct))), $"z = {z}");
            }
        }
    }

    [Fact]
    public void LogH_VeryNegative_IsFiniteAndMonotone()
    {
        double previous = double.NegativeInfinity;
        for (double z = -1e8; z < -0.5; z = z < -2 ? z / 1.3 : z + 0.1)
        {
            double value = LogExpectedImprovement.LogH(z);
            double.IsFinite(value).ShouldBeTrue($"z = {z}");
            value.ShouldBeGreaterThan(previous, $"z = {z}");
            previous = value;
        }

        // Asymptotically h(z) ≈ φ(z)/z².
        double far = -1e4;
        LogExpectedImprovement.LogH(far).ShouldBe((-0.5 * far * far) - (0.5 * Math.Log(2 * Math.PI)) - (2 * Math.Log(-far)), 1e-6);
    }

    [Fact]
    public void Value_IsLogOfSigmaTimesH()
    {
        double ei = 0.7 * DirectH((1.0 - 0.4) / 0.7);
        LogExpectedImprovement.Value(0.4, 0.7, 1.0).ShouldBe(Math.Log(ei), 1e-10);
    }

    [Theory]
    [InlineData(0.2, 0.5)]
    [InlineData(3.0, 0.3)]
    [InlineData(40.0, 0.1)]
    [InlineData(-1.0, 2.0)]
    public void Derivatives_MatchFiniteDifferences(double mean, double sd)
    {
        const double incumbent = 0;
        (double value, double dMean, double dSd) = LogExpectedImprovement.ValueAndDerivatives(mean, sd, incumbent);
        value.ShouldBe(LogExpectedImprovement.Value(mean, sd, incumbent), 1e-12);
        double h = 1e-6;
        double numericMean = (LogExpectedImprovement.Value(mean + h, sd, incumbent) - LogExpectedImprovement.Value(mean - h, sd, incumbent)) / (2 * h);
        double numericSd = (LogExpectedImprovement.Value(mean, sd + h, incumbent) - LogExpectedImprovement.Value(mean, sd - h, incumbent)) / (2 * h);
        dMean.ShouldBe(numericMean, 1e-4 * Math.Max(1, Math.Abs(numericMean)));
        dSd.ShouldBe(numericSd, 1e-4 * Math.Max(1, Math.Abs(numericSd)));
    }

    [Fact]
    public void LogCdf_MatchesDirectAndStaysFiniteInTheTail()
    {
        for (double z = -30; z <= 5; z += 0.25)
        {
            double direct = 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));
            LogExpectedImprovement.LogCdf(z).ShouldBe(Math.Log(direct), 1e-9 * Math.Max(1, Math.Abs(Math.Log(direct))), $"z = {z}");
        }

        double.IsFinite(LogExpectedImprovement.LogCdf(-1e5)).ShouldBeTrue();
        LogExpectedImprovement.LogCdf(-1e5).ShouldBeLessThan(LogExpectedImprovement.LogCdf(-1e4));
        double g = LogExpectedImprovement.LogCdfDerivative(-12);
        double numeric = (LogExpectedImprovement.LogCdf(-12 + 1e-6) - LogExpectedImprovement.LogCdf(-12 - 1e-6)) / 2e-6;
        g.ShouldBe(numeric, 1e-4 * Math.Abs(numeric));
    }

    [Fact]
    public void Erfcx_MatchesDefinitionAndAsymptote()
    {
        foreach (double x in new[] { 0.0, 0.5, 3.0, 9.9, 10.0, 20.0 })
        {
            LogExpectedImprovement.Erfcx(x).ShouldBe(Math.Exp(x * x) * SpecialFunctions.Erfc(x), 1e-12 * Math.Max(1, LogExpectedImprovement.Erfcx(x)) * 100);
        }

        (LogExpectedImprovement.Erfcx(1e6) * 1e6 * Math.Sqrt(Math.PI)).ShouldBe(1, 1e-10);
    }
}
