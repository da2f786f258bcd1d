namespace Vernier.Trials;

/// <summary>Where a trial is in its lifecycle: <c>Waiting → Running → Complete | Pruned | Failed</c>.</summary>
public enum TrialState
{
    /// <summary>Enqueued with fixed parameters, not yet claimed by a worker.</summary>
    Waiting = 0,

    /// <summary>Being evaluated.</summary>
    Running = 1,

    /// <summary>Finished with its objective value(s).</summary>
    Complete = 2,

    /// <summary>Stopped early by a pruner.</summary>
    Pruned = 3,

    /// <summary>Failed: the objective threw, returned NaN or infinity, timed out, crashed, or was interrupted. See <see cref="FrozenTrial.FailReason"/>.</summary>
    Failed = 4,
}

/// <summary>Helpers on <see cref="TrialState"/>.</summary>
public static class TrialStateExtensions
{
    /// <summary>True for Complete, Pruned and Failed: the trial will not change again.</summary>
    /// <param name="state">The state.</param>
    public static bool IsFinished(this TrialState state) => state is TrialState.Complete or TrialState.Pruned or TrialState.Failed;

    /// <summary>The lower-case name used in files and the CLI: waiting, running, complete, pruned, failed.</summary>
    /// <param name="state">The state.</param>
    public static string ToWireName(this TrialState state) => state switch
    {
        TrialState.Waiting => "waiting",
        TrialState.Running => "running",
        TrialState.Complete => "complete",
        TrialState.Pruned => "pruned",
        TrialState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Parses a name written by <see cref="ToWireName"/> (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="FormatException">Not a state name.</exception>
    public static TrialState ParseWireName(string name) => name.ToLowerInvariant() switch
    {
        "waiting" => TrialState.Waiting,
        "running" => TrialState.Running,
        "complete" or "completed" => TrialState.Complete,
        "pruned" => TrialState.Pruned,
        "failed" or "fail" => TrialState.Failed,
        _ => throw new FormatException($"unknown trial state '{name}'; expected waiting, running, complete, pruned or failed."),
    };
}
