using Vernier.Importance.PedAnova;

namespace Vernier.Tests.Importance.PedAnova;

public class ScottParzenEstimatorTests
{
    private static readonly double[] Grid = [.. Enumerable.Range(0, 50).Select(k => (k + 0.5) / 50)];

    [Fact]
    public void NumericMasses_SumToOne_AndArePositiveEverywhere()
    {
        double[] masses = ScottParzenEstimator.NumericMasses([0.1, 0.12, 0.5, 0.9], Grid, 0.02, 1.0);

        masses.Sum().ShouldBe(1, 1e-12);
        masses.ShouldAllBe(m => m > 0);
    }

    [Fact]
    public void NumericMasses_PeakWhereTheValuesAre()
    {
        double[] masses = ScottParzenEstimator.NumericMasses([0.29, 0.3, 0.28, 0.29], Grid, 0.02, 1.0);

        Array.IndexOf(masses, masses.Max()).ShouldBe(14); // the bin centred on 0.29
    }

    [Fact]
    public void CategoricalMasses_AreCountsPlusTheSharedPrior()
    {
        double[] masses = ScottParzenEstimator.CategoricalMasses([0, 0, 1], 4, 1.0);

        masses.ShouldBe([2.25 / 4, 1.25 / 4, 0.25 / 4, 0.25 / 4], tolerance: 1e-12);
    }

    [Fact]
    public void ScottBandwidth_FollowsTheRule_AndIsZeroWithoutSpread()
    {
        double[] values = [0, 0.25, 0.5, 0.75, 1];
        double sigma = Math.Sqrt(0.625 / 4);
        double iqr = 0.5 / 1.34;

        ScottParzenEstimator.ScottBandwidth(values).ShouldBe(1.059 * Math.Min(sigma, iqr) * Math.Pow(5, -0.2), 1e-12);
        ScottParzenEstimator.ScottBandwidth([0.4, 0.4, 0.4]).ShouldBe(0);
        ScottParzenEstimator.ScottBandwidth([0.4]).ShouldBe(0);
    }

    [Fact]
    public void PearsonDivergence_IsZeroForEqualMasses_AndGrowsWithTheDifference()
    {
        double[] uniform = [0.25, 0.25, 0.25, 0.25];

        ScottParzenEstimator.PearsonDivergence(uniform, uniform).ShouldBe(0);
        ScottParzenEstimator.PearsonDivergence([0.5, 0.5, 0, 0], uniform).ShouldBe(1, 1e-12);
        ScottParzenEstimator.PearsonDivergence([1, 0, 0, 0], uniform).ShouldBe(3, 1e-12);
    }
}
