namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The kernel's hyperparameters as an unconstrained vector θ, with their priors.
/// Layout: θ_d = log λ_d (inverse squared length scale of input d), then log σ² (signal
/// variance), then, unless the objective is deterministic, θₙ with noise = 10⁻⁶ + e^θₙ.
/// </summary>
/// <remarks>
/// Priors (on standardized outputs and inputs in the unit cube): log ℓ_d ~ N(log(0.5√D), 1),
/// i.e. length scales that grow with the dimension D so that a random pair of points stays
/// correlated; log σ² ~ N(0, 1.5²); log noise ~ N(log 10⁻³, 3²). Each coordinate is also kept in
/// a wide box by a quadratic penalty outside it.
/// </remarks>
internal sealed class KernelHyperparameters
{
    /// <summary>The smallest noise variance (standardized units); a deterministic objective uses exactly this.</summary>
    public const double NoiseFloor = 1e-6;

    private const double LogLambdaPriorSd = 2.0;
    private const double LogSignalPriorSd = 1.5;
    private const double LogNoisePriorMean = -6.907755278982137; // log 1e-3
    private const double LogNoisePriorSd = 3.0;

    public KernelHyperparameters(bool[] categorical, bool fitNoise)
    {
        Categorical = categorical;
        FitNoise = fitNoise;
        LogLambdaPriorMean = (2 * Math.Log(2)) - Math.Log(Math.Max(1, categorical.Length));
    }

    /// <summary>Which inputs are categorical.</summary>
    public bool[] Categorical { get; }

    /// <summary>Whether the noise is a free hyperparameter (false for deterministic objectives).</summary>
    public bool FitNoise { get; }

    /// <summary>The prior mean of log λ_d.</summary>
    public double LogLambdaPriorMean { get; }

    /// <summary>The length of θ.</summary>
    public int Length => Categorical.Length + (FitNoise ? 2 : 1);

    /// <summary>The prior's mode: where a fit without a warm start begins.</summary>
    public double[] DefaultTheta()
    {
        var theta = new double[Length];
        int dim = Categorical.Length;
        Array.Fill(theta, LogLambdaPriorMean, 0, dim);
        theta[dim] = 0;
        if (FitNoise)
        {
            theta[dim + 1] = LogNoisePriorMean;
        }

        return theta;
    }

    /// <summary>The box each coordinate is kept in.</summary>
    public (double Low, double High) Bounds(int index)
    {
        int dim = Categorical.Length;
        if (index < dim)
        {
            return (Math.Log(1e-3), Math.Log(1e4));
        }

        return index == dim ? (Math.Log(1e-2), Math.Log(1e2)) : (Math.Log(1e-9), 0);
    }

    /// <summary>The kernel for a θ (coordinates clamped to their box).</summary>
    public MaternKernel ToKernel(ReadOnlySpan<double> theta)
    {
        int dim = Categorical.Length;
        var lambda = new double[dim];
        for (int d = 0; d < dim; d++)
        {
            lambda[d] = Math.Exp(Clamp(theta, d));
        }

        double signal = Math.Exp(Clamp(theta, dim));
        double noise = NoiseFloor + (FitNoise ? Math.Exp(Clamp(theta, dim + 1)) : 0);
        return new MaternKernel(lambda, signal, noise, Categorical);
    }

    /// <summary>log p(θ) up to a constant, adding its gradient to <paramref name="gradient"/>.</summary>
    public double LogPrior(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int dim = Categorical.Length;
        double logPrior = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            (double mean, double sd) = i < dim ? (LogLambdaPriorMean, LogLambdaPriorSd)
                : i == dim ? (0.0, LogSignalPriorSd)
                : (LogNoisePriorMean, LogNoisePriorSd);
            double z = (theta[i] - mean) / sd;
            logPrior -= 0.5 * z * z;
            gradient[i] -= z / sd;
        }

        return logPrior;
    }

    private double Clamp(ReadOnlySpan<double> theta, int index)
    {
        (double low, double high) = Bounds(index);
        return Math.Clamp(theta[index], low, high);
    }
}
