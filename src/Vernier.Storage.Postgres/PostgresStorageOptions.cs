namespace Vernier.Storage.Postgres;

/// <summary>How <see cref="PostgresStorage"/> connects to the server and retries transient errors.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>
    /// The most connections this storage keeps open to the server (its pool). Each call borrows one
    /// for its duration. Count them against the server's <c>max_connections</c> (100 by default) times
    /// the number of worker processes.
    /// The default value is 20.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>
    /// How long one SQL statement may run before it is cancelled and the call fails (or is retried, when that is safe).
    /// The default value is 30 seconds.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a call is retried after a transient error (a serialization failure, a deadlock,
    /// a lost or refused connection) before the error is thrown; 0 turns retries off.
    /// The default value is 5.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>
    /// The delay before the first retry; each further retry waits about twice as long (with random
    /// jitter, so that processes that failed together do not retry together), at most 2 seconds.
    /// The default value is 50 milliseconds.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Throws when an option is out of range.</summary>
    internal void Validate()
    {
        if (MaxPoolSize is < 1 or > 1000)
        {
            throw new ArgumentException($"MaxPoolSize must be from 1 to 1000, got {MaxPoolSize}.", nameof(MaxPoolSize));
        }

        if (CommandTimeout < TimeSpan.FromSeconds(1) || CommandTimeout.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentException($"CommandTimeout must be at least 1 second, got {CommandTimeout}.", nameof(CommandTimeout));
        }

        if (MaxRetryAttempts is < 0 or > 100)
        {
            throw new ArgumentException($"MaxRetryAttempts must be from 0 to 100, got {MaxRetryAttempts}.", nameof(MaxRetryAttempts));
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"RetryDelay must be from 0 to 1 minute, got {RetryDelay}.", nameof(RetryDelay));
        }
    }
}
