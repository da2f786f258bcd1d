namespace Vernier.Storage.Sqlite.Schema;

/// <summary>
/// Every version of the schema, as the steps that build it. To change the schema, append a step
/// with the next version number; never edit a step that has shipped, since databases already carry it.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Version 1: studies and trials, with their values, parameters, intermediate values and attributes.</summary>
    /// <remarks>
    /// Enumerations are stored as the lower-case wire names (<c>running</c>, <c>user</c>) so that a
    /// <c>sqlite3</c> shell shows readable rows. Child tables key on the trial and are WITHOUT ROWID,
    /// so that reading all of a study's trials is one index range per table. AUTOINCREMENT keeps ids
    /// of deleted studies and trials from being reused by new ones.
    /// </remarks>
    private const string Version1 = """
        CREATE TABLE studies (
            study_id   INTEGER PRIMARY KEY AUTOINCREMENT,
            name       TEXT NOT NULL UNIQUE,
            directions TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE study_attributes (
            study_id   INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            scope      TEXT NOT NULL CHECK (scope IN ('user', 'system')),
            key        TEXT NOT NULL,
            value_json TEXT NOT NULL,
            PRIMARY KEY (study_id, scope, key)
        ) WITHOUT ROWID;

        CREATE TABLE trials (
            trial_id     INTEGER PRIMARY KEY AUTOINCREMENT,
            study_id     INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            number       INTEGER NOT NULL,
            state        TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
            started_at   TEXT,
            completed_at TEXT,
            heartbeat_at TEXT,
            fail_reason  TEXT,
            UNIQUE (study_id, number)
        );

        CREATE INDEX trials_by_state ON trials (study_id, state, number);

        CREATE TABLE trial_values (
            trial_id  INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            objective INTEGER NOT NULL,
            value     REAL,
            PRIMARY KEY (trial_id, objective)
        ) WITHOUT ROWID;

        CREATE TABLE trial_params (
            trial_id       INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            name           TEXT NOT NULL,
            distribution   TEXT NOT NULL,
            internal_value REAL NOT NULL,
            PRIMARY KEY (trial_id, name)
        ) WITHOUT ROWID;

        CREATE TABLE trial_intermediate_values (
            trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            step     INTEGER NOT NULL,
            value    REAL,
            PRIMARY KEY (trial_id, step)
        ) WITHOUT ROWID;

        CREATE TABLE trial_attributes (
            trial_id   INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            scope      TEXT NOT NULL CHECK (scope IN ('user', 'system')),
            key        TEXT NOT NULL,
            value_json TEXT NOT NULL,
            PRIMARY KEY (trial_id, scope, key)
        ) WITHOUT ROWID;
        """;

    /// <summary>The steps, oldest first; the last one's version is the version this code writes.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "studies, trials, values, parameters, intermediate values and attributes", Version1),
    ];
}
