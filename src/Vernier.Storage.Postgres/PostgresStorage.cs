using System.Data;
using System.Globalization;
using Npgsql;
using Polly;
using Polly.Retry;
using Vernier.Storage.Postgres.Schema;

namespace Vernier.Storage.Postgres;

/// <summary>
/// Shared storage on a PostgreSQL server (<c>postgresql://user:password@host:port/database</c>):
/// many processes on many machines work on the same studies.
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> Every write is one transaction (READ COMMITTED). Creating a trial
/// increments the study's trial-number counter (<c>studies.next_trial_number</c>) in the same
/// transaction as the insert: the counter row's lock orders concurrent creators, and a rolled-back
/// insert rolls the counter back too, so numbers are dense and unique. Everything that makes a trial
/// Running (<see cref="CreateTrialAsync"/>, <see cref="ClaimWaitingTrialAsync"/>) takes that lock
/// before counting the running trials, so a <c>maxRunning</c> limit holds across all processes.
/// Each read is one statement, which sees one consistent snapshot.</para>
/// <para><b>Connections.</b> Connections are pooled (<see cref="PostgresStorageOptions.MaxPoolSize"/>)
/// and borrowed for one call at a time.</para>
/// <para><b>Retries.</b> Serialization failures and deadlocks are retried by running the whole
/// transaction again; lost or refused connections and timeouts are retried when the call is
/// idempotent or the failure came before the commit was sent, with exponential backoff and jitter
/// (<see cref="PostgresStorageOptions.MaxRetryAttempts"/>, <see cref="PostgresStorageOptions.RetryDelay"/>).
/// Cancelling a call rolls back its transaction; a call whose commit has been sent is not cancelled.
/// An error that retries cannot cure is thrown as a <see cref="VernierException"/> naming the server
/// (without the password), with Npgsql's exception as its inner exception.</para>
/// <para><b>Schema.</b> The tables live in one PostgreSQL schema (<c>public</c>, or <c>?schema=name</c>
/// in the URL, created when missing), which carries its version; the first call applies any newer
/// migrations in one transaction under an advisory lock, and a schema written by a newer Vernier is refused.</para>
/// <para><b>Format.</b> Times are <c>timestamptz</c> and keep microseconds (finer ticks are truncated);
/// distributions are <see cref="Vernier.Distributions.DistributionJson"/> text; attributes are their JSON text.</para>
/// </remarks>
public sealed partial class PostgresStorage : IStorage
{
    private static readonly ResiliencePropertyKey<bool> IdempotentKey = new("vernier.postgres.idempotent");
    private static readonly ResiliencePropertyKey<bool> CommitSentKey = new("vernier.postgres.commit-sent");

    private readonly NpgsqlDataSource _dataSource;
    private readonly ResiliencePipeline _retry;
    private readonly string _schema;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private volatile bool _migrated;
    private int _disposed;

    private PostgresStorage(PostgresUrl url, PostgresStorageOptions options)
    {
        Location = url.ToString();
        _schema = url.Schema;
        NpgsqlConnectionStringBuilder connection = url.ToConnectionStringBuilder();
        connection.MaxPoolSize = options.MaxPoolSize;
        connection.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);

