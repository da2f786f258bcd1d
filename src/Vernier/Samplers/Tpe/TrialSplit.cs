using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.Tpe;

/// <summary>
/// Splits the history into the "below" (good) trials that shape l(x) and the "above" (the rest)
/// that shape g(x), both in trial-number order.
/// </summary>
/// <remarks>
/// <para>The trials considered are the complete and pruned ones, and the running ones with the
/// constant liar. <c>gamma(n)</c> of them, the best, go below; the ranking is:</para>
/// <list type="number">
/// <item>feasible complete trials, by value (several objectives: by non-domination rank, then by
/// crowding distance, larger first);</item>
/// <item>feasible complete trials with a NaN value;</item>
/// <item>feasible pruned trials: those pruned at a later step first, then by their last intermediate value;</item>
/// <item>infeasible trials, by total constraint violation.</item>
/// </list>
/// <para>Running trials (constant liar) always go above, so that parallel asks avoid the points
/// still being evaluated. Failed trials are ignored. Ties are broken by trial number.</para>
/// </remarks>
internal static class TrialSplit
{
    public static (List<FrozenTrial> Below, List<FrozenTrial> Above) Split(
        IReadOnlyList<FrozenTrial> history, IReadOnlyList<StudyDirection> directions, bool constantLiar, Func<int, int> gamma)
    {
        int objectives = directions.Count;
        var considered = new List<FrozenTrial>(history.Count);
        var keys = new List<RankKey>(history.Count);
        foreach (FrozenTrial trial in history)
        {
            switch (trial.State)
            {
                case TrialState.Complete when trial.Values.Length == objectives:
                case TrialState.Pruned:
                    considered.Add(trial);
                    keys.Add(KeyOf(trial, directions));
                    break;
                case TrialState.Running when constantLiar:
                    considered.Add(trial);
                    keys.Add(new RankKey(int.MaxValue, 0, 0, trial.Number));
                    break;
            }
        }

        int rankable = 0;
        foreach (RankKey key in keys)
        {
            rankable += key.Tier == int.MaxValue ? 0 : 1;
        }

        int nBelow = Math.Clamp(gamma(considered.Count), 0, rankable);
        var isBelow = new bool[considered.Count];
        if (nBelow > 0)
        {
            int taken = objectives > 1 ? SelectParetoBest(considered, keys, directions, nBelow, isBelow) : 0;
            SelectBestByKey(keys, nBelow - taken, isBelow);
        }

        var below = new List<FrozenTrial>(nBelow);
        var above = new List<FrozenTrial>(considered.Count - nBelow);
        for (int i = 0; i < considered.Count; i++)
        {
            (isBelow[i] ? below : above).Add(considered[i]);
        }

        return (below, above);
    }

    private static RankKey KeyOf(FrozenTrial trial, IReadOnlyList<StudyDirection> directions)
    {
        if (trial.SystemAttributes.ContainsKey(SystemAttributes.Constraints) && !trial.IsFeasible)
        {
            double violation = trial.ConstraintViolation;
            return new RankKey(3, double.IsNaN(violation) ? double.PositiveInfinity : violation, 0, trial.Number);
        }

        if (trial.State == TrialState.Pruned)
        {
            if (trial.LastIntermediateValue is not { } last)
            {
                return new RankKey(2, double.PositiveInfinity, double.PositiveInfinity, trial.Number);
            }

            double value = directions.Count == 1 ? Adjust(last.Value, directions[0]) : 0;
            return new RankKey(2, -(double)last.Key, double.IsNaN(value) ? double.PositiveInfinity : value, trial.Number);
        }

        bool anyNaN = false;
        foreach (double v in trial.Values)
        {
            anyNaN |= double.IsNaN(v);
        }

        return anyNaN
            ? new RankKey(1, 0, 0, trial.Number)
            : new RankKey(0, directions.Count == 1 ? Adjust(trial.Values[0], directions[0]) : 0, 0, trial.Number);
    }

    /// <summary>The value to minimise.</summary>
    private static double Adjust(double value, StudyDirection direction) => direction == StudyDirection.Minimize ? value : -value;

