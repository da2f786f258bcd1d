namespace Vernier.Bench.Importance;

/// <summary>Spearman's rank correlation: the Pearson correlation of the two samples' ranks, ties given their average rank.</summary>
internal static class RankCorrelation
{
    /// <summary>ρ of two equally long samples; null when either sample is constant (ρ is undefined) or has fewer than 2 values.</summary>
    public static double? Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"the samples differ in length ({a.Count} and {b.Count}).");
        }

        if (a.Count < 2)
        {
            return null;
        }

        double[] ra = Ranks(a), rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average();
        double cov = 0, va = 0, vb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }

        return va > 0 && vb > 0 ? cov / Math.Sqrt(va * vb) : null;
    }

    /// <summary>1-based ranks in ascending order; tied values share the mean of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        int[] order = [.. Enumerable.Range(0, values.Count).OrderBy(i => values[i])];
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }
}