        // The storage changes no session state, so a pooled connection needs no DISCARD ALL when it is returned: that reset
        // would also drop the server's cached plans (of vernier_create_trial's statements too) before every call. The few
        // statements every trial runs are prepared once per connection instead of parsed and planned on every call.
        connection.NoResetOnClose = true;
        connection.MaxAutoPrepare = 32;
        connection.AutoPrepareMinUsages = 2;
        _dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
        _retry = options.MaxRetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.RetryDelay,
                    MaxDelay = TimeSpan.FromSeconds(2),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is { } error
                        && TransientErrors.IsRetryable(
                            error,
                            args.Context.Properties.GetValue(IdempotentKey, false),
                            args.Context.Properties.GetValue(CommitSentKey, false))),
                })
                .Build();
    }

    /// <summary>Where the storage is, as a URL without the password: <c>postgresql://user@host:port/database</c> (and <c>?schema=</c>).</summary>
    public string Location { get; }

    /// <summary>A storage on the server that <paramref name="url"/> names; it connects (and migrates the schema) on first use.</summary>
    /// <param name="url">
    /// <c>postgresql://user:password@host:port/database?sslmode=require&amp;schema=name</c> (or <c>postgres://</c>).
    /// What it omits comes from the libpq environment variables PGHOST, PGPORT, PGUSER, PGPASSWORD,
    /// PGDATABASE (and PGSSLMODE, PGAPPNAME), then libpq's defaults (localhost, 5432, the OS user).
    /// </param>
    /// <param name="options">Pool and retry options; null for the defaults.</param>
    /// <returns>The storage; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The URL is malformed or an option is out of range; the message never contains the password.</exception>
    public static PostgresStorage Open(string url, PostgresStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        options?.Validate();
        return Open(PostgresUrl.Parse(url), options);
    }

    /// <summary>The URL with its password (if any) replaced by <c>****</c>, for messages and logs; safe on malformed URLs.</summary>
    /// <param name="url">A storage URL of any kind.</param>
    /// <example><c>postgresql://ada:secret@db/studies</c> becomes <c>postgresql://ada:****@db/studies</c>.</example>
    public static string RedactPassword(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return PostgresUrl.Redact(url);
    }

    /// <summary>A storage on the server that a parsed URL names; it connects on first use.</summary>
    internal static PostgresStorage Open(PostgresUrl url, PostgresStorageOptions? options = null)
    {
        options ??= new PostgresStorageOptions();
        options.Validate();
        return new PostgresStorage(url, options);
    }

    /// <summary>Connects to the server that <paramref name="url"/> names and brings the schema up to date now.</summary>
    /// <param name="url">As for <see cref="Open(string, PostgresStorageOptions?)"/>.</param>
    /// <param name="options">Pool and retry options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels connecting and migrating.</param>
    /// <returns>The storage; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The URL is malformed or an option is out of range.</exception>
    /// <exception cref="VernierException">The server cannot be reached or refuses the login, or the schema belongs to another program or a newer Vernier.</exception>
    /// <example>
    /// <code>
    /// await using PostgresStorage storage = await PostgresStorage.OpenAsync("postgresql://vernier@db.example.com/studies");
    /// </code>
    /// </example>
    public static async Task<PostgresStorage> OpenAsync(string url, PostgresStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        PostgresStorage storage = Open(url, options);
        try
        {
            await storage.EnsureMigratedAsync(cancellationToken);
            return storage;
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dataSource.DisposeAsync();
            _migrationGate.Dispose();
        }
    }

    /// <summary>Applies the schema's migrations once per handle, before its first call.</summary>
    internal async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrationGate.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
            {
                return;
            }

            await ExecuteAsync(
                async (connection, token) =>
                {
                    await SchemaMigrator.MigrateAsync(connection, _schema, PostgresSchema.Migrations, Location, token);
                    return true;
                },
                transactional: false,
                idempotent: true,
                cancellationToken);
            _migrated = true;
        }
        catch (VernierException e) when (e.InnerException is NpgsqlException cause)
        {
            throw new VernierException($"could not open the PostgreSQL storage {Location}: {cause.Message}", cause);
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> as one READ COMMITTED transaction on a pooled connection, retrying
    /// the whole transaction on errors that <see cref="TransientErrors"/> deems safe to retry.
    /// </summary>
    /// <param name="work">The statements; it gets the connection (commands on it join the transaction).</param>
    /// <param name="idempotent">Whether running the work twice has the same effect as once.</param>
    /// <param name="cancellationToken">Cancels the call before its commit; the transaction then rolls back.</param>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, bool idempotent, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await ExecuteAsync(work, transactional: true, idempotent, cancellationToken);
    }

    private Task WriteAsync(Func<NpgsqlConnection, CancellationToken, Task> work, bool idempotent, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, token) =>
            {
                await work(connection, token);
                return true;
            },
            idempotent,
            cancellationToken);

    /// <summary>Runs one writing statement outside a transaction (it commits as it runs): a round trip less than <see cref="WriteAsync{T}"/>.</summary>
    /// <param name="work">The statement.</param>
    /// <param name="idempotent">Whether running it twice has the same effect as once; if not, it is not retried once sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    private async Task<T> WriteOneStatementAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, bool idempotent, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await ExecuteAsync(work, transactional: false, idempotent, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> (one statement, or statements that need no common snapshot) outside a transaction; reads are always safe to retry.</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await ExecuteAsync(work, transactional: false, idempotent: true, cancellationToken);
    }

    /// <summary>One attempt per pipeline run: borrow a connection, do the work (in a transaction when asked), commit.</summary>
    private async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, bool transactional, bool idempotent, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(IdempotentKey, idempotent);
        try
        {
            return await _retry.ExecuteAsync(
                async ctx =>
                {
                    ctx.Properties.Set(CommitSentKey, false);
                    CancellationToken token = ctx.CancellationToken;
                    await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token);
                    if (!transactional)
                    {
                        // A statement that writes commits as it runs: once sent, its outcome is unknown on a lost connection.
                        ctx.Properties.Set(CommitSentKey, !idempotent);
                        return await work(connection, token);
                    }

                    await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token);
                    T result = await work(connection, token);

                    // From here a lost connection leaves the outcome unknown; the commit is not cancellable, so cancelling never does that.
                    ctx.Properties.Set(CommitSentKey, true);
                    await transaction.CommitAsync(CancellationToken.None);
                    return result;
                },
                context);
        }
        catch (NpgsqlException e)
        {
            // What retries could not cure (or must not touch): one clear error naming the server, never the password.
            throw new VernierException($"the PostgreSQL storage {Location} failed: {e.Message}", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task RequireStudyAsync(NpgsqlConnection connection, long studyId, CancellationToken cancellationToken)
    {
        if (!await connection.ExistsAsync("SELECT 1 FROM studies WHERE study_id = $1", cancellationToken, studyId))
        {
            throw StudyNotFound(studyId);
        }
    }

    private static StudyNotFoundException StudyNotFound(long studyId) => new(studyId.ToString(CultureInfo.InvariantCulture));
}
