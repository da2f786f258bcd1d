namespace Vernier.Importance.PedAnova;

/// <summary>
/// The one-dimensional densities PED-ANOVA compares, as probability masses on a fixed grid: a Gaussian
/// kernel per observation with a bandwidth from Scott's rule, mixed with a uniform prior; for categoricals,
/// the choice counts plus the prior. Both densities of one comparison use the same grid, so their Pearson
/// divergence is a plain sum over it.
/// </summary>
internal static class ScottParzenEstimator
{
    /// <summary>
    /// The masses on <paramref name="grid"/> (increasing positions in [0, 1]) of a kernel density of
    /// <paramref name="values"/> with the weight <paramref name="priorWeight"/> of a uniform prior over the grid.
    /// The bandwidth comes from the values; the kernels sit at the grid points nearest them (one kernel per
    /// point, weighted by its count), so the cost is grid² rather than values × grid.
    /// </summary>
    /// <param name="values">The observations (positions in [0, 1]).</param>
    /// <param name="grid">Where the density is evaluated; each kernel is renormalised over it.</param>
    /// <param name="minBandwidth">The narrowest kernel: the grid's resolution.</param>
    /// <param name="priorWeight">The weight of the prior next to a weight of 1 per observation.</param>
    public static double[] NumericMasses(IReadOnlyList<double> values, double[] grid, double minBandwidth, double priorWeight)
    {
        var counts = new double[grid.Length];
        foreach (double x in values)
        {
            counts[Nearest(grid, x)] += 1;
        }

        double bandwidth = Math.Max(ScottBandwidth(values), minBandwidth);
        var masses = new double[grid.Length];
        var kernel = new double[grid.Length];
        for (int centre = 0; centre < grid.Length; centre++)
        {
            if (counts[centre] == 0)
            {
                continue;
            }

            double sum = 0;
            for (int j = 0; j < grid.Length; j++)
            {
                double z = (grid[j] - grid[centre]) / bandwidth;
                kernel[j] = Math.Exp(-0.5 * z * z);
                sum += kernel[j];
            }

            for (int j = 0; j < grid.Length; j++)
            {
                masses[j] += counts[centre] * kernel[j] / sum;
            }
        }

        return Normalise(masses, values.Count, priorWeight);
    }

    /// <summary>The masses of <paramref name="choiceCount"/> slots: the observations' counts plus a uniform prior.</summary>
    /// <param name="slots">Each observation's slot, in [0, <paramref name="choiceCount"/>).</param>
    /// <param name="choiceCount">The number of slots.</param>
    /// <param name="priorWeight">The weight of the prior next to a weight of 1 per observation.</param>
    public static double[] CategoricalMasses(IReadOnlyList<int> slots, int choiceCount, double priorWeight)
    {
        var masses = new double[choiceCount];
        foreach (int slot in slots)
        {
            masses[slot] += 1;
        }

        return Normalise(masses, slots.Count, priorWeight);
    }

    /// <summary>
    /// Scott's rule, 1.059 · min(σ, IQR / 1.34) · n^(−1/5), falling back on whichever spread is positive
    /// (many equal values make the IQR 0); 0 when the values do not spread at all.
    /// </summary>
    /// <param name="values">The observations.</param>
    public static double ScottBandwidth(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n < 2)
        {
            return 0;
        }

        double[] sorted = [.. values.Order()];
        if (sorted[0] == sorted[^1])
        {
            return 0;
        }

        double mean = values.Average();
        double sigma = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double iqr = (Quantile(sorted, 0.75) - Quantile(sorted, 0.25)) / 1.34;
        double spread = sigma > 0 && iqr > 0 ? Math.Min(sigma, iqr) : Math.Max(sigma, iqr);
        return 1.059 * spread * Math.Pow(n, -0.2);
    }

    /// <summary>The Pearson χ² divergence Σ (p − q)² / q of <paramref name="p"/> from <paramref name="q"/> (q positive).</summary>
    /// <param name="p">The good trials' masses.</param>
    /// <param name="q">The baseline's masses.</param>
    public static double PearsonDivergence(double[] p, double[] q)
    {
        double divergence = 0;
        for (int j = 0; j < p.Length; j++)
        {
            double d = p[j] - q[j];
            divergence += d * d / q[j];
        }

        return divergence;
    }

    private static double[] Normalise(double[] masses, int count, double priorWeight)
    {
        double prior = priorWeight / masses.Length;
        double total = count + priorWeight;
        for (int j = 0; j < masses.Length; j++)
        {
            masses[j] = (masses[j] + prior) / total;
        }

        return masses;
    }

    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>The index of the grid point nearest <paramref name="x"/> (the grid is increasing).</summary>
    private static int Nearest(double[] grid, double x)
    {
        int index = Array.BinarySearch(grid, x);
        if (index >= 0)
        {
            return index;
        }

        int above = ~index;
        if (above == 0)
        {
            return 0;
        }

        if (above == grid.Length)
        {
            return grid.Length - 1;
        }

        return x - grid[above - 1] <= grid[above] - x ? above - 1 : above;
    }
}