    /// <summary>Marks the <paramref name="count"/> best not-yet-marked rankable trials, keeping a small sorted list of the best so far.</summary>
    private static void SelectBestByKey(List<RankKey> keys, int count, bool[] isBelow)
    {
        if (count <= 0)
        {
            return;
        }

        var best = new int[count];
        int size = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            if (isBelow[i] || keys[i].Tier == int.MaxValue)
            {
                continue;
            }

            if (size == count && keys[i].CompareTo(keys[best[size - 1]]) >= 0)
            {
                continue;
            }

            int position = size == count ? size - 1 : size++;
            while (position > 0 && keys[i].CompareTo(keys[best[position - 1]]) < 0)
            {
                best[position] = best[position - 1];
                position--;
            }

            best[position] = i;
        }

        for (int i = 0; i < size; i++)
        {
            isBelow[best[i]] = true;
        }
    }

    /// <summary>
    /// Among feasible complete trials with numeric values, marks up to <paramref name="count"/> by
    /// non-domination rank, breaking the last front's ties by crowding distance. Returns how many it marked.
    /// </summary>
    private static int SelectParetoBest(List<FrozenTrial> considered, List<RankKey> keys, IReadOnlyList<StudyDirection> directions, int count, bool[] isBelow)
    {
        int m = directions.Count;
        var indices = new List<int>();
        var points = new List<double[]>();
        for (int i = 0; i < considered.Count; i++)
        {
            if (keys[i].Tier != 0)
            {
                continue;
            }

            var p = new double[m];
            for (int d = 0; d < m; d++)
            {
                p[d] = Adjust(considered[i].Values[d], directions[d]);
            }

            indices.Add(i);
            points.Add(p);
        }

        count = Math.Min(count, indices.Count);
        if (count == 0)
        {
            return 0;
        }

        // A point dominated by `count` others cannot be among the best `count`: all of its dominators rank strictly before it.
        var candidates = new List<int>();
        for (int a = 0; a < points.Count; a++)
        {
            int dominators = 0;
            for (int b = 0; b < points.Count && dominators < count; b++)
            {
                if (b != a && Dominates(points[b], points[a]))
                {
                    dominators++;
                }
            }

            if (dominators < count)
            {
                candidates.Add(a);
            }
        }

        int marked = 0;
        while (marked < count && candidates.Count > 0)
        {
            var front = new List<int>();
            foreach (int a in candidates)
            {
                bool dominated = false;
                foreach (int b in candidates)
                {
                    if (b != a && Dominates(points[b], points[a]))
                    {
                        dominated = true;
                        break;
                    }
                }

                if (!dominated)
                {
                    front.Add(a);
                }
            }

            if (marked + front.Count > count)
            {
                double[] crowding = CrowdingDistances(front, points, m);
                int[] order = [.. Enumerable.Range(0, front.Count)];
                Array.Sort(order, (x, y) => crowding[y] != crowding[x] ? crowding[y].CompareTo(crowding[x]) : front[x].CompareTo(front[y]));
                front = [.. order.Take(count - marked).Select(o => front[o])];
            }

            foreach (int a in front)
            {
                isBelow[indices[a]] = true;
                marked++;
            }

            var inFront = new HashSet<int>(front);
            candidates.RemoveAll(inFront.Contains);
        }

        return marked;
    }

    private static bool Dominates(double[] a, double[] b)
    {
        bool strictly = false;
        for (int d = 0; d < a.Length; d++)
        {
            if (a[d] > b[d])
            {
                return false;
            }

            strictly |= a[d] < b[d];
        }

        return strictly;
    }

    private static double[] CrowdingDistances(List<int> front, List<double[]> points, int m)
    {
        var distance = new double[front.Count];
        int[] order = new int[front.Count];
        for (int d = 0; d < m; d++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (x, y) => points[front[x]][d].CompareTo(points[front[y]][d]));
            double span = points[front[order[^1]]][d] - points[front[order[0]]][d];
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            if (!(span > 0) || double.IsInfinity(span))
            {
                continue;
            }

            for (int i = 1; i < order.Length - 1; i++)
            {
                distance[order[i]] += (points[front[order[i + 1]]][d] - points[front[order[i - 1]]][d]) / span;
            }
        }

        return distance;
    }

    /// <summary>A rank: lower tier first, then A, then B, then the trial number. Never NaN.</summary>
    private readonly record struct RankKey(int Tier, double A, double B, int Number) : IComparable<RankKey>
    {
        public int CompareTo(RankKey other)
        {
            int c = Tier.CompareTo(other.Tier);
            if (c == 0)
            {
                c = A.CompareTo(other.A);
            }

            if (c == 0)
            {
                c = B.CompareTo(other.B);
            }

            return c == 0 ? Number.CompareTo(other.Number) : c;
        }
    }
}
