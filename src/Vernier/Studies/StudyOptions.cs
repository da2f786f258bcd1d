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
    /// How many times a trial that failed because its worker died or was interrupted is retried
    /// with the same parameters (as a new, linked trial). The default value is 0.
    /// </summary>
    public int MaxRetries { get; set; }

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

        if (MaxRetries < 0 || MaxConstraintAttempts < 1)
        {
            throw new ArgumentException("MaxRetries must be ≥ 0 and MaxConstraintAttempts ≥ 1.");
        }
    }
}
