using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>
/// The promotion rule of asynchronous successive halving, shared by <see cref="SuccessiveHalvingPruner"/>
/// and <see cref="HyperbandPruner"/>. A trial "reaches" a rung at the first step it reports that is
/// ≥ the rung's step, and its value at the rung is the value it reported at that step. The only
/// state is how many rungs a trial has passed, stored with the trial.
/// </summary>
internal static class AshaRung
{
    /// <summary>
    /// The trial system attribute holding how many rungs the trial has passed (been promoted past);
    /// absent means none. Written by the study after a call that promotes the trial.
    /// </summary>
    public const string PassedRungsAttribute = "asha_passed_rungs";

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
    /// Whether the trial should be pruned. Each call judges, in order, every rung the trial has
    /// reached (a reported step ≥ the rung's step) and not yet passed, so a rung is judged once,
    /// at the first call after the trial reaches it, however rarely the objective asks. The trial
    /// is pruned at the first rung it fails; the rungs it passes are recorded on it
    /// (<see cref="PassedRungsAttribute"/>) so that later calls do not judge them again.
    /// </summary>
    public static bool ShouldPrune(
        PrunerContext context, long minResource, int eta, int minEarlyStoppingRate, int bootstrapCount, Func<FrozenTrial, bool>? isCompetitor)
    {
        FrozenTrial trial = context.Trial;
        if (trial.LastIntermediateValue is not { Key: long last })
        {
            return false;
        }

        int passed = PassedRungs(trial);
        int rung = passed;
        bool minimize = context.Directions.Count == 0 || context.Directions[0] == StudyDirection.Minimize;
        for (long rungStep = RungStep(minResource, eta, minEarlyStoppingRate + rung); rungStep <= last; rungStep = NextRungStep(rungStep, eta))
        {
            if (!Promoted(context, ValueAt(trial, rungStep)!.Value, rungStep, eta, bootstrapCount, isCompetitor, minimize))
            {
                return true;
            }

            rung++;
            if (rungStep == long.MaxValue)
            {
                break;
            }
        }

        if (rung > passed)
        {
            context.SetTrialSystemAttribute(PassedRungsAttribute, JsonSerializer.SerializeToElement(rung));
        }

        return false;
    }

    /// <summary>How many rungs the trial has passed, as recorded on it (0 when it has no record).</summary>
    public static int PassedRungs(FrozenTrial trial) =>
        trial.SystemAttributes.TryGetValue(PassedRungsAttribute, out JsonElement element) && element.ValueKind == JsonValueKind.Number
            && element.TryGetInt32(out int passed) && passed > 0
            ? passed
            : 0;

    /// <summary>Whether a trial whose value at the rung is <paramref name="value"/> goes on: top 1/η of the values recorded there, its own included.</summary>
    private static bool Promoted(
        PrunerContext context, double value, long rungStep, int eta, int bootstrapCount, Func<FrozenTrial, bool>? isCompetitor, bool minimize)
    {
        if (double.IsNaN(value))
        {
            return false;
        }

        double mine = Score(value, minimize);
        int reached = 1, better = 0;
        foreach (FrozenTrial other in context.History)
        {
            if (other.Number == context.Trial.Number || (isCompetitor is not null && !isCompetitor(other)))
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
            return false;
        }

        // Top 1/η: at most max(1, ⌊n/η⌋) trials may be strictly better (ties promote).
        int promoted = Math.Max(1, reached / eta);
        return better < promoted;
    }

    private static long NextRungStep(long step, int eta) => step > long.MaxValue / eta ? long.MaxValue : step * eta;

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
