namespace Vernier.Storage.Sqlite;

/// <summary>How <see cref="SqliteStorage.Open"/> opens a database file.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// How long a write waits while another connection or process holds the database's write lock
    /// before it fails with <c>database is locked</c>. Writes are short, so this is only reached when
    /// something holds the file for a long time (a backup, a stuck <c>sqlite3</c> shell).
    /// The default value is 30 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a missing file, and its folder, are created (with an empty schema). When false, opening
    /// a missing file fails: the right choice for tools that only read results.
    /// The default value is true.
    /// </summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>
    /// Whether every commit is flushed to the disk (<c>PRAGMA synchronous=FULL</c>), so that committed
    /// trials also survive a power loss or an operating-system crash, at some cost per write. When
    /// false (<c>synchronous=NORMAL</c>, with the write-ahead log), a committed trial survives the
    /// process being killed at any moment, but the last commits may be lost if the machine itself goes down.
    /// The default value is false.
    /// </summary>
    public bool DurableAgainstPowerLoss { get; set; }

    /// <summary>Throws when an option is out of range.</summary>
    internal void Validate()
    {
        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException(
                $"BusyTimeout must be positive and at most {TimeSpan.FromMilliseconds(int.MaxValue)}, got {BusyTimeout}.", nameof(BusyTimeout));
        }
    }
}
