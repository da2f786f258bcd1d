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

    /// <summary>Version 2: creating or claiming a trial is one server-side call, so the study row's lock is held for no round trip.</summary>
    /// <remarks>
    /// <c>vernier_create_trial</c> does what the client used to do in a transaction of four or five round trips:
    /// take the study row's lock and the next number, check the running limit and the trial budget, and insert
    /// the trial with its child rows. It runs as one statement (its own transaction when called outside one), and
    /// each statement inside it sees every trial that earlier lock holders committed (READ COMMITTED takes a new
    /// snapshot per statement of a volatile function). A refusal raises an error, which rolls the number back:
    /// <c>VN404</c> no such study, <c>VN429</c> the running limit, <c>VN410</c> the budget. The budget counts what
    /// <c>TrialBudget.Counts</c> counts (<c>vernier_counted_trials</c>): every trial but waiting ones and failed ones
    /// marked <c>interrupted</c> or <c>retried</c> (the system attributes of those names). <c>vernier_claim_trial</c>
    /// answers "nothing waits" from the index without the lock (most asks), and otherwise claims the lowest-numbered
    /// waiting trial under the lock and sets the given system attributes on it; it returns the claimed trial's id.
    /// <c>vernier_claim_or_create_trial</c> is an ask in one call: it claims a waiting trial if it can, else creates one.
    /// </remarks>
    private const string Version2 = """
        CREATE FUNCTION vernier_counted_trials(p_study bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $body$
            SELECT (SELECT count(*) FROM trials WHERE study_id = p_study AND state <> 'waiting')
                 - (SELECT count(*) FROM trials t
                    WHERE t.study_id = p_study AND t.state = 'failed' AND EXISTS (
                        SELECT 1 FROM trial_attributes a
                        WHERE a.trial_id = t.trial_id AND a.scope = 'system' AND a.key IN ('interrupted', 'retried')))
        $body$;

        CREATE FUNCTION vernier_claim_trial(
            p_study bigint, p_started timestamptz, p_max_running integer, p_max_counted integer,
            p_scopes text[], p_keys text[], p_jsons text[])
        RETURNS bigint LANGUAGE plpgsql AS $body$
        DECLARE
            claimed bigint;
            total integer;
        BEGIN
            -- Most asks find nothing waiting: they learn it from the index, without the study's lock.
            IF NOT EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND state = 'waiting') THEN
                IF NOT EXISTS (SELECT 1 FROM studies WHERE study_id = p_study) THEN
                    RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
                END IF;
                RETURN NULL;
            END IF;

            SELECT next_trial_number INTO total FROM studies WHERE study_id = p_study FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
            END IF;

            -- The study holds total trials (numbers are dense), so fewer than the budget needs no count.
            IF p_max_counted IS NOT NULL AND total >= p_max_counted AND vernier_counted_trials(p_study) >= p_max_counted THEN
                RAISE EXCEPTION 'trial budget % used up', p_max_counted USING ERRCODE = 'VN410';
            END IF;

            IF p_max_running IS NOT NULL
               AND (SELECT count(*) FROM trials t WHERE t.study_id = p_study AND t.state = 'running') >= p_max_running THEN
                RETURN NULL;
            END IF;

            UPDATE trials SET state = 'running', started_at = p_started
                WHERE trial_id = (SELECT w.trial_id FROM trials w WHERE w.study_id = p_study AND w.state = 'waiting' ORDER BY w.number LIMIT 1)
                  AND state = 'waiting'
                RETURNING trial_id INTO claimed;
            IF claimed IS NOT NULL THEN
                INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                    SELECT claimed, u.scope, u.key, u.value_json FROM unnest(p_scopes, p_keys, p_jsons) AS u (scope, key, value_json)
                    ON CONFLICT (trial_id, scope, key) DO UPDATE SET value_json = excluded.value_json;
            END IF;

            RETURN claimed;
        END
        $body$;

        CREATE FUNCTION vernier_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer,
            OUT new_trial_id bigint, OUT new_number integer)
        LANGUAGE plpgsql AS $body$
        BEGIN
            UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE study_id = p_study
                RETURNING next_trial_number - 1 INTO new_number;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
            END IF;

            IF p_state = 'running' AND p_max_running IS NOT NULL
               AND (SELECT count(*) FROM trials t WHERE t.study_id = p_study AND t.state = 'running') >= p_max_running THEN
                RAISE EXCEPTION 'running limit % reached', p_max_running USING ERRCODE = 'VN429';
            END IF;

            -- The study holds new_number trials (numbers are dense), so fewer than the budget needs no count.
            IF p_state <> 'waiting' AND p_max_counted IS NOT NULL AND new_number >= p_max_counted
               AND vernier_counted_trials(p_study) >= p_max_counted THEN
                RAISE EXCEPTION 'trial budget % used up', p_max_counted USING ERRCODE = 'VN410';
            END IF;

            INSERT INTO trials (study_id, number, state, started_at, completed_at, fail_reason, heartbeat_at)
                VALUES (p_study, new_number, p_state, p_started, p_completed, p_reason, p_heartbeat)
                RETURNING trial_id INTO new_trial_id;
            INSERT INTO trial_values (trial_id, objective, value)
                SELECT new_trial_id, u.ord - 1, u.value FROM unnest(p_values) WITH ORDINALITY AS u (value, ord);
            INSERT INTO trial_params (trial_id, name, distribution, internal_value)
                SELECT new_trial_id, u.name, u.distribution, u.internal_value
                FROM unnest(p_param_names, p_param_distributions, p_param_values) AS u (name, distribution, internal_value);
            INSERT INTO trial_intermediate_values (trial_id, step, value)
                SELECT new_trial_id, u.step, u.value FROM unnest(p_steps, p_step_values) AS u (step, value);
            INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                SELECT new_trial_id, u.scope, u.key, u.value_json FROM unnest(p_scopes, p_keys, p_jsons) AS u (scope, key, value_json);
        END
        $body$;

        CREATE FUNCTION vernier_claim_or_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer,
            OUT new_trial_id bigint, OUT new_number integer, OUT claimed boolean)
        LANGUAGE plpgsql AS $body$
        BEGIN
            new_trial_id := vernier_claim_trial(p_study, p_started, p_max_running, p_max_counted, p_scopes, p_keys, p_jsons);
            IF new_trial_id IS NOT NULL THEN
                claimed := true;
                IF p_heartbeat IS NOT NULL THEN
                    UPDATE trials SET heartbeat_at = p_heartbeat WHERE trial_id = new_trial_id;
                END IF;
                RETURN;
            END IF;

            claimed := false;
            SELECT c.new_trial_id, c.new_number INTO new_trial_id, new_number
            FROM vernier_create_trial(p_study, p_state, p_started, p_completed, p_reason, p_heartbeat, p_values, p_param_names,
                                      p_param_distributions, p_param_values, p_steps, p_step_values, p_scopes, p_keys, p_jsons,
                                      p_max_running, p_max_counted) c;
        END
        $body$;
        """;

    /// <summary>Version 3: the ask's server-side work shortened, so that the study row's lock is held for less time.</summary>
    /// <remarks>
    /// <c>vernier_create_trial</c> skips the inserts of child rows it has none of (an asked trial has none; each empty
    /// insert still cost an executor start and a trigger pass while the study row was locked), and
    /// <c>vernier_claim_or_create_trial</c> looks for a waiting trial itself before calling <c>vernier_claim_trial</c>,
    /// a nested call that most asks (nothing waits) no longer make. Same arguments, results and errors as version 2.
    /// </remarks>
    private const string Version3 = """
        CREATE OR REPLACE FUNCTION vernier_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer,
            OUT new_trial_id bigint, OUT new_number integer)
        LANGUAGE plpgsql AS $body$
        BEGIN
            UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE study_id = p_study
                RETURNING next_trial_number - 1 INTO new_number;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
            END IF;
            IF p_state = 'running' AND p_max_running IS NOT NULL
               AND (SELECT count(*) FROM trials t WHERE t.study_id = p_study AND t.state = 'running') >= p_max_running THEN
                RAISE EXCEPTION 'running limit % reached', p_max_running USING ERRCODE = 'VN429';
            END IF;
            IF p_state <> 'waiting' AND p_max_counted IS NOT NULL AND new_number >= p_max_counted
               AND vernier_counted_trials(p_study) >= p_max_counted THEN
                RAISE EXCEPTION 'trial budget % used up', p_max_counted USING ERRCODE = 'VN410';
            END IF;
            INSERT INTO trials (study_id, number, state, started_at, completed_at, fail_reason, heartbeat_at)
                VALUES (p_study, new_number, p_state, p_started, p_completed, p_reason, p_heartbeat)
                RETURNING trial_id INTO new_trial_id;
            IF p_values IS NOT NULL THEN
                INSERT INTO trial_values (trial_id, objective, value)
                    SELECT new_trial_id, u.ord - 1, u.value FROM unnest(p_values) WITH ORDINALITY AS u (value, ord);
            END IF;
            IF p_param_names IS NOT NULL THEN
                INSERT INTO trial_params (trial_id, name, distribution, internal_value)
                    SELECT new_trial_id, u.name, u.distribution, u.internal_value
                    FROM unnest(p_param_names, p_param_distributions, p_param_values) AS u (name, distribution, internal_value);
            END IF;
            IF p_steps IS NOT NULL THEN
                INSERT INTO trial_intermediate_values (trial_id, step, value)
                    SELECT new_trial_id, u.step, u.value FROM unnest(p_steps, p_step_values) AS u (step, value);
            END IF;
            IF p_scopes IS NOT NULL THEN
                INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                    SELECT new_trial_id, u.scope, u.key, u.value_json FROM unnest(p_scopes, p_keys, p_jsons) AS u (scope, key, value_json);
            END IF;
        END
        $body$;

        CREATE OR REPLACE FUNCTION vernier_claim_or_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer,
            OUT new_trial_id bigint, OUT new_number integer, OUT claimed boolean)
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND state = 'waiting') THEN
                new_trial_id := vernier_claim_trial(p_study, p_started, p_max_running, p_max_counted, p_scopes, p_keys, p_jsons);
                IF new_trial_id IS NOT NULL THEN
                    claimed := true;
                    IF p_heartbeat IS NOT NULL THEN
                        UPDATE trials SET heartbeat_at = p_heartbeat WHERE trial_id = new_trial_id;
                    END IF;
                    RETURN;
                END IF;
            END IF;
            claimed := false;
            SELECT c.new_trial_id, c.new_number INTO new_trial_id, new_number
            FROM vernier_create_trial(p_study, p_state, p_started, p_completed, p_reason, p_heartbeat, p_values, p_param_names,
                                      p_param_distributions, p_param_values, p_steps, p_step_values, p_scopes, p_keys, p_jsons,
                                      p_max_running, p_max_counted) c;
        END
        $body$;
        """;

    /// <summary>Version 4: the worker that runs a trial is a column of <c>trials</c>, not a row of <c>trial_attributes</c>.</summary>
    /// <remarks>
    /// The system attribute <c>worker</c> (<c>SystemAttributes.Worker</c>) is written with every asked trial, while the study
    /// row's lock is held; as an attribute row it cost an insert, an index entry and a foreign-key check under that lock. It is
    /// now <c>trials.worker_json</c> (the same JSON text), which reads still return as the system attribute <c>worker</c>; the
    /// step moves the rows already written. The three trial functions take it as a last argument <c>p_worker</c> (NULL: none,
    /// or for a claim, keep the one stored); otherwise they do what version 3's do. Version 3's functions stay (these are
    /// overloads): a worker of the previous version that was already running when the schema moved on keeps working until it
    /// restarts (and refuses the newer schema); its trials keep the worker as an attribute row, which reads still return.
    /// </remarks>
    private const string Version4 = """
        ALTER TABLE trials ADD COLUMN worker_json text;
        UPDATE trials t SET worker_json = a.value_json FROM trial_attributes a
            WHERE a.trial_id = t.trial_id AND a.scope = 'system' AND a.key = 'worker';
        DELETE FROM trial_attributes WHERE scope = 'system' AND key = 'worker';

        CREATE FUNCTION vernier_claim_trial(
            p_study bigint, p_started timestamptz, p_max_running integer, p_max_counted integer,
            p_scopes text[], p_keys text[], p_jsons text[], p_worker text)
        RETURNS bigint LANGUAGE plpgsql AS $body$
        DECLARE
            claimed bigint;
            total integer;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND state = 'waiting') THEN
                IF NOT EXISTS (SELECT 1 FROM studies WHERE study_id = p_study) THEN
                    RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
                END IF;
                RETURN NULL;
            END IF;
            SELECT next_trial_number INTO total FROM studies WHERE study_id = p_study FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
            END IF;
            IF p_max_counted IS NOT NULL AND total >= p_max_counted AND vernier_counted_trials(p_study) >= p_max_counted THEN
                RAISE EXCEPTION 'trial budget % used up', p_max_counted USING ERRCODE = 'VN410';
            END IF;
            IF p_max_running IS NOT NULL
               AND (SELECT count(*) FROM trials t WHERE t.study_id = p_study AND t.state = 'running') >= p_max_running THEN
                RETURN NULL;
            END IF;
            UPDATE trials SET state = 'running', started_at = p_started, worker_json = coalesce(p_worker, worker_json)
                WHERE trial_id = (SELECT w.trial_id FROM trials w WHERE w.study_id = p_study AND w.state = 'waiting' ORDER BY w.number LIMIT 1)
                  AND state = 'waiting'
                RETURNING trial_id INTO claimed;
            IF claimed IS NOT NULL AND p_scopes IS NOT NULL THEN
                INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                    SELECT claimed, u.scope, u.key, u.value_json FROM unnest(p_scopes, p_keys, p_jsons) AS u (scope, key, value_json)
                    ON CONFLICT (trial_id, scope, key) DO UPDATE SET value_json = excluded.value_json;
            END IF;
            RETURN claimed;
        END
        $body$;

        CREATE FUNCTION vernier_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer, p_worker text,
            OUT new_trial_id bigint, OUT new_number integer)
        LANGUAGE plpgsql AS $body$
        BEGIN
            UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE study_id = p_study
                RETURNING next_trial_number - 1 INTO new_number;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no study with id %', p_study USING ERRCODE = 'VN404';
            END IF;
            IF p_state = 'running' AND p_max_running IS NOT NULL
               AND (SELECT count(*) FROM trials t WHERE t.study_id = p_study AND t.state = 'running') >= p_max_running THEN
                RAISE EXCEPTION 'running limit % reached', p_max_running USING ERRCODE = 'VN429';
            END IF;
            IF p_state <> 'waiting' AND p_max_counted IS NOT NULL AND new_number >= p_max_counted
               AND vernier_counted_trials(p_study) >= p_max_counted THEN
                RAISE EXCEPTION 'trial budget % used up', p_max_counted USING ERRCODE = 'VN410';
            END IF;
            INSERT INTO trials (study_id, number, state, started_at, completed_at, fail_reason, heartbeat_at, worker_json)
                VALUES (p_study, new_number, p_state, p_started, p_completed, p_reason, p_heartbeat, p_worker)
                RETURNING trial_id INTO new_trial_id;
            IF p_values IS NOT NULL THEN
                INSERT INTO trial_values (trial_id, objective, value)
                    SELECT new_trial_id, u.ord - 1, u.value FROM unnest(p_values) WITH ORDINALITY AS u (value, ord);
            END IF;
            IF p_param_names IS NOT NULL THEN
                INSERT INTO trial_params (trial_id, name, distribution, internal_value)
                    SELECT new_trial_id, u.name, u.distribution, u.internal_value
                    FROM unnest(p_param_names, p_param_distributions, p_param_values) AS u (name, distribution, internal_value);
            END IF;
            IF p_steps IS NOT NULL THEN
                INSERT INTO trial_intermediate_values (trial_id, step, value)
                    SELECT new_trial_id, u.step, u.value FROM unnest(p_steps, p_step_values) AS u (step, value);
            END IF;
            IF p_scopes IS NOT NULL THEN
                INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                    SELECT new_trial_id, u.scope, u.key, u.value_json FROM unnest(p_scopes, p_keys, p_jsons) AS u (scope, key, value_json);
            END IF;
        END
        $body$;

        CREATE FUNCTION vernier_claim_or_create_trial(
            p_study bigint, p_state text, p_started timestamptz, p_completed timestamptz, p_reason text, p_heartbeat timestamptz,
            p_values float8[], p_param_names text[], p_param_distributions text[], p_param_values float8[],
            p_steps bigint[], p_step_values float8[], p_scopes text[], p_keys text[], p_jsons text[],
            p_max_running integer, p_max_counted integer, p_worker text,
            OUT new_trial_id bigint, OUT new_number integer, OUT claimed boolean)
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND state = 'waiting') THEN
                new_trial_id := vernier_claim_trial(p_study, p_started, p_max_running, p_max_counted, p_scopes, p_keys, p_jsons, p_worker);
                IF new_trial_id IS NOT NULL THEN
                    claimed := true;
                    IF p_heartbeat IS NOT NULL THEN
                        UPDATE trials SET heartbeat_at = p_heartbeat WHERE trial_id = new_trial_id;
                    END IF;
                    RETURN;
                END IF;
            END IF;
            claimed := false;
            SELECT c.new_trial_id, c.new_number INTO new_trial_id, new_number
            FROM vernier_create_trial(p_study, p_state, p_started, p_completed, p_reason, p_heartbeat, p_values, p_param_names,
                                      p_param_distributions, p_param_values, p_steps, p_step_values, p_scopes, p_keys, p_jsons,
                                      p_max_running, p_max_counted, p_worker) c;
        END
        $body$;
        """;

    /// <summary>The steps, oldest first; the last one's version is the version this code writes.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "studies, trials, values, parameters, intermediate values and attributes", Version1),
        new(2, "vernier_create_trial, vernier_claim_trial, vernier_claim_or_create_trial: a trial created or claimed in one call", Version2),
        new(3, "vernier_create_trial skips empty child inserts; vernier_claim_or_create_trial calls vernier_claim_trial only when a trial waits", Version3),
        new(4, "trials.worker_json holds the system attribute worker; the trial functions take it as p_worker", Version4),
    ];
}
