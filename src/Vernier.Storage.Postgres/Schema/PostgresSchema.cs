namespace Vernier.Storage.Postgres.Schema;

/// <summary>
/// Every version of the schema, as the steps that build it. To change the schema, append a step
/// with the next version number; never edit a step that has shipped, since databases already carry it.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Version 1: studies (with their trial-number counter) and trials, with values, parameters, intermediate values and attributes.</summary>
    /// <remarks>
    /// The same tables as the SQLite storage, so that both read alike. Enumerations are the lower-case
    /// wire names (<c>running</c>, <c>user</c>) so that <c>psql</c> shows readable rows. Times are
    /// <c>timestamptz</c> (microseconds). Objective and intermediate values are <c>double precision</c>,
    /// which keeps NaN and the infinities. Attribute values are the JSON text exactly as given
    /// (<c>text</c>, not <c>jsonb</c>, which would reorder keys). <c>studies.next_trial_number</c> is the
    /// counter that numbers trials: it is incremented in the transaction that inserts the trial, so a
    /// rolled-back insert leaves no gap, and its row lock orders concurrent creators of one study.
    /// Identity columns never reuse the ids of deleted studies and trials.
    /// </remarks>
    private const string Version1 = """
        CREATE TABLE studies (
            study_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name              text NOT NULL UNIQUE,
            directions        text NOT NULL,
            created_at        timestamptz NOT NULL,
            next_trial_number integer NOT NULL DEFAULT 0
        );

        CREATE TABLE study_attributes (
            study_id   bigint NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            scope      text NOT NULL CHECK (scope IN ('user', 'system')),
            key        text NOT NULL,
            value_json text NOT NULL,
            PRIMARY KEY (study_id, scope, key)
        );

        CREATE TABLE trials (
            trial_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            study_id     bigint NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            number       integer NOT NULL,
            state        text NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
            started_at   timestamptz,
            completed_at timestamptz,
            heartbeat_at timestamptz,
            fail_reason  text,
            UNIQUE (study_id, number)
        );

        CREATE INDEX trials_by_state ON trials (study_id, state, number);

        CREATE TABLE trial_values (
            trial_id  bigint NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            objective integer NOT NULL,
            value     double precision NOT NULL,
            PRIMARY KEY (trial_id, objective)
        );

        CREATE TABLE trial_params (
            trial_id       bigint NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            name           text NOT NULL,
            distribution   text NOT NULL,
            internal_value double precision NOT NULL,
            PRIMARY KEY (trial_id, name)
        );

        CREATE TABLE trial_intermediate_values (
            trial_id bigint NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            step     bigint NOT NULL,
            value    double precision NOT NULL,
            PRIMARY KEY (trial_id, step)
        );

        CREATE TABLE trial_attributes (
            trial_id   bigint NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            scope      text NOT NULL CHECK (scope IN ('user', 'system')),
            key        text NOT NULL,
            value_json text NOT NULL,
            PRIMARY KEY (trial_id, scope, key)
        );
        """;

    /// <summary>The steps, oldest first; the last one's version is the version this code writes.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "studies, trials, values, parameters, intermediate values and attributes", Version1),
    ];
}
