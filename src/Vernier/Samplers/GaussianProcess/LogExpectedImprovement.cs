using MathNet.Numerics;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// Log expected improvement, computed so that it stays finite and informative far from the
/// incumbent, after Ament et al. (2023), "Unexpected improvements to expected improvement for
/// Bayesian optimization" (LogEI). For minimization with posterior N(μ, σ²) and incumbent f*,
/// EI = σ h(z) with z = (f* − μ)/σ and h(z) = φ(z) + zΦ(z); log EI = log σ + log h(z).
/// </summary>
internal static class LogExpectedImprovement
{
    private const double LogSqrt2Pi = 0.91893853320467274178;
    private const double Sqrt2 = 1.4142135623730950488;
    private const double SqrtHalfPi = 1.2533141373155002512;
    private const double InvSqrtPi = 0.56418958354775628695;

    /// <summary>log h(z), accurate for every finite z (no underflow for very negative z).</summary>
    public static double LogH(double z)
    {
        if (z > -1)
        {
            return Math.Log(Phi(z) + (z * Cdf(z)));
        }

        // h(z) = φ(z) q(z) with q(z) = 1 − |z| √(π/2) erfcx(|z|/√2).
        return (-0.5 * z * z) - LogSqrt2Pi + Math.Log(Q(-z));
    }

    /// <summary>log EI for a posterior mean and standard deviation against the incumbent (minimization).</summary>
    public static double Value(double mean, double sd, double incumbent) => Math.Log(sd) + LogH((incumbent - mean) / sd);

    /// <summary>
    /// log EI with its partial derivatives: ∂/∂μ = −(Φ/h)/σ and ∂/∂σ = (φ/h)/σ.
    /// </summary>
    public static (double Value, double DMean, double DSd) ValueAndDerivatives(double mean, double sd, double incumbent)
    {
        double z = (incumbent - mean) / sd;
        double cdfOverH;
        double pdfOverH;
        if (z > -1)
        {
            double h = Phi(z) + (z * Cdf(z));
            cdfOverH = Cdf(z) / h;
            pdfOverH = Phi(z) / h;
        }
        else
        {
            double u = -z;
            double q = Q(u);
            pdfOverH = 1 / q;
            // Φ(z) = φ(z) √(π/2) erfcx(u/√2), so Φ/h = √(π/2) erfcx(u/√2) / q; for large u, (1 − q)/(u q).
            cdfOverH = u < 50 ? SqrtHalfPi * Erfcx(u / Sqrt2) / q : (1 - q) / (u * q);
        }

        return (Math.Log(sd) + LogH(z), -cdfOverH / sd, pdfOverH / sd);
    }

    /// <summary>log Φ(z), accurate in the far lower tail.</summary>
    public static double LogCdf(double z)
    {
        if (z > -5)
        {
            return Math.Log(Cdf(z));
        }

        // Φ(z) = ½ erfcx(−z/√2) e^(−z²/2).
        return Math.Log(0.5 * Erfcx(-z / Sqrt2)) - (0.5 * z * z);
    }

    /// <summary>d log Φ(z)/dz = φ(z)/Φ(z), accurate in the far lower tail.</summary>
    public static double LogCdfDerivative(double z)
    {
        if (z > -5)
        {
            return Phi(z) / Cdf(z);
        }

        // φ/Φ = (1/√(2π)) / (½ erfcx(−z/√2)) = √(2/π) / erfcx(−z/√2).
        return 2 * InvSqrtPi / Sqrt2 / Erfcx(-z / Sqrt2);
    }

    /// <summary>The scaled complementary error function erfcx(x) = e^(x²) erfc(x) for x ≥ 0.</summary>
    public static double Erfcx(double x)
    {
        if (x < 10)
        {
            return Math.Exp(x * x) * SpecialFunctions.Erfc(x);
        }

        // Asymptotic series: erfcx(x) ≈ 1/(x√π) Σ (−1)^k (2k−1)!! / (2x²)^k.
        double inverse = 1 / (2 * x * x);
        double term = 1;
        double sum = 1;
        for (int k = 1; k <= 12; k++)
        {
            term *= -(2 * k - 1) * inverse;
            sum += term;
        }

        return sum * InvSqrtPi / x;
    }

    /// <summary>The standard normal density.</summary>
    public static double Phi(double z) => Math.Exp((-0.5 * z * z) - LogSqrt2Pi);

    /// <summary>The standard normal distribution function.</summary>
    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Sqrt2);

    /// <summary>q(u) = h(−u)/φ(u) = 1 − u √(π/2) erfcx(u/√2) for u ≥ 1, with an asymptotic form for large u.</summary>
    private static double Q(double u)
    {
        if (u < 50)
        {
            return 1 - (u * SqrtHalfPi * Erfcx(u / Sqrt2));
        }

        double v = 1 / (u * u);
        return v * (1 - (3 * v) + (15 * v * v) - (105 * v * v * v));
    }
}
