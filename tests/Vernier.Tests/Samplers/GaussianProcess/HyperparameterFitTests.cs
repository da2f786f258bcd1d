using Vernier.Randomness;
using Vernier.Samplers.GaussianProcess;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class HyperparameterFitTests
{
    private static (double[] X, double[] Y) Data(int n, bool[] categorical, ulong seed)
    {
        var random = new RandomStream(seed);
        int dim = categorical.Length;
        var x = new double[n * dim];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < dim; d++)
            {
                x[(i * dim) + d] = categorical[d] ? random.NextInt64(3) : random.NextDouble();
            }

            y[i] = Math.Sin(6 * x[i * dim]) + (0.3 * x[(i * dim) + dim - 1]) + (0.05 * random.NextGaussian());
        }

        Observations.Standardize(y);
        return (x, y);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogMarginalLikelihoodGradient_MatchesFiniteDifferences(bool fitNoise)
    {
        bool[] categorical = [false, false, true];
        (double[] x, double[] y) = Data(25, categorical, 11);
        var space = new KernelHyperparameters(categorical, fitNoise);
        double[] theta = space.DefaultTheta();
        theta[0] = 1.3;
        theta[1] = -0.4;
        theta[2] = 0.2;
        theta[3] = 0.3;
        if (fitNoise)
        {
            theta[4] = -3;
        }

        var gradient = new double[space.Length];
        HyperparameterFit.LogMarginalLikelihood(space, theta, x, y, gradient);
        var scratch = new double[space.Length];
        for (int i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            double[] plus = (double[])theta.Clone();
            double[] minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (HyperparameterFit.LogMarginalLikelihood(space, plus, x, y, scratch) -
                              HyperparameterFit.LogMarginalLikelihood(space, minus, x, y, scratch)) / (2 * h);
            gradient[i].ShouldBe(numeric, 1e-5 * Math.Max(1, Math.Abs(numeric)), $"coordinate {i}");
        }
    }

    [Fact]
    public void LogMarginalLikelihood_MatchesTheDirectFormula()
    {
        bool[] categorical = [false, true];
        (double[] x, double[] y) = Data(6, categorical, 5);
        var space = new KernelHyperparameters(categorical, fitNoise: true);
        double[] theta = [0.5, -0.2, 0.1, -2];
        MaternKernel kernel = space.ToKernel(theta);
        int n = y.Length;
        double[] k = kernel.TrainingMatrix(x, n);
        double[] l = (double[])k.Clone();
        DenseLinearAlgebra.CholeskyInPlace(l, n).ShouldBeTrue();
        double[] inverse = DenseLinearAlgebra.InverseFromCholesky(l, n);
        double quadratic = 0;
        double logDeterminant = 0;
        for (int i = 0; i < n; i++)
        {
            logDeterminant += 2 * Math.Log(l[(i * n) + i]);
            for (int j = 0; j < n; j++)
            {
                quadratic += y[i] * inverse[(i * n) + j] * y[j];
            }
        }

        double expected = (-0.5 * quadratic) - (0.5 * logDeterminant) - (0.5 * n * Math.Log(2 * Math.PI));
        HyperparameterFit.LogMarginalLikelihood(space, theta, x, y, new double[4]).ShouldBe(expected, 1e-9);
    }

    [Fact]
    public void NegativeLogPosteriorGradient_MatchesFiniteDifferences()
    {
        bool[] categorical = [false, false];
        (double[] x, double[] y) = Data(15, categorical, 2);
        var space = new KernelHyperparameters(categorical, fitNoise: true);
        double[] theta = [0.7, 2.0, -0.3, -4];
        var gradient = new double[4];
        HyperparameterFit.NegativeLogPosterior(space, theta, x, y, gradient);
        var scratch = new double[4];
        for (int i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            double[] plus = (double[])theta.Clone();
            double[] minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (HyperparameterFit.NegativeLogPosterior(space, plus, x, y, scratch) -
                              HyperparameterFit.NegativeLogPosterior(space, minus, x, y, scratch)) / (2 * h);
            gradient[i].ShouldBe(numeric, 1e-5 * Math.Max(1, Math.Abs(numeric)), $"coordinate {i}");
        }
    }

    [Fact]
    public void Fit_ImprovesThePosteriorAndLearnsThatAnIrrelevantInputIsFlat()
    {
        // y depends on input 0 only; input 1 is noise-free irrelevant.
        var random = new RandomStream(4);
        const int n = 40;
        var x = new double[n * 2];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = random.NextDouble();
            x[(2 * i) + 1] = random.NextDouble();
            y[i] = Math.Sin(8 * x[2 * i]);
        }

        Observations.Standardize(y);
        var space = new KernelHyperparameters([false, false], fitNoise: true);
        double[] initial = space.DefaultTheta();
        double[] fitted = HyperparameterFit.Fit(space, initial, x, y, maxIterations: 100);
        var scratch = new double[space.Length];
        HyperparameterFit.NegativeLogPosterior(space, fitted, x, y, scratch)
            .ShouldBeLessThan(HyperparameterFit.NegativeLogPosterior(space, initial, x, y, scratch));
        fitted[0].ShouldBeGreaterThan(fitted[1] + 1, "the relevant input should get a much shorter length scale");
    }
}
