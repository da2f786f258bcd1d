using System.Runtime.CompilerServices;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// A Gaussian-process posterior with a zero prior mean over standardized outputs
/// (Rasmussen &amp; Williams 2006, Algorithm 2.1): the Cholesky factor of K + σ²ₙI is computed
/// once and reused for every prediction, so a prediction costs O(n·d) for the mean and O(n²)
/// for the variance.
/// </summary>
internal sealed class GaussianProcessRegressor
{
    private const double MinimumVariance = 1e-12;

    private readonly double[] _x;
    private readonly double[] _cholesky;
    private readonly double[] _alpha;

    private GaussianProcessRegressor(MaternKernel kernel, double[] x, int count, double[] cholesky, double[] alpha)
    {
        Kernel = kernel;
        _x = x;
        Count = count;
        _cholesky = cholesky;
        _alpha = alpha;
    }

    /// <summary>The kernel with its hyperparameters.</summary>
    public MaternKernel Kernel { get; }

    /// <summary>The number of training points.</summary>
    public int Count { get; }

    /// <summary>
    /// Conditions the prior on n points (row-major, <c>n × kernel.Dimension</c>) and their
    /// outputs. Adds jitter on the diagonal if the matrix is not numerically positive definite.
    /// </summary>
    public static GaussianProcessRegressor Fit(MaternKernel kernel, double[] x, double[] y)
    {
        int n = y.Length;
        double[] k = kernel.TrainingMatrix(x, n);
        double[] factor = (double[])k.Clone();
        double jitter = 1e-10 * kernel.SignalVariance;
        while (!DenseLinearAlgebra.CholeskyInPlace(factor, n))
        {
            // Rare (duplicated points with no noise): add a growing jitter and try again.
            Array.Copy(k, factor, k.Length);
            for (int i = 0; i < n; i++)
            {
                factor[(i * n) + i] += jitter;
            }

            jitter *= 100;
            if (jitter > kernel.SignalVariance)
            {
                throw new InvalidOperationException("the Gaussian process covariance is not positive definite.");
            }
        }

        double[] alpha = (double[])y.Clone();
        DenseLinearAlgebra.SolveLower(factor, n, alpha);
        DenseLinearAlgebra.SolveLowerTransposed(factor, n, alpha);
        return new GaussianProcessRegressor(kernel, x, n, factor, alpha);
    }

    /// <summary>The posterior mean and variance of the latent function at a point.</summary>
    /// <param name="point">The point (kernel.Dimension values).</param>
    /// <param name="scratch">At least <see cref="Count"/> doubles of workspace.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point, Span<double> scratch)
    {
        int n = Count;
        int dim = Kernel.Dimension;
        Span<double> k = scratch[..n];
        for (int i = 0; i < n; i++)
        {
            k[i] = Kernel.Covariance(point, _x.AsSpan(i * dim, dim));
        }

        double mean = DenseLinearAlgebra.Dot(k, _alpha);
        DenseLinearAlgebra.SolveLower(_cholesky, n, k);
        double variance = Kernel.SignalVariance - DenseLinearAlgebra.Dot(k, k);
        return (mean, Math.Max(variance, MinimumVariance * Kernel.SignalVariance));
    }

    /// <summary>
    /// The posterior means and variances at many points (row-major), in blocks that share each
    /// row of the Cholesky factor across several right-hand sides — far fewer memory passes
    /// over the factor than one prediction at a time.
    /// </summary>
    /// <param name="points">count × kernel.Dimension values.</param>
    /// <param name="means">Receives count means.</param>
    /// <param name="variances">Receives count variances.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PredictBatch(ReadOnlySpan<double> points, Span<double> means, Span<double> variances)
    {
        const int Block = 16;
        int n = Count;
        int dim = Kernel.Dimension;
        int count = means.Length;
        double signal = Kernel.SignalVariance;
        double floor = MinimumVariance * signal;
        var k = new double[Block * n];
        for (int start = 0; start < count; start += Block)
        {
            int size = Math.Min(Block, count - start);
            for (int b = 0; b < size; b++)
            {
                ReadOnlySpan<double> point = points.Slice((start + b) * dim, dim);
                Span<double> row = k.AsSpan(b * n, n);
                for (int i = 0; i < n; i++)
                {
                    row[i] = Kernel.Covariance(point, _x.AsSpan(i * dim, dim));
                }

                means[start + b] = DenseLinearAlgebra.Dot(row, _alpha);
            }

            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<double> li = _cholesky.AsSpan(i * n, i);
                double diagonal = _cholesky[(i * n) + i];
                for (int b = 0; b < size; b++)
                {
                    Span<double> row = k.AsSpan(b * n, n);
                    row[i] = (row[i] - DenseLinearAlgebra.Dot(li, row[..i])) / diagonal;
                }
            }

            for (int b = 0; b < size; b++)
            {
                ReadOnlySpan<double> row = k.AsSpan(b * n, n);
                variances[start + b] = Math.Max(signal - DenseLinearAlgebra.Dot(row, row), floor);
            }
        }
    }

    /// <summary>
    /// The posterior mean and variance at a point with their gradients with respect to the
    /// numeric inputs (categorical entries of the gradients are left at zero).
    /// </summary>
    /// <param name="point">The point.</param>
    /// <param name="meanGradient">Receives ∂μ/∂x (kernel.Dimension values).</param>
    /// <param name="varianceGradient">Receives ∂σ²/∂x (kernel.Dimension values).</param>
    /// <param name="scratch">At least 2·<see cref="Count"/> doubles of workspace.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) PredictWithGradient(ReadOnlySpan<double> point, Span<double> meanGradient, Span<double> varianceGradient, Span<double> scratch)
    {
        int n = Count;
        int dim = Kernel.Dimension;
        Span<double> k = scratch[..n];
        Span<double> dkds = scratch.Slice(n, n);
        double signal = Kernel.SignalVariance;
        for (int i = 0; i < n; i++)
        {
            double s = Kernel.SquaredDistance(point, _x.AsSpan(i * dim, dim));
            k[i] = signal * MaternKernel.Shape(s);
            dkds[i] = signal * MaternKernel.ShapeDerivative(s);
        }

        double mean = DenseLinearAlgebra.Dot(k, _alpha);
        DenseLinearAlgebra.SolveLower(_cholesky, n, k);
        double variance = signal - DenseLinearAlgebra.Dot(k, k);

        // w = K⁻¹ k(x): ∂σ²/∂x = −2 Σ_i w_i ∂k_i/∂x.
        DenseLinearAlgebra.SolveLowerTransposed(_cholesky, n, k);
        meanGradient.Clear();
        varianceGradient.Clear();
        double[] lambda = Kernel.InverseSquaredLengthScales;
        bool[] categorical = Kernel.Categorical;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = _x.AsSpan(i * dim, dim);
            double a = _alpha[i] * dkds[i];
            double w = -2 * k[i] * dkds[i];
            for (int d = 0; d < dim; d++)
            {
                if (categorical[d])
                {
                    continue;
                }

                // ∂s/∂x_d = 2 λ_d (x_d − x_id)
                double ds = 2 * lambda[d] * (point[d] - xi[d]);
                meanGradient[d] += a * ds;
                varianceGradient[d] += w * ds;
            }
        }

        double floor = MinimumVariance * signal;
        if (variance < floor)
        {
            varianceGradient.Clear();
            variance = floor;
        }

        return (mean, variance);
    }
}
