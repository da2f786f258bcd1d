using Npgsql;
using Vernier.Storage.Postgres.Schema;
using Vernier.Storage.Postgres.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres.Tests.Schema;

public sealed class SchemaMigrationTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Migrate_NewSchema_AppliesEveryStepFromZeroThenNothing()
    {
        PostgresUrl url = database.NewSchema("m");
        await using NpgsqlConnection connection = await TestServer.ConnectAsync(database.Url);

        (await MigrateAsync(connection, url.Schema, PostgresSchema.Migrations)).ShouldBe(0);
        (await MigrateAsync(connection, url.Schema, PostgresSchema.Migrations)).ShouldBe(PostgresSchema.Migrations.Count);

        (await Column(url, "SELECT version FROM schema_version ORDER BY version")).ShouldBe(PostgresSchema.Migrations.Select(m => $"{m.Version}"));
    }

    [Fact]
    public async Task Migrate_NextVersion_AppliesOnlyTheNewStepAndKeepsTheData()
    {
        PostgresUrl url = database.NewSchema("m");
        await CreateStudyWithOneTrialAsync(url);
        SchemaMigration[] withNext = [.. PostgresSchema.Migrations, Step(PostgresSchema.Migrations.Count + 1, "ALTER TABLE trials ADD COLUMN worker text")];

        await using (NpgsqlConnection connection = await TestServer.ConnectAsync(database.Url))
        {
            (await MigrateAsync(connection, url.Schema, withNext)).ShouldBe(PostgresSchema.Migrations.Count);
        }

        (await Column(url, "SELECT description FROM schema_version ORDER BY version")).Last().ShouldBe("fake step");
        (await Column(url, "SELECT count(*) FROM trials WHERE worker IS NULL")).ShouldBe(["1"]);
        (await Column(url, "SELECT name FROM studies")).ShouldBe(["kept"]);
    }

    [Fact]
    public async Task Migrate_Version4_MovesWorkerAttributeRowsIntoTheTrialsColumnAndReadsThemAsBefore()
    {
        PostgresUrl url = database.NewSchema("m");
        await using (NpgsqlConnection connection = await TestServer.ConnectAsync(database.Url))
        {
            await MigrateAsync(connection, url.Schema, [.. PostgresSchema.Migrations.Take(3)]);
        }

        await TestServer.ExecuteAsync(url, $$"""
            INSERT INTO studies (name, directions, created_at, next_trial_number) VALUES ('old', '{{PostgresValues.Directions([StudyDirection.Minimize])}}', now(), 1);
            INSERT INTO trials (study_id, number, state) SELECT study_id, 0, 'running' FROM studies;
            INSERT INTO trial_attributes (trial_id, scope, key, value_json)
                SELECT trial_id, 'system', 'worker', '{"host":"h","pid":7}' FROM trials
                UNION ALL SELECT trial_id, 'user', 'worker', '"mine"' FROM trials;
            """);

        await using PostgresStorage storage = PostgresStorage.Open(url);
        long studyId = (await storage.GetStudiesAsync()).Single().StudyId;
        FrozenTrial trial = (await storage.GetTrialsAsync(studyId)).Single();

        trial.SystemAttributes[SystemAttributes.Worker].GetRawText().ShouldBe("""{"host":"h","pid":7}""");
        trial.UserAttributes[SystemAttributes.Worker].GetString().ShouldBe("mine");
        (await Column(url, "SELECT scope FROM trial_attributes")).ShouldBe(["user"]);
        (await Column(url, "SELECT max(version) FROM schema_version")).ShouldBe([$"{PostgresSchema.Migrations.Count}"]);

        // A worker of version 3 that is still running calls the old functions, which remain; its worker row reads as the attribute.
        await TestServer.ExecuteAsync(url, """
            SELECT vernier_claim_or_create_trial(study_id, 'running', now(), NULL, NULL, now(), NULL, NULL, NULL, NULL, NULL, NULL,
                                                 ARRAY['system'], ARRAY['worker'], ARRAY['"old"'], NULL, NULL) FROM studies
            """);
        (await storage.GetTrialsAsync(studyId)).Last().SystemAttributes[SystemAttributes.Worker].GetString().ShouldBe("old");
    }

    [Fact]
    public async Task Migrate_FailingStep_RollsBackEveryStepOfTheRun()
    {
        PostgresUrl url = database.NewSchema("m");
        int latest = PostgresSchema.Migrations.Count;
        SchemaMigration[] steps = [.. PostgresSchema.Migrations, Step(latest + 1, "CREATE TABLE extra (x integer)"), Step(latest + 2, "THIS IS NOT SQL")];
        await using (NpgsqlConnection connection = await TestServer.ConnectAsync(database.Url))
        {
            await MigrateAsync(connection, url.Schema, PostgresSchema.Migrations);
            await Should.ThrowAsync<PostgresException>(() => MigrateAsync(connection, url.Schema, steps));
        }

        (await Column(url, "SELECT max(version) FROM schema_version")).ShouldBe([$"{latest}"]);
        (await Column(url, $"SELECT count(*) FROM pg_tables WHERE schemaname = '{url.Schema}' AND tablename = 'extra'")).ShouldBe(["0"]);
    }

    [Fact]
    public async Task Migrate_StepsWithAGap_AreRefusedBeforeTouchingTheDatabase()
    {
        PostgresUrl url = database.NewSchema("m");
        await using NpgsqlConnection connection = await TestServer.ConnectAsync(database.Url);

        (await Should.ThrowAsync<InvalidOperationException>(() => MigrateAsync(connection, url.Schema, [PostgresSchema.Migrations[0], Step(3, "SELECT 1")])))
            .Message.ShouldContain("without gaps");
        (await Column(database.Url, $"SELECT count(*) FROM pg_namespace WHERE nspname = '{url.Schema}'")).ShouldBe(["0"]);
    }

    [Fact]
    public async Task Open_SchemaFromANewerVersion_RefusesWithAClearMessage()
    {
        PostgresUrl url = database.NewSchema("m");
        await CreateStudyWithOneTrialAsync(url);
        await TestServer.ExecuteAsync(url, "INSERT INTO schema_version (version, description) VALUES (99, 'from the future')");

        await using PostgresStorage storage = PostgresStorage.Open(url);
        var error = await Should.ThrowAsync<VernierException>(() => storage.GetStudiesAsync());

        error.Message.ShouldContain("schema version 99");
        error.Message.ShouldContain($"versions up to {PostgresSchema.Migrations.Count}");
        error.Message.ShouldContain("upgrade Vernier");
        (await Column(url, "SELECT count(*) FROM trials")).ShouldBe(["1"]);
    }

    [Fact]
    public async Task Open_SchemaOfAnotherProgram_IsRefusedAndLeftAlone()
    {
        PostgresUrl url = database.NewSchema("optuna");
        await TestServer.ExecuteAsync(database.Url, $"CREATE SCHEMA {url.Schema}; CREATE TABLE {url.Schema}.studies (study_id integer PRIMARY KEY, study_name text); CREATE TABLE {url.Schema}.version_info (schema_version integer)");

        var error = await Should.ThrowAsync<VernierException>(async () => await PostgresStorage.OpenAsync(url.ToConnectionUrl()));

        error.Message.ShouldContain("belongs to another program");
        (await Column(database.Url, $"SELECT tablename FROM pg_tables WHERE schemaname = '{url.Schema}' ORDER BY tablename")).ShouldBe(["studies", "version_info"]);
    }

    [Fact]
    public async Task Open_ManyProcessesAtOnceOnANewSchema_MigrateItExactlyOnce()
    {
        PostgresUrl url = database.NewSchema("race");
        PostgresStorage[] storages = [.. Enumerable.Range(0, 8).Select(_ => PostgresStorage.Open(url))];
        try
        {
            // Every handle's first call migrates; the advisory lock makes them take turns, so none sees a half-built schema.
            await Task.WhenAll(storages.Select((s, i) => Task.Run(() => s.CreateStudyAsync($"s{i}", [StudyDirection.Minimize], DateTimeOffset.UnixEpoch))));
        }
        finally
        {
            foreach (PostgresStorage storage in storages)
            {
                await storage.DisposeAsync();
            }
        }

        (await Column(url, "SELECT version FROM schema_version ORDER BY version")).ShouldBe(PostgresSchema.Migrations.Select(m => $"{m.Version}"));
        (await Column(url, "SELECT count(*) FROM studies")).ShouldBe(["8"]);
    }

    private static Task<int> MigrateAsync(NpgsqlConnection connection, string schema, IReadOnlyList<SchemaMigration> migrations) =>
        SchemaMigrator.MigrateAsync(connection, schema, migrations, "the test database", CancellationToken.None);

    private static Task<List<string>> Column(PostgresUrl url, string sql) => TestServer.ColumnAsync(url, sql);

    private static SchemaMigration Step(int version, string sql) => new(version, "fake step", sql);

    private static async Task CreateStudyWithOneTrialAsync(PostgresUrl url)
    {
        await using PostgresStorage storage = PostgresStorage.Open(url);
        StudyRecord study = await storage.CreateStudyAsync("kept", [StudyDirection.Minimize], DateTimeOffset.UnixEpoch);
        await storage.CreateTrialAsync(study.StudyId, new NewTrial());
    }
}
