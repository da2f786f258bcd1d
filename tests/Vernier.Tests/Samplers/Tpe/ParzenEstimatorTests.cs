using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Samplers.Tpe;

namespace Vernier.Tests.Samplers.Tpe;

public class ParzenEstimatorTests
{
    private static ParzenEstimator Univariate(ParameterDistribution distribution, double[] internalValues, double priorWeight = 1.0, bool considerEndpoints = false)
    {
        ParzenDimension dimension = ParzenDimension.For(distribution);
        double[] working = [.. internalValues.Select(dimension.ToWorking)];
        double[] weights = [.. internalValues.Select(_ => 1.0)];
        return new ParzenEstimator([dimension], [working], weights, priorWeight, considerEndpoints, multivariate: false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogPdf_ContinuousFloat_IntegratesToOneOverTheRange(bool log)
    {
        var distribution = log ? new FloatDistribution(0.01, 10, log: true) : new FloatDistribution(-2, 3);
        ParzenEstimator estimator = Univariate(distribution, log ? [0.02, 0.5, 0.6, 9] : [-1.9, 0.1, 0.2, 2.5]);
        ParzenDimension dimension = ParzenDimension.For(distribution);

        // Integrate over the working coordinates (the logarithm on a log scale) by the midpoint rule.
        const int cells = 20000;
        double width = (dimension.High - dimension.Low) / cells;
        double[] points = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            double w = dimension.Low + (i + 0.5) * width;
            points[i] = log ? Math.Exp(w) : w;
        }

        double integral = estimator.LogPdf([points]).Sum(l => Math.Exp(l)) * width;
        integral.ShouldBe(1.0, 1e-3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogPdf_Integers_MassesOfTheGridSumToOne(bool log)
    {
        var distribution = log ? new IntDistribution(1, 40, log: true) : new IntDistribution(0, 12, step: 3);
        ParzenEstimator estimator = Univariate(distribution, log ? [1, 2, 30] : [0, 3, 3, 12]);
        double[] grid = log ? [.. Enumerable.Range(1, 40).Select(i => (double)i)] : [0, 3, 6, 9, 12];

        estimator.LogPdf([grid]).Sum(l => Math.Exp(l)).ShouldBe(1.0, 1e-6);
    }

    [Fact]
    public void LogPdf_SteppedFloat_MassesOfTheGridSumToOneAndFavourObservedValues()
    {
        var distribution = new FloatDistribution(0, 1, step: 0.1);
        ParzenEstimator estimator = Univariate(distribution, [0.3, 0.3, 0.4]);
        double[] grid = [.. Enumerable.Range(0, 11).Select(i => distribution.Clamp(i * 0.1))];
        double[] masses = [.. estimator.LogPdf([grid]).Select(Math.Exp)];

        masses.Sum().ShouldBe(1.0, 1e-6);
        Array.IndexOf(masses, masses.Max()).ShouldBe(3);
    }

    [Fact]
    public void LogPdf_SteppedNormal_MassesOfItsValuesSumToOneAndFavourTheObservedSide()
    {
        // Modelled by unit positions: the values within ±3 std, each owning its cell's positions.
        var distribution = new NormalDistribution(0, 1, step: 0.5);
        ParzenEstimator estimator = Univariate(distribution, [1.5, 1.5, 2]);
        double[] values = [.. Enumerable.Range(-6, 13).Select(k => k * 0.5)];
        double[] masses = [.. estimator.LogPdf([values]).Select(Math.Exp)];

        masses.Sum().ShouldBe(1.0, 1e-6);
        // Cells narrow away from the mean, so with few observations the mass leans towards it; the observed side wins.
        masses[Array.IndexOf(values, 1.5)].ShouldBeGreaterThan(5 * masses[Array.IndexOf(values, -1.5)]);
        masses[Array.IndexOf(values, 2.0)].ShouldBeGreaterThan(5 * masses[Array.IndexOf(values, -2.0)]);
    }

    [Fact]
    public void Dimension_SteppedNormalFarInTheTail_StillOwnsANonEmptyCell()
    {
        ParzenDimension dimension = ParzenDimension.For(new NormalDistribution(0, 1, step: 0.001));
        (double lo, double hi) = dimension.Cell(40);
        hi.ShouldBeGreaterThan(lo);
        dimension.ToWorking(0).ShouldBe(0.5, 1e-12);
        dimension.ToInternal(0.5).ShouldBe(0);
    }

    [Fact]
    public void LogPdf_ManyObservations_StillIntegratesToOne()
    {
        // Thousands of kernels: the density visits only those near the point; nothing of weight may be lost.
        var random = new RandomStream(5);
        double[] values = [.. Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? random.NextDouble(-2, 3) : 0.5 + 0.01 * random.NextGaussian())];
        var distribution = new FloatDistribution(-2, 3);
        ParzenEstimator estimator = Univariate(distribution, [.. values.Select(v => Math.Clamp(v, -2, 3))]);

        const int cells = 50000;
        double width = 5.0 / cells;
        double[] points = [.. Enumerable.Range(0, cells).Select(i => -2 + (i + 0.5) * width)];
        (estimator.LogPdf([points]).Sum(Math.Exp) * width).ShouldBe(1.0, 1e-3);

        var integers = new IntDistribution(0, 400);
        ParzenEstimator discrete = Univariate(integers, [.. Enumerable.Range(0, 3000).Select(i => (double)(i % 5 == 0 ? i % 401 : 200 + i % 7))]);
        discrete.LogPdf([[.. Enumerable.Range(0, 401).Select(i => (double)i)]]).Sum(Math.Exp).ShouldBe(1.0, 1e-4);
    }

    [Fact]
    public void LogPdf_OneDimension_MatchesTheFullMixtureSum()
    {
        // The one-dimensional density visits only nearby kernels; it must agree with summing every kernel.
        var random = new RandomStream(9);
        double[] values = [.. Enumerable.Range(0, 2000).Select(i => i % 4 == 0 ? random.NextDouble(0, 10) : Math.Clamp(7 + 0.05 * random.NextGaussian(), 0, 10))];
        ParzenEstimator estimator = Univariate(new FloatDistribution(0, 10), values);
        double[] mu = estimator.Means(0), sigma = estimator.Bandwidths(0);
        double[] points = [.. Enumerable.Range(0, 201).Select(i => i * 0.05)];
        double[] fast = estimator.LogPdf([points]);

        for (int p = 0; p < points.Length; p++)
        {
            double density = 0;
            for (int k = 0; k < mu.Length; k++)
            {
                double z = (points[p] - mu[k]) / sigma[k];
                double mass = Math.Exp(TruncatedNormal.LogMass((0 - mu[k]) / sigma[k], (10 - mu[k]) / sigma[k]));
                density += Math.Exp(-0.5 * z * z) / (sigma[k] * Math.Sqrt(2 * Math.PI) * mass) / mu.Length;
            }

            fast[p].ShouldBe(Math.Log(density), 1e-9, $"at {points[p]}");
        }
    }

    [Fact]
    public void LogPdf_Categorical_IsSmoothedFrequencyAndSumsToOne()
    {
        var distribution = new CategoricalDistribution(["a", "b", "c"]);
        ParzenEstimator estimator = Univariate(distribution, [0, 0, 1]);
        double[] p = [.. estimator.LogPdf([[0, 1, 2]]).Select(Math.Exp)];

        p.Sum().ShouldBe(1.0, 1e-12);
        p[0].ShouldBeGreaterThan(p[1]);
        p[1].ShouldBeGreaterThan(p[2]);
        p[2].ShouldBeGreaterThan(0);
    }

    [Fact]
    public void LogPdf_NoObservations_IsThePriorAlone()
    {
        ParzenEstimator estimator = Univariate(new CategoricalDistribution(["a", "b", "c", "d"]), []);
        estimator.KernelCount.ShouldBe(1);
        estimator.LogPdf([[0, 3]]).ShouldAllBe(l => Math.Abs(l - Math.Log(0.25)) < 1e-12);
    }

    [Fact]
    public void Bandwidths_AreClippedToTheMagicRange()
    {
        var distribution = new FloatDistribution(0, 10);
        ParzenEstimator estimator = Univariate(distribution, [5, 5, 5, 5.0000001, 0.1]);
        double[] sigma = estimator.Bandwidths(0);

        sigma[^1].ShouldBe(10); // the prior's
        sigma.ShouldAllBe(s => s >= 10.0 / 7 - 1e-12 && s <= 10);
    }

    [Fact]
    public void Sample_MultivariateMixedSpace_StaysInsideEveryDistribution()
    {
        ParameterDistribution[] distributions =
        [
            new FloatDistribution(-3, 3),
            new FloatDistribution(1e-5, 1e-1, log: true),
            new FloatDistribution(0, 0.5, step: 0.1),
            new IntDistribution(8, 512, log: true),
            new IntDistribution(16, 128, step: 16),
            new CategoricalDistribution(["relu", "tanh", "gelu"]),
        ];
        ParzenDimension[] dimensions = [.. distributions.Select(ParzenDimension.For)];
        double[][] observed =
        [
            [-3, 0, 3], [1e-5, 1e-3, 1e-1], [0, 0.2, 0.5], [8, 100, 512], [16, 64, 128], [0, 1, 2],
        ];
        double[][] working = [.. observed.Select((column, j) => column.Select(dimensions[j].ToWorking).ToArray())];
        var estimator = new ParzenEstimator(dimensions, working, [1, 1, 1], 1.0, considerEndpoints: true, multivariate: true);

        double[][] samples = estimator.Sample(new RandomStream(11), 500);
        for (int j = 0; j < distributions.Length; j++)
        {
            samples[j].ShouldAllBe(v => distributions[j].Contains(v), $"dimension {j}");
        }

        estimator.LogPdf(samples).ShouldAllBe(l => double.IsFinite(l));
    }
}
