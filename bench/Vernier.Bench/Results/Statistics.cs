namespace Vernier.Bench.Results;

/// <summary>Order statistics as numpy computes them by default (linear interpolation between closest ranks).</summary>
internal static class Statistics
{
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double weight = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * weight;
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double total = 0.0;
        foreach (double v in values)
        {
            total += v;
        }

        return values.Length == 0 ? double.NaN : total / values.Length;
    }
}
