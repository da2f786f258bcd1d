namespace Vernier.Studies;

/// <summary>Keys of the system attributes Vernier itself stores on studies and trials.</summary>
public static class SystemAttributes
{
    /// <summary>Study: the seed every sampler stream derives from.</summary>
    public const string Seed = "seed";

    /// <summary>Trial: parameters fixed by <see cref="Study.EnqueueTrialAsync"/>, as a JSON object of values.</summary>
    public const string FixedParameters = "fixed_params";

    /// <summary>Trial: true when it failed because its worker was interrupted or went stale, not because of the objective.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>Trial: the number of the trial it retries.</summary>
    public const string RetryOf = "retry_of";

    /// <summary>Trial: how many retries precede it (1 for the first retry).</summary>
    public const string RetryCount = "retry_count";

    /// <summary>Trial: true on a failed trial that was retried; like an interrupted trial it does not use up the trial budget (its retry does).</summary>
    public const string Retried = "retried";

    /// <summary>
    /// Trial: a retry waiting for its backoff; the optimize loop starts its objective no earlier than this
    /// time (a JSON date-time string).
    /// </summary>
    public const string RetryNotBefore = "retry_not_before";

    /// <summary>
    /// Trial: why a failed trial failed, as one word: <c>out_of_memory</c>, <c>oom_killed</c>, <c>timeout</c>,
    /// <c>signal</c>, <c>exit_code</c>, <c>no_metric</c> or <c>interrupted</c> (command objectives set every class;
    /// the study itself sets <c>interrupted</c>).
    /// </summary>
    public const string FailureClass = "failure_class";

    /// <summary>Trial: the worker running it (host, pid).</summary>
    public const string Worker = "worker";

    /// <summary>Trial: the outcome constraint values the objective reported (a JSON array of numbers; feasible when every one is ≤ 0).</summary>
    public const string Constraints = "constraints";
}
