using Vernier.Trials;

namespace Vernier.Studies;

/// <summary>How a study runs trials and looks after them. Every option has a documented default.</summary>
public sealed class StudyOptions
{
    /// <summary>
    /// The most trials that may run at once in this study, across every process. An ask beyond it
    /// throws <see cref="Storage.ConcurrencyLimitExceededException"/>; the optimize loop waits instead.
    /// The default value is null (no limit).
    /// </summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>How often a running trial's heartbeat is recorded. The default value is 10 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How old a running trial's last heartbeat may be before another process marks it Failed (stale).
    /// The default value is 60 seconds. Trials that never recorded a heartbeat are never stale.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many times a trial that failed because its worker died or was interrupted (or, when
    /// <see cref="RetryFailed"/> says so, for another reason) is retried with the same parameters, as a
    /// new trial linked to the first through <see cref="SystemAttributes.RetryOf"/> and
    /// <see cref="SystemAttributes.RetryCount"/>. The default value is 0.
    /// </summary>
    public int MaxRetries { get; set; }

    /// <summary>
    /// Decides whether a trial that failed for a reason other than an interruption is retried
    /// (within <see cref="MaxRetries"/>); it sees the finished trial, including its
    /// <see cref="SystemAttributes.FailureClass"/>. The default value is null: only interrupted trials are retried.
    /// </summary>
    public Func<FrozenTrial, bool>? RetryFailed { get; set; }

    /// <summary>
    /// How long after a failure its first retry may start; each further retry of the same trial waits
    /// twice as long as the one before, up to <see cref="MaxRetryBackoff"/>. The optimize loop that
    /// picks a retry up waits until then (the trial shows as running meanwhile). The default value is zero (no wait).
    /// </summary>
    public TimeSpan RetryBackoff { get; set; }

    /// <summary>The longest backoff before a retry, however many retries precede it: 5 minutes.</summary>
    public static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromMinutes(5);

    /// <summary>The process running trials, recorded on each trial. The default value is null (not recorded).</summary>
    public WorkerIdentity? Worker { get; set; }

    /// <summary>
    /// Tells whether another worker on this machine is alive, so that its abandoned trials are
    /// recovered at once instead of after <see cref="StaleAfter"/>. The default value is null (rely on heartbeats).
    /// </summary>
    public IWorkerLiveness? WorkerLiveness { get; set; }

    /// <summary>The clock. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many times a declared space is redrawn when a draw hits a forbidden combination. The default value is 100.</summary>
    public int MaxConstraintAttempts { get; set; } = 100;

    /// <summary>
    /// Deterministic-parallel mode: trial n is asked only when every trial numbered ≤ n − c has
    /// finished (c = <see cref="MaxConcurrent"/>), and the sampler is shown exactly those trials as
    /// finished and trials n − c + 1 … n − 1 as running, whatever their real state. The same seed
    /// then gives the same suggestions (and, for a deterministic objective, the same study) however
    /// many workers run and however long each trial takes. It costs throughput when trial durations
    /// are uneven, since a slow trial holds back the trial c places after it. Requires
    /// <see cref="MaxConcurrent"/>. The default value is false.
    /// </summary>
    public bool DeterministicParallel { get; set; }

    /// <summary>
    /// In <see cref="DeterministicParallel"/> mode, how often an ask that waits for earlier trials
    /// re-reads the storage (trials finished in this process wake it at once). The default value is 100 milliseconds.
    /// </summary>
    public TimeSpan DeterministicPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    internal void Validate()
    {
        if (DeterministicParallel && MaxConcurrent is null)
        {
            throw new ArgumentException("DeterministicParallel needs MaxConcurrent: the sampler's view of trial n depends on it.");
        }

        if (DeterministicPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DeterministicPollInterval must be positive, got {DeterministicPollInterval}.");
        }

        if (MaxConcurrent is < 1)
        {
            throw new ArgumentException($"MaxConcurrent must be at least 1, got {MaxConcurrent}.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || StaleAfter <= HeartbeatInterval)
        {
            throw new ArgumentException($"HeartbeatInterval ({HeartbeatInterval}) must be positive and shorter than StaleAfter ({StaleAfter}).");
        }

        if (RetryBackoff < TimeSpan.Zero || RetryBackoff > MaxRetryBackoff)
        {
            throw new ArgumentException($"RetryBackoff must be between 0 and {MaxRetryBackoff.TotalSeconds:0} s, got {RetryBackoff}.");
        }

        if (MaxRetries < 0 || MaxConstraintAttempts < 1)
        {
            throw new ArgumentException("MaxRetries must be ≥ 0 and MaxConstraintAttempts ≥ 1.");
        }
    }
}
