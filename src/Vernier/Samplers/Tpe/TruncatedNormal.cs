using Vernier.Randomness;

namespace Vernier.Samplers.Tpe;

/// <summary>
/// The normal distribution restricted to an interval: log cumulative masses, the log mass of a
/// cell, and draws. The Parzen estimator's numeric kernels are built on it.
/// </summary>
/// <remarks>
/// The complementary error function uses the Chebyshev-fitted approximation of Press et al.
/// (<i>Numerical Recipes</i>, §6.2), whose relative error is below 1.2e-7 over the whole real line,
/// tails included; masses in far tails are taken from the tail that keeps them accurate.
/// </remarks>
internal static class TruncatedNormal
{
    /// <summary>ln √(2π).</summary>
    public const double LogSqrt2Pi = 0.91893853320467274178;

    private const double InvSqrt2 = 0.70710678118654752440;

    /// <summary>erfc(x) for any real x.</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double value = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? value : 2.0 - value;
    }

    /// <summary>Φ(z), the standard normal cumulative distribution.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>ln Φ(z), accurate in the lower tail (where Φ is tiny) and finite down to z ≈ −1e150.</summary>
    public static double LogCdf(double z)
    {
        if (z > -30)
        {
            return Math.Log(Cdf(z));
        }

        // Mills' ratio: Φ(z) ≈ φ(z)/|z| · (1 − 1/z² + 3/z⁴) for very negative z.
        double z2 = z * z;
        return -0.5 * z2 - LogSqrt2Pi - Math.Log(-z) + Math.Log(1 - 1 / z2 + 3 / (z2 * z2));
    }

    /// <summary>ln(Φ(b) − Φ(a)) for a ≤ b: the log mass of [a, b] under the standard normal, accurate in either tail.</summary>
    public static double LogMass(double a, double b)
    {
        if (!(b > a))
        {
            return double.NegativeInfinity;
        }

        if (a > 0)
        {
            // Both in the upper tail: use the mirrored lower tail, where Φ keeps its relative accuracy.
            (a, b) = (-b, -a);
        }

        if (b <= 0)
        {
            double logB = LogCdf(b);
            double logA = LogCdf(a);
            double ratio = Math.Exp(logA - logB);
            return ratio >= 1 ? double.NegativeInfinity : logB + Math.Log(1 - ratio);
        }

        // The interval straddles 0: both terms are of moderate size.
        return Math.Log(Math.Max(Cdf(b) - Cdf(a), double.Epsilon));
    }

    /// <summary>
    /// One draw of the standard normal restricted to [a, b], where a ≤ 0 ≤ b and b − a ≥ 1 (so at
    /// least a third of the mass lies inside and rejection sampling is cheap); other intervals fall
    /// back to a uniform draw.
    /// </summary>
    public static double SampleStandard(RandomStream random, double a, double b)
    {
        if (a <= 0 && b >= 0 && b - a >= 0.5)
        {
            for (int i = 0; i < 200; i++)
            {
                double z = random.NextGaussian();
                if (z >= a && z <= b)
                {
                    return z;
                }
            }
        }

        return random.NextDouble(a, b);
    }
}
