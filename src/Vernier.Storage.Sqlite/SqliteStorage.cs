using System.Globalization;
using Microsoft.Data.Sqlite;
using Vernier.Storage.Sqlite.Schema;

namespace Vernier.Storage.Sqlite;

/// <summary>
/// The embedded default storage: every study in one SQLite file (<c>sqlite:///study.db</c>), shared
/// safely by several threads and several processes on one machine.
/// </summary>
/// <remarks>
/// <para><b>Durability.</b> The file uses the write-ahead log (WAL) with <c>synchronous=NORMAL</c>:
/// a commit has reached the operating system before the call returns, so a trial whose
/// <see cref="FinishTrialAsync"/> returned survives the process being killed (SIGKILL, a crash)
/// at any moment. Only a power loss or operating-system crash can lose the last commits; set
/// <see cref="SqliteStorageOptions.DurableAgainstPowerLoss"/> to rule that out too.</para>
/// <para><b>Concurrency.</b> Every write is one transaction begun with <c>BEGIN IMMEDIATE</c>, which
/// takes the file's write lock before reading, so that two processes never read the same next trial
/// number or running count. Writers from one handle queue in the process; writers from other
/// processes wait up to <see cref="SqliteStorageOptions.BusyTimeout"/> for the lock. Readers never
/// wait for writers, and each read sees one consistent snapshot.</para>
/// <para><b>Schema.</b> The file carries its schema version; opening it applies any newer migrations,
/// and refuses a file written by a newer Vernier.</para>
/// <para><b>Format.</b> Times are stored as ISO-8601 UTC text exact to the tick (100 ns) and read back
/// with a zero offset; distributions as <see cref="Vernier.Distributions.DistributionJson"/>; attributes as
/// JSON text; parameters' internal values and objective values as REAL (NaN as NULL).</para>
/// <para>Calls complete synchronously (the SQLite library has no asynchronous I/O), except that
/// writers wait for each other asynchronously.</para>
/// </remarks>
public sealed partial class SqliteStorage : IStorage
{
    private readonly string _connectionString;
    private readonly string _connectionSetup;

    // Writers of this handle queue here instead of polling SQLite's lock, which is fairer and frees threads.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _disposed;

    private SqliteStorage(string filePath, string connectionString, string connectionSetup)
    {
        FilePath = filePath;
        _connectionString = connectionString;
        _connectionSetup = connectionSetup;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Opens (by default creating) a database file and brings its schema up to date.</summary>
    /// <param name="urlOrPath">
    /// <c>sqlite:///relative/path.db</c> (relative to the current directory),
    /// <c>sqlite:////absolute/path.db</c>, or a plain file path.
    /// </param>
    /// <param name="options">How to open it; null for the defaults.</param>
    /// <returns>The storage; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The URL is not a SQLite URL or path, or an option is out of range.</exception>
    /// <exception cref="VernierException">
    /// The file is missing (and <see cref="SqliteStorageOptions.CreateIfMissing"/> is false), is not a
    /// Vernier database, has a newer schema than this version knows, or cannot be opened.
    /// </exception>
    /// <example>
    /// <code>
    /// await using SqliteStorage storage = SqliteStorage.Open("sqlite:///runs/study.db");
    /// </code>
    /// </example>
    public static SqliteStorage Open(string urlOrPath, SqliteStorageOptions? options = null)
    {
        options ??= new SqliteStorageOptions();
        options.Validate();
        string path = Path.GetFullPath(SqliteUrl.ToFilePath(urlOrPath));
        if (options.CreateIfMissing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        else if (!File.Exists(path))
        {
            throw new VernierException($"the SQLite database '{path}' does not exist.");
        }

        int busyMilliseconds = (int)Math.Ceiling(options.BusyTimeout.TotalMilliseconds);
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = options.CreateIfMissing ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Microsoft.Data.Sqlite also retries busy statements until its command timeout (whole seconds): keep it in step with busy_timeout.
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();

        // WAL + synchronous=NORMAL: a commit has been written to the log (in the OS's hands) when it returns, so
        // killing the process loses nothing committed; only power loss can. FULL adds an fsync per commit for that.
        string setup = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMilliseconds}; PRAGMA synchronous = {(options.DurableAgainstPowerLoss ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;");

        var storage = new SqliteStorage(path, connectionString, setup);
        try
        {
            storage.Initialize();
        }
        catch (SqliteException e)
        {
            storage.ClearPool();
            throw new VernierException($"could not open the SQLite database '{path}': {e.Message}", e);
        }
        catch
        {
            storage.ClearPool();
            throw;
        }

        return storage;
    }

    /// <summary>Releases the pooled connections to the file.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ClearPool();
        }

        return ValueTask.CompletedTask;
    }

    private void Initialize()
    {
        using SqliteConnection connection = OpenConnection();

        // WAL is a property of the file: set once, it holds for every later connection and process.
        using (SqliteCommand command = connection.Command("PRAGMA journal_mode = WAL"))
        {
            string mode = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new VernierException($"could not switch '{FilePath}' to write-ahead logging (journal mode is '{mode}'); is it on a network file system?");
            }
        }

        SchemaMigrator.Migrate(connection, SqliteSchema.Migrations, FilePath);
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();

            // Per-connection settings; cheap, and pooled connections keep them anyway.
            connection.Execute(_connectionSetup);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> as one write transaction (BEGIN IMMEDIATE); an exception rolls it back.
    /// Cancellation is observed only while waiting to start: a write that has begun is finished, never half-done.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using SqliteConnection connection = OpenConnection();
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            T result = work(connection);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task WriteAsync(Action<SqliteConnection> work, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            work(connection);
            return true;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one read transaction, so that all its queries see one snapshot.</summary>
    private Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            using SqliteConnection connection = OpenConnection();
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            T result = work(connection);
            transaction.Commit();
            return Task.FromResult(result);
        }
        catch (OperationCanceledException e) when (e.CancellationToken == cancellationToken)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private static void RequireStudy(SqliteConnection connection, long studyId)
    {
        if (!connection.Exists("SELECT 1 FROM studies WHERE study_id = $study", ("$study", studyId)))
        {
            throw new StudyNotFoundException(studyId.ToString(CultureInfo.InvariantCulture));
        }
    }
}
