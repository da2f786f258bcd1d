namespace Vernier.Samplers.Tpe;

/// <summary>ln Σ exp(xᵢ) without overflow or underflow: the mixture densities of the Parzen estimator are sums of this kind.</summary>
internal static class LogSumExp
{
    /// <summary>Terms this far below the largest add less than 1e-16 of it each and are skipped.</summary>
    private const double Negligible = 37;

    /// <summary>ln Σ exp(values[i]); −∞ for an empty span or when every value is −∞. NaN values are ignored.</summary>
    /// <remarks>Terms more than 37 below the largest are left out: each changes the result by less than 1e-16 relative (a mixture of up to 10⁶ of them by less than 1e-10).</remarks>
    public static double Of(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (v > max)
            {
                max = v;
            }
        }

        if (double.IsNegativeInfinity(max))
        {
            return double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(max))
        {
            return double.PositiveInfinity;
        }

        double sum = 0, floor = max - Negligible;
        foreach (double v in values)
        {
            if (v > floor)
            {
                sum += Math.Exp(v - max);
            }
        }

        return max + Math.Log(sum);
    }
}
