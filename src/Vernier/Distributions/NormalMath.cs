namespace Vernier.Distributions;

/// <summary>
/// The standard normal distribution function, its tail and their inverses, to about 1e-12: for
/// <see cref="NormalDistribution"/>'s unit scale, the CMA-ES integer margin and the signed-rank test.
/// </summary>
internal static class NormalMath
{
    private static readonly double InvSqrtPi = 1 / Math.Sqrt(Math.PI);

    /// <summary>Φ(z) = P(Z ≤ z) for a standard normal Z.</summary>
    public static double Cdf(double z) => UpperTail(-z);

    /// <summary>The z with Φ(z) = p, for p in (0, 1).</summary>
    public static double InverseCdf(double p) => -InverseUpperTail(p);

    /// <summary>Q(z) = P(Z &gt; z) for a standard normal Z.</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The z with Q(z) = p, for p in (0, 1).</summary>
    public static double InverseUpperTail(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1 is needed.");
        }

        if (p > 0.5)
        {
            return -InverseUpperTail(1 - p);
        }

        // A rational first guess (Abramowitz and Stegun 26.2.23, error < 4.5e-4), then Newton steps on Q.
        double t = Math.Sqrt(-2 * Math.Log(p));
        double z = t - ((2.515517 + (0.802853 * t) + (0.010328 * t * t)) / (1 + (1.432788 * t) + (0.189269 * t * t) + (0.001308 * t * t * t)));
        for (int i = 0; i < 5; i++)
        {
            double density = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            if (density == 0)
            {
                break;
            }

            z += (UpperTail(z) - p) / density;
        }

        return z;
    }

    /// <summary>The complementary error function: a power series near 0, a continued fraction in the tails.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 2.5)
        {
            // erf(x) = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1))
            double term = x, sum = x, x2 = x * x;
            for (int k = 1; k < 200; k++)
            {
                term *= -x2 / k;
                double contribution = term / (2 * k + 1);
                sum += contribution;
                if (Math.Abs(contribution) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            return 1 - 2 * InvSqrtPi * sum;
        }

        if (x > 27)
        {
            return 0;
        }

        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
        double f = x;
        for (int k = 120; k >= 1; k--)
        {
            f = x + (k / 2.0) / f;
        }

        return Math.Exp(-x * x) * InvSqrtPi / f;
    }
}
