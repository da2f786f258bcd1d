namespace Vernier.Storage.Sqlite.Tests.Support;

/// <summary>
/// A frozen copy of schema version 1 as it shipped, with sample rows: how files written by that
/// version look on disk. Never edit it; if the schema changes, add a migration and keep this.
/// </summary>
internal static class SchemaVersion1
{
    public const string Schema = """
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL);
        INSERT INTO schema_version VALUES (1, 'studies, trials, values, parameters, intermediate values and attributes');

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

    /// <summary>One two-objective study with a complete trial (NaN stored as NULL) and a waiting one.</summary>
    public const string Rows = """
        INSERT INTO studies VALUES (1, 'legacy', '["minimize","maximize"]', '2024-01-02T03:04:05.6789012Z');
        INSERT INTO study_attributes VALUES (1, 'system', 'seed', '42'), (1, 'user', 'owner', '"ada"');
        INSERT INTO trials VALUES (1, 1, 0, 'complete', '2024-01-02T03:05:00.0000000Z', '2024-01-02T03:06:00.5000000Z', '2024-01-02T03:05:30.0000000Z', NULL);
        INSERT INTO trials VALUES (2, 1, 1, 'waiting', NULL, NULL, NULL, NULL);
        INSERT INTO trial_values VALUES (1, 0, 0.25), (1, 1, 3.5);
        INSERT INTO trial_params VALUES
            (1, 'lr', '{"type":"float","low":1E-05,"high":0.1,"log":true,"step":null}', 0.001),
            (1, 'layers', '{"type":"int","low":1,"high":8,"log":false,"step":1}', 3),
            (1, 'act', '{"type":"categorical","choices":["relu",16,0.5,true,null]}', 1),
            (2, 'layers', '{"type":"int","low":1,"high":8,"log":false,"step":1}', 5);
        INSERT INTO trial_intermediate_values VALUES (1, 0, 0.9), (1, 1, NULL);
        INSERT INTO trial_attributes VALUES (1, 'user', 'note', '{"k":[1,2]}');
        """;
}
