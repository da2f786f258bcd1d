namespace Vernier.Samplers.Tpe;

/// <summary>ln Σ exp(xᵢ) without overflow or underflow: the mixture densities of the Parzen estimator are sums of this kind.</summary>
internal static class LogSumExp
{
    /// <summary>ln Σ exp(values[i]); −∞ for an empty span or when every value is −∞. NaN values are ignored.</summary>
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

        double sum = 0;
        foreach (double v in values)
        {
            if (v > double.NegativeInfinity)
            {
                sum += Math.Exp(v - max);
            }
        }

        return max + Math.Log(sum);
    }
}
