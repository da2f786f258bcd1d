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
        return [.. complete.Where(t => !complete.Any(other => Dominates(other.Values, t.Values, directions))).OrderBy(t => t.Number)];
    }
}
