using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// Fits the kernel's hyperparameters by maximum a posteriori: the log marginal likelihood
/// (Rasmussen &amp; Williams 2006, eq. 2.30 and its gradient eq. 5.9) plus the log priors of
/// <see cref="KernelHyperparameters"/>, maximized with MathNet's L-BFGS from a warm start.
/// </summary>
internal static class HyperparameterFit
{
    private const double PenaltyWeight = 10;
    private const double Sqrt5 = 2.2360679774997896964;

    /// <summary>
    /// The log marginal likelihood log p(y | X, θ) of standardized outputs under a zero-mean GP,
    /// with its gradient with respect to θ written to <paramref name="gradient"/>. Returns
    /// <see cref="double.NaN"/> when the covariance is not positive definite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogMarginalLikelihood(KernelHyperparameters space, ReadOnlySpan<double> theta, double[] x, double[] y, Span<double> gradient)
    {
        int n = y.Length;
        MaternKernel kernel = space.ToKernel(theta);
        int dim = kernel.Dimension;
        double signal = kernel.SignalVariance;

        // One pass over the pairs: K (lower triangle of factor) and, for the gradient, σ² f(s)
        // (upper triangle of pairs) and σ² df/ds (lower triangle of pairs).
        var factor = new double[n * n];
        var pairs = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * dim, dim);
            for (int j = 0; j < i; j++)
            {
                double s = kernel.SquaredDistance(xi, x.AsSpan(j * dim, dim));
                double r = Math.Sqrt(s);
                double e = Math.Exp(-Sqrt5 * r);
                double k = signal * (1 + (Sqrt5 * r) + (5.0 / 3.0 * s)) * e;
                factor[(i * n) + j] = k;
                pairs[(j * n) + i] = k;
                pairs[(i * n) + j] = signal * (-5.0 / 6.0) * (1 + (Sqrt5 * r)) * e;
            }

            factor[(i * n) + i] = signal + kernel.NoiseVariance;
        }

        if (!DenseLinearAlgebra.CholeskyInPlace(factor, n))
        {
            return double.NaN;
        }

        double[] alpha = (double[])y.Clone();
        DenseLinearAlgebra.SolveLower(factor, n, alpha);
        double fit = DenseLinearAlgebra.Dot(alpha, alpha);
        DenseLinearAlgebra.SolveLowerTransposed(factor, n, alpha);
        double logDeterminant = 0;
        for (int i = 0; i < n; i++)
        {
            logDeterminant += Math.Log(factor[(i * n) + i]);
        }

        double logLikelihood = (-0.5 * fit) - logDeterminant - (0.5 * n * Math.Log(2 * Math.PI));

        // ∂/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j); W is symmetric, so sum the lower triangle twice.
        double[] inverse = DenseLinearAlgebra.InverseFromCholesky(factor, n);
        gradient.Clear();
        double[] lambda = kernel.InverseSquaredLengthScales;
        bool[] categorical = kernel.Categorical;
        double signalGradient = 0;
        double noiseGradient = 0;
        Span<double> lengthGradient = gradient[..dim];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * dim, dim);
            for (int j = 0; j < i; j++)
            {
                ReadOnlySpan<double> xj = x.AsSpan(j * dim, dim);
                double w = (alpha[i] * alpha[j]) - inverse[(i * n) + j];
                signalGradient += 2 * w * pairs[(j * n) + i];
                double c = 2 * w * pairs[(i * n) + j];
                for (int d = 0; d < dim; d++)
                {
                    double delta = categorical[d] ? (xi[d] == xj[d] ? 0 : 1) : xi[d] - xj[d];
                    lengthGradient[d] += c * lambda[d] * delta * delta;
                }
            }

            double wii = (alpha[i] * alpha[i]) - inverse[(i * n) + i];
            signalGradient += wii * signal;
            noiseGradient += wii;
        }

        for (int d = 0; d < dim; d++)
        {
            lengthGradient[d] *= 0.5;
        }

        gradient[dim] = 0.5 * signalGradient;
        if (space.FitNoise)
        {
            gradient[dim + 1] = 0.5 * noiseGradient * (kernel.NoiseVariance - KernelHyperparameters.NoiseFloor);
        }

        // Coordinates clamped by ToKernel do not move the likelihood.
        for (int i = 0; i < theta.Length; i++)
        {
            (double low, double high) = space.Bounds(i);
            if (theta[i] < low || theta[i] > high)
            {
                gradient[i] = 0;
            }
        }

        return logLikelihood;
    }

    /// <summary>
    /// The negative log posterior −(log p(y | θ) + log p(θ)) with the box penalty, and its gradient;
    /// +∞-like when the covariance is not positive definite.
    /// </summary>
    public static double NegativeLogPosterior(KernelHyperparameters space, ReadOnlySpan<double> theta, double[] x, double[] y, Span<double> gradient)
    {
        double logLikelihood = LogMarginalLikelihood(space, theta, x, y, gradient);
        if (double.IsNaN(logLikelihood))
        {
            gradient.Clear();
            return 1e30;
        }

        double logPrior = space.LogPrior(theta, gradient);
        double penalty = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            (double low, double high) = space.Bounds(i);
            double excess = theta[i] < low ? theta[i] - low : theta[i] > high ? theta[i] - high : 0;
            penalty += PenaltyWeight * excess * excess;
            gradient[i] = -gradient[i] + (2 * PenaltyWeight * excess);
        }

        return -(logLikelihood + logPrior) + penalty;
    }

    /// <summary>
    /// The MAP hyperparameters, starting from <paramref name="initial"/>, with at most
    /// <paramref name="maxIterations"/> L-BFGS iterations. Never throws for numerical reasons:
    /// it returns the best θ evaluated.
    /// </summary>
    public static double[] Fit(KernelHyperparameters space, double[] initial, double[] x, double[] y, int maxIterations)
    {
        double[] best = (double[])initial.Clone();
        double bestValue = double.PositiveInfinity;
        var gradient = new double[space.Length];

        (double, Vector<double>) Evaluate(Vector<double> point)
        {
            double[] theta = point.ToArray();
            double value = NegativeLogPosterior(space, theta, x, y, gradient);
            if (!double.IsFinite(value))
            {
                value = 1e30;
                Array.Clear(gradient);
            }

            if (value < bestValue)
            {
                bestValue = value;
                Array.Copy(theta, best, theta.Length);
            }

            return (value, Vector<double>.Build.Dense((double[])gradient.Clone()));
        }

        try
        {
            var minimizer = new LimitedMemoryBfgsMinimizer(1e-4, 1e-5, 1e-7, memory: 8, maximumIterations: maxIterations);
            minimizer.FindMinimum(ObjectiveFunction.Gradient(Evaluate), Vector<double>.Build.DenseOfArray(initial));
        }
        catch (Exception e) when (e is OptimizationException or ArgumentException or InvalidOperationException)
        {
            // Hit the iteration limit or a line search failed: keep the best point seen.
        }

        for (int i = 0; i < best.Length; i++)
        {
            (double low, double high) = space.Bounds(i);
            best[i] = Math.Clamp(best[i], low, high);
        }

        return best;
    }
}
