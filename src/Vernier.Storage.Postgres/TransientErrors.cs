using Npgsql;

namespace Vernier.Storage.Postgres;

/// <summary>Which errors a retry can cure, and when retrying is safe.</summary>
/// <remarks>
/// <para>A serialization failure (<c>40001</c>) or a deadlock (<c>40P01</c>) means the server rolled the
/// transaction back: running the whole transaction again is always safe.</para>
/// <para>Other transient errors (a refused, lost or timed-out connection; the server starting up or
/// out of connections) are safe to retry when the call is idempotent (reads, upserts, heartbeats),
/// or when they happened before the <c>COMMIT</c> was sent: a transaction that never committed was
/// rolled back by the server. A connection lost during the <c>COMMIT</c> of a call that is not
/// idempotent (creating a trial, finishing one) leaves its outcome unknown, so the error is thrown
/// rather than risk doing the work twice.</para>
/// <para>Cancellation and every other error (a constraint violation, a syntax error) are never retried.</para>
/// </remarks>
internal static class TransientErrors
{
    public static bool IsRetryable(Exception error, bool idempotent, bool commitSent)
    {
        if (error is OperationCanceledException)
        {
            return false;
        }

        if (error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
        {
            return true;
        }

        return error is NpgsqlException { IsTransient: true } && (idempotent || !commitSent);
    }
}
