using Vernier.Trials;

namespace Vernier.Studies;

/// <summary>Pareto dominance over complete trials of a multi-objective study.</summary>
public static class ParetoFront
{
    /// <summary>True when <paramref name="a"/> is at least as good as <paramref name="b"/> in every objective and better in one.</summary>
    /// <param name="a">Values of the first trial.</param>
    /// <param name="b">Values of the second trial.</param>
    /// <param name="directions">One direction per objective.</param>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(directions);
        bool strictlyBetter = false;
        for (int i = 0; i < directions.Count; i++)
        {
            if (directions[i].IsBetter(b[i], a[i]))
            {
                return false;
            }

            strictlyBetter |= directions[i].IsBetter(a[i], b[i]);
        }

        return strictlyBetter;
    }

    /// <summary>The complete trials no other complete trial dominates, in number order.</summary>
    /// <param name="trials">The trials to consider; only complete ones count.</param>
    /// <param name="directions">One direction per objective.</param>
    public static IReadOnlyList<FrozenTrial> Of(IEnumerable<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(trials);
        List<FrozenTrial> complete = [.. trials.Where(t => t.State == TrialState.Complete && t.Values.Length == directions.Count)];
        if (complete.Count == 0)
        {
            return [];
        }

        List<int> first = NondominatedFronts(complete.Count, (i, j) => Dominates(complete[i].Values, complete[j].Values, directions))[0];
        return [.. first.Select(i => complete[i]).OrderBy(t => t.Number)];
    }

    /// <summary>
    /// Fast non-dominated sorting (Deb et al., 2002) under constrained domination: a feasible trial
    /// beats an infeasible one, of two infeasible trials the one with the smaller
    /// <see cref="FrozenTrial.ConstraintViolation"/> wins, and two feasible trials compare by Pareto
    /// dominance. Returns the fronts, best first, each as indices into <paramref name="trials"/> in
    /// ascending order. Every trial must have one value per direction.
    /// </summary>
    /// <param name="trials">Complete trials.</param>
    /// <param name="directions">One direction per objective.</param>
    internal static List<List<int>> NondominatedFronts(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        int n = trials.Count;
        var violation = new double[n];
        var values = new double[n][];
        for (int i = 0; i < n; i++)
        {
            violation[i] = trials[i].ConstraintViolation;
            values[i] = [.. trials[i].Values];
        }

        return NondominatedFronts(n, (i, j) => ConstrainedDominates(values[i], violation[i], values[j], violation[j], directions));
    }

    /// <summary>Fast non-dominated sorting over any strict dominance relation: fronts of indices, best first.</summary>
    /// <param name="count">How many items.</param>
    /// <param name="dominates">Whether item i dominates item j.</param>
    internal static List<List<int>> NondominatedFronts(int count, Func<int, int, bool> dominates)
    {
        var dominatedBy = new int[count];          // how many items dominate i
        var dominating = new List<int>[count];     // the items i dominates
        var fronts = new List<List<int>>();
        var current = new List<int>();
        for (int i = 0; i < count; i++)
        {
            dominating[i] = [];
        }

        for (int i = 0; i < count; i++)
        {
            for (int j = i + 1; j < count; j++)
            {
                if (dominates(i, j))
                {
                    dominating[i].Add(j);
                    dominatedBy[j]++;
                }
                else if (dominates(j, i))
                {
                    dominating[j].Add(i);
                    dominatedBy[i]++;
                }
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (dominatedBy[i] == 0)
            {
                current.Add(i);
            }
        }

        while (current.Count > 0)
        {
            fronts.Add(current);
            var next = new List<int>();
            foreach (int i in current)
            {
                foreach (int j in dominating[i])
                {
                    if (--dominatedBy[j] == 0)
                    {
                        next.Add(j);
                    }
                }
            }

            next.Sort();
            current = next;
        }

        return fronts;
    }

    /// <summary>Deb's constrained domination: feasibility first, then smaller violation, then Pareto dominance.</summary>
    /// <param name="a">Values of the first trial.</param>
    /// <param name="violationA">Its total constraint violation (0 when feasible).</param>
    /// <param name="b">Values of the second trial.</param>
    /// <param name="violationB">Its total constraint violation (0 when feasible).</param>
    /// <param name="directions">One direction per objective.</param>
    internal static bool ConstrainedDominates(IReadOnlyList<double> a, double violationA, IReadOnlyList<double> b, double violationB, IReadOnlyList<StudyDirection> directions)
    {
        if (violationA > 0 || violationB > 0)
        {
            return violationA < violationB;
        }

        return Dominates(a, b, directions);
    }
}
