namespace Vernier.Runner.Objectives;

/// <summary>How a trial's process ended, from the runner's point of view.</summary>
public enum CommandTrialStatus
{
    /// <summary>Exited with code 0 and printed a finite value for the objective metric (and every extra metric).</summary>
    Completed = 0,

    /// <summary>Non-zero exit, killed by a signal, timed out, or no usable objective value; see <see cref="CommandTrialResult.FailureReason"/>.</summary>
    Failed = 1,

    /// <summary>
    /// Stopped on request through the cancellation token (SIGTERM, grace period, SIGKILL). The caller
    /// records the trial as pruned, or as failed because it was interrupted.
    /// </summary>
    Stopped = 2,
}
