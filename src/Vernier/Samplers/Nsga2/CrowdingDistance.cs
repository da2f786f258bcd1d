namespace Vernier.Samplers.Nsga2;

/// <summary>
/// The crowding distance of Deb et al. (2002): for each point of a front, the sum over objectives
/// of the normalized gap between its two neighbours; the extremes of every objective get infinity
/// so that the front's ends are always kept.
/// </summary>
internal static class CrowdingDistance
{
    /// <summary>The distance of each point, in the order given.</summary>
    /// <param name="values">The objective values of the front's points (same length each).</param>
    public static double[] Of(IReadOnlyList<IReadOnlyList<double>> values)
    {
        int n = values.Count;
        var distance = new double[n];
        if (n <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }

        int objectives = values[0].Count;
        int[] order = new int[n];
        for (int m = 0; m < objectives; m++)
        {
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }

            int objective = m;
            Array.Sort(order, (a, b) =>
            {
                int byValue = values[a][objective].CompareTo(values[b][objective]);
                return byValue != 0 ? byValue : a.CompareTo(b);
            });
            distance[order[0]] = double.PositiveInfinity;
            distance[order[n - 1]] = double.PositiveInfinity;
            double range = values[order[n - 1]][m] - values[order[0]][m];
            if (range <= 0)
            {
                continue;
            }

            for (int k = 1; k < n - 1; k++)
            {
                distance[order[k]] += (values[order[k + 1]][m] - values[order[k - 1]][m]) / range;
            }
        }

        return distance;
    }
}
