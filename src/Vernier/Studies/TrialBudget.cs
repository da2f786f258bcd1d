using Vernier.Trials;

namespace Vernier.Studies;

/// <summary>Which trials use up a study's trial budget.</summary>
public static class TrialBudget
{
    /// <summary>
    /// True for trials that are running or finished, except those that failed only because their
    /// worker was interrupted or went stale, and those that were retried (the retry is charged instead). Waiting trials are not
    /// counted until they run.
    /// </summary>
    /// <param name="trial">The trial.</param>
    public static bool Counts(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.State switch
        {
            TrialState.Waiting => false,
            TrialState.Failed => !trial.SystemAttributes.ContainsKey(SystemAttributes.Interrupted) && !trial.SystemAttributes.ContainsKey(SystemAttributes.Retried),
            _ => true,
        };
    }
}
