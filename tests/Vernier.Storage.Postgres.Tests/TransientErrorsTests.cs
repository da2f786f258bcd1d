using System.Net.Sockets;
using Npgsql;

namespace Vernier.Storage.Postgres.Tests;

public class TransientErrorsTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    public void RolledBackByTheServer_IsRetriedEvenWhenNotIdempotentAndDuringCommit(string sqlState)
    {
        TransientErrors.IsRetryable(Server(sqlState), idempotent: false, commitSent: true).ShouldBeTrue();
    }

    [Fact]
    public void LostConnection_BeforeTheCommit_IsRetried()
    {
        TransientErrors.IsRetryable(LostConnection(), idempotent: false, commitSent: false).ShouldBeTrue();
    }

    [Fact]
    public void LostConnection_DuringTheCommitOfANonIdempotentCall_IsNotRetried()
    {
        TransientErrors.IsRetryable(LostConnection(), idempotent: false, commitSent: true).ShouldBeFalse();
    }

    [Fact]
    public void LostConnection_DuringTheCommitOfAnIdempotentCall_IsRetried()
    {
        TransientErrors.IsRetryable(LostConnection(), idempotent: true, commitSent: true).ShouldBeTrue();
    }

    [Fact]
    public void ServerStartingUpOrFull_IsRetried()
    {
        TransientErrors.IsRetryable(Server(PostgresErrorCodes.CannotConnectNow), idempotent: false, commitSent: false).ShouldBeTrue();
        TransientErrors.IsRetryable(Server(PostgresErrorCodes.TooManyConnections), idempotent: false, commitSent: false).ShouldBeTrue();
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    [InlineData(PostgresErrorCodes.InvalidPassword)]
    public void PermanentServerErrors_AreNeverRetried(string sqlState)
    {
        TransientErrors.IsRetryable(Server(sqlState), idempotent: true, commitSent: false).ShouldBeFalse();
    }

    [Fact]
    public void Cancellation_IsNeverRetried()
    {
        TransientErrors.IsRetryable(new OperationCanceledException(), idempotent: true, commitSent: false).ShouldBeFalse();
    }

    private static PostgresException Server(string sqlState) => new("simulated", "ERROR", "ERROR", sqlState);

    private static NpgsqlException LostConnection() => new("Exception while reading from stream", new IOException("connection reset", new SocketException(104)));
}
