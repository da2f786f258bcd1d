using Vernier.Samplers.GaussianProcess;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class GaussianProcessRegressorTests
{
    private static readonly double[] X = [0.1, 0.2, 0.4, 0.9, 0.7, 0.5, 0.95, 0.05, 0.3, 0.6];
    private static readonly double[] Y = [1.0, -0.5, 0.3, 2.0, -1.2];

    private static GaussianProcessRegressor NoiselessModel() =>
        GaussianProcessRegressor.Fit(new MaternKernel([3.0, 5.0], 1.5, KernelHyperparameters.NoiseFloor, [false, false]), X, Y);

    [Fact]
    public void Posterior_NoiselessObservations_InterpolatesTrainingPoints()
    {
        GaussianProcessRegressor model = NoiselessModel();
        var scratch = new double[2 * model.Count];
        for (int i = 0; i < Y.Length; i++)
        {
            (double mean, double variance) = model.Predict(X.AsSpan(2 * i, 2), scratch);
            mean.ShouldBe(Y[i], 1e-4);
            variance.ShouldBeLessThan(1e-4);
        }

        // Far from the data the variance returns to the prior's.
        (double farMean, double farVariance) = model.Predict([-20.0, 30.0], scratch);
        farVariance.ShouldBe(1.5, 1e-6);
        farMean.ShouldBe(0, 1e-6);
    }

    [Fact]
    public void PredictBatch_AgreesWithOnePointAtATime()
    {
        GaussianProcessRegressor model = NoiselessModel();
        var scratch = new double[2 * model.Count];
        const int count = 37;
        var points = new double[count * 2];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = (Math.Sin(i * 1.7) + 1) / 2;
        }

        var means = new double[count];
        var variances = new double[count];
        model.PredictBatch(points, means, variances);
        for (int c = 0; c < count; c++)
        {
            (double mean, double variance) = model.Predict(points.AsSpan(2 * c, 2), scratch);
            means[c].ShouldBe(mean, 1e-12);
            variances[c].ShouldBe(variance, 1e-12);
        }
    }

    [Fact]
    public void PredictWithGradient_MatchesFiniteDifferences()
    {
        GaussianProcessRegressor model = NoiselessModel();
        var scratch = new double[2 * model.Count];
        double[] point = [0.33, 0.61];
        var meanGradient = new double[2];
        var varianceGradient = new double[2];
        (double mean, double variance) = model.PredictWithGradient(point, meanGradient, varianceGradient, scratch);
        (double plainMean, double plainVariance) = model.Predict(point, scratch);
        mean.ShouldBe(plainMean, 1e-12);
        variance.ShouldBe(plainVariance, 1e-12);
        for (int d = 0; d < 2; d++)
        {
            const double h = 1e-6;
            double[] plus = (double[])point.Clone();
            double[] minus = (double[])point.Clone();
            plus[d] += h;
            minus[d] -= h;
            (double mp, double vp) = model.Predict(plus, scratch);
            (double mm, double vm) = model.Predict(minus, scratch);
            meanGradient[d].ShouldBe((mp - mm) / (2 * h), 1e-5);
            varianceGradient[d].ShouldBe((vp - vm) / (2 * h), 1e-5);
        }
    }
}
