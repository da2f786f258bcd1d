using System.Runtime.CompilerServices;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The Matérn 5/2 kernel with automatic relevance determination (one length scale per input),
/// as in Rasmussen &amp; Williams (2006), §4.2: k(x, x′) = σ² (1 + √5 r + 5r²/3) e^(−√5 r), with
/// r² = Σ_d λ_d Δ_d², λ_d = 1/ℓ_d² the inverse squared length scale of input d. Numeric inputs
/// live in [0, 1] and Δ_d = x_d − x′_d; categorical inputs hold a choice index and Δ_d is 1 when
/// the choices differ, 0 otherwise (a Hamming distance term).
/// </summary>
internal sealed class MaternKernel
{
    private const double Sqrt5 = 2.2360679774997896964;

    public MaternKernel(double[] inverseSquaredLengthScales, double signalVariance, double noiseVariance, bool[] categorical)
    {
        InverseSquaredLengthScales = inverseSquaredLengthScales;
        SignalVariance = signalVariance;
        NoiseVariance = noiseVariance;
        Categorical = categorical;
    }

    /// <summary>λ_d = 1/ℓ_d², one per input.</summary>
    public double[] InverseSquaredLengthScales { get; }

    /// <summary>σ², the prior variance of the latent function.</summary>
    public double SignalVariance { get; }

    /// <summary>The observation noise variance added on the diagonal.</summary>
    public double NoiseVariance { get; }

    /// <summary>Which inputs are categorical (Hamming term).</summary>
    public bool[] Categorical { get; }

    /// <summary>The number of inputs.</summary>
    public int Dimension => Categorical.Length;

    /// <summary>r² between two points.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        double[] lambda = InverseSquaredLengthScales;
        bool[] categorical = Categorical;
        for (int d = 0; d < lambda.Length; d++)
        {
            double delta = categorical[d] ? (a[d] == b[d] ? 0 : 1) : a[d] - b[d];
            s += lambda[d] * delta * delta;
        }

        return s;
    }

    /// <summary>The covariance σ² f(r²) between two points (no noise).</summary>
    public double Covariance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => SignalVariance * Shape(SquaredDistance(a, b));

    /// <summary>f(s) = (1 + √5 r + 5s/3) e^(−√5 r) with r = √s: the Matérn 5/2 correlation.</summary>
    public static double Shape(double s)
    {
        double r = Math.Sqrt(s);
        return (1 + (Sqrt5 * r) + (5.0 / 3.0 * s)) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>df/ds = −(5/6)(1 + √5 r) e^(−√5 r), finite at s = 0.</summary>
    public static double ShapeDerivative(double s)
    {
        double r = Math.Sqrt(s);
        return -5.0 / 6.0 * (1 + (Sqrt5 * r)) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>The n×n training covariance K + noise·I for n points stored row-major in <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] TrainingMatrix(double[] x, int n)
    {
        int dim = Dimension;
        var k = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * dim, dim);
            for (int j = 0; j < i; j++)
            {
                double value = Covariance(xi, x.AsSpan(j * dim, dim));
                k[(i * n) + j] = value;
                k[(j * n) + i] = value;
            }

            k[(i * n) + i] = SignalVariance + NoiseVariance;
        }

        return k;
    }
}
