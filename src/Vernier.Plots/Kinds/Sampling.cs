namespace Vernier.Plots.Kinds;

/// <summary>Deterministic, even thinning of long lists, keeping the items that must stay.</summary>
internal static class Sampling
{
    /// <summary>
    /// At most <paramref name="cap"/> of the indices 0..count-1 (all when they fit), evenly spaced, in ascending
    /// order, always with the indices in <paramref name="keep"/> (which may push the total above the cap).
    /// </summary>
    public static List<int> Even(int count, int cap, IReadOnlySet<int>? keep = null)
    {
        if (count <= cap)
        {
            return [.. Enumerable.Range(0, count)];
        }

        int budget = Math.Max(cap - (keep?.Count ?? 0), 1);
        var chosen = new List<int>(cap + 1);
        long previous = -1;
        for (int i = 0; i < budget; i++)
        {
            long index = (long)i * count / budget;
            if (index != previous)
            {
                chosen.Add((int)index);
                previous = index;
            }
        }

        if (keep is null || keep.Count == 0)
        {
            return chosen;
        }

        var set = new HashSet<int>(chosen);
        set.UnionWith(keep);
        var result = set.ToList();
        result.Sort();
        return result;
    }

    /// <summary>The items at the chosen indices.</summary>
    public static List<T> Pick<T>(IReadOnlyList<T> items, int cap, IReadOnlySet<int>? keep = null) =>
        [.. Even(items.Count, cap, keep).Select(i => items[i])];
}
