using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>
/// The promotion rule of asynchronous successive halving, shared by <see cref="SuccessiveHalvingPruner"/>
/// and <see cref="HyperbandPruner"/>. A trial "reaches" a rung at the first step it reports that is
/// ≥ the rung's step, and its value at the rung is the value it reported at that step.
/// </summary>
internal static class AshaRung
{
    /// <summary>The number of steps of the first complete trial (lowest number) that reported any: its last step + 1; or null.</summary>
    public static long? FirstCompletedStepCount(IReadOnlyList<FrozenTrial> history)
    {
        FrozenTrial? first = null;
        foreach (FrozenTrial t in history)
        {
            if (t.State == TrialState.Complete && t.IntermediateValues.Count > 0 && (first is null || t.Number < first.Number))
            {
                first = t;
            }
        }

        return first?.LastIntermediateValue?.Key + 1;
    }

    /// <summary>
    /// Whether the trial should be pruned. The decision is made only at the report that reaches a rung
    /// (the latest step is the trial's first step ≥ that rung's step); between rungs the trial goes on.
    /// </summary>
    public static bool ShouldPrune(
        PrunerContext context, long minResource, int eta, int minEarlyStoppingRate, int bootstrapCount, Func<FrozenTrial, bool>? isCompetitor)
    {
        FrozenTrial trial = context.Trial;
        if (trial.IntermediateValues.Count == 0)
        {
            return false;
        }

        // The latest and the previous reported steps.
        long last = -1, previous = -1;
        double lastValue = double.NaN;
        foreach (KeyValuePair<long, double> kv in trial.IntermediateValues)
        {
            previous = last;
            last = kv.Key;
            lastValue = kv.Value;
        }

        // The highest rung in (previous, last]: the one this report reached (if any).
        long rungStep = -1;
        long step = RungStep(minResource, eta, minEarlyStoppingRate);
        while (step <= last)
        {
            if (step > previous)
            {
                rungStep = step;
            }

            if (step > long.MaxValue / eta)
            {
                break;
            }

            step *= eta;
        }

        if (rungStep < 0)
        {
            return false;
        }

        bool minimize = context.Directions.Count == 0 || context.Directions[0] == StudyDirection.Minimize;
        if (double.IsNaN(lastValue))
        {
            return true;
        }

        double mine = Score(lastValue, minimize);
        int reached = 1, better = 0;
        foreach (FrozenTrial other in context.History)
        {
            if (other.Number == trial.Number || (isCompetitor is not null && !isCompetitor(other)))
            {
                continue;
            }

            if (ValueAt(other, rungStep) is { } v)
            {
                reached++;
                if (Score(v, minimize) < mine)
                {
                    better++;
                }
            }
        }

        if (reached < bootstrapCount)
        {
            return true;
        }

        // Top 1/η: at most max(1, ⌊n/η⌋) trials may be strictly better (ties promote).
        int promoted = Math.Max(1, reached / eta);
        return better >= promoted;
    }

    /// <summary>minResource·η^rate, saturating at long.MaxValue.</summary>
    public static long RungStep(long minResource, int eta, int rate)
    {
        long step = minResource;
        for (int i = 0; i < rate; i++)
        {
            if (step > long.MaxValue / eta)
            {
                return long.MaxValue;
            }

            step *= eta;
        }

        return step;
    }

    /// <summary>The value at the trial's first reported step ≥ <paramref name="rungStep"/>, or null when it has not reached the rung.</summary>
    private static double? ValueAt(FrozenTrial trial, long rungStep)
    {
        foreach (KeyValuePair<long, double> kv in trial.IntermediateValues)
        {
            if (kv.Key >= rungStep)
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>Lower is better; NaN is worst.</summary>
    private static double Score(double value, bool minimize) =>
        double.IsNaN(value) ? double.PositiveInfinity : minimize ? value : -value;
}
