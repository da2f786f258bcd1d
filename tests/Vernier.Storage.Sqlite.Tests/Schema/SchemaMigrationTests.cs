using Microsoft.Data.Sqlite;
using Vernier.Distributions;
using Vernier.Storage.Sqlite.Schema;
using Vernier.Storage.Sqlite.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite.Tests.Schema;

public sealed class SchemaMigrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void FrozenVersion1Copy_IsWhatTheFirstMigrationBuilds()
    {
        string built = _directory.File("built.db");
        using (SqliteConnection connection = RawDatabase.Open(built))
        {
            SchemaMigrator.Migrate(connection, [SqliteSchema.Migrations[0]], built);
        }

        string frozen = _directory.File("frozen.db");
        RawDatabase.Execute(frozen, SchemaVersion1.Schema);

        RawDatabase.SchemaOf(frozen).ShouldBe(RawDatabase.SchemaOf(built));
    }

    [Fact]
    public async Task Open_Version1File_UpgradesAndReadsEverything()
    {
        string path = _directory.File("v1.db");
        RawDatabase.Execute(path, SchemaVersion1.Schema + SchemaVersion1.Rows);

        await using SqliteStorage storage = SqliteStorage.Open(path);

        RawDatabase.Column(path, "SELECT MAX(version) FROM schema_version").ShouldBe([$"{SqliteSchema.Migrations.Count}"]);
        StudyRecord study = (await storage.FindStudyAsync("legacy")).ShouldNotBeNull();
        study.Directions.ShouldBe([StudyDirection.Minimize, StudyDirection.Maximize]);
        study.CreatedAt.ShouldBe(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(6_789_012));
        study.SystemAttributes["seed"].GetInt32().ShouldBe(42);
        study.UserAttributes["owner"].GetString().ShouldBe("ada");

        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
        trials.Select(t => t.State).ShouldBe([TrialState.Complete, TrialState.Waiting]);
        FrozenTrial complete = trials[0];
        complete.Values.ShouldBe([0.25, 3.5]);
        complete.Params["lr"].ShouldBe(0.001);
        complete.Params["layers"].ShouldBe(3L);
        complete.Params["act"].ShouldBe(16L);
        complete.Distributions["lr"].ShouldBe(new FloatDistribution(1e-5, 0.1, log: true));
        complete.IntermediateValues[0].ShouldBe(0.9);
        double.IsNaN(complete.IntermediateValues[1]).ShouldBeTrue();
        complete.UserAttributes["note"].GetRawText().ShouldBe("{\"k\":[1,2]}");
        complete.Duration.ShouldBe(TimeSpan.FromSeconds(60.5));

        FrozenTrial claimed = (await storage.ClaimWaitingTrialAsync(study.StudyId, DateTimeOffset.UnixEpoch)).ShouldNotBeNull();
        claimed.Number.ShouldBe(1);
        (await storage.CreateTrialAsync(study.StudyId, new NewTrial())).Number.ShouldBe(2);
    }

    [Fact]
    public void Migrate_NewFile_AppliesEveryStepFromZero()
    {
        string path = _directory.File("new.db");
        using SqliteConnection connection = RawDatabase.Open(path);

        SchemaMigrator.Migrate(connection, SqliteSchema.Migrations, path).ShouldBe(0);
        SchemaMigrator.Migrate(connection, SqliteSchema.Migrations, path).ShouldBe(SqliteSchema.Migrations.Count);

        RawDatabase.Column(path, "SELECT version FROM schema_version ORDER BY version")
            .ShouldBe(SqliteSchema.Migrations.Select(m => $"{m.Version}"));
    }

    [Fact]
    public async Task Migrate_NextVersion_AppliesOnlyTheNewStepAndKeepsTheData()
    {
        string path = _directory.File("upgrade.db");
        await CreateStudyWithOneTrialAsync(path);
        SchemaMigration[] withV2 = [.. SqliteSchema.Migrations, Step(SqliteSchema.Migrations.Count + 1, "ALTER TABLE trials ADD COLUMN worker TEXT")];

        using (SqliteConnection connection = RawDatabase.Open(path))
        {
            SchemaMigrator.Migrate(connection, withV2, path).ShouldBe(SqliteSchema.Migrations.Count);
        }

        RawDatabase.Column(path, "SELECT description FROM schema_version ORDER BY version").Last().ShouldBe("fake step");
        RawDatabase.Column(path, "SELECT COUNT(*) FROM trials WHERE worker IS NULL").ShouldBe(["1"]);
        RawDatabase.Column(path, "SELECT name FROM studies").ShouldBe(["kept"]);
    }

    [Fact]
    public void Migrate_FailingStep_RollsBackEveryStepOfTheRun()
    {
        string path = _directory.File("failing.db");
        int latest = SqliteSchema.Migrations.Count;
        SchemaMigration[] steps = [.. SqliteSchema.Migrations, Step(latest + 1, "CREATE TABLE extra (x INTEGER)"), Step(latest + 2, "THIS IS NOT SQL")];
        using (SqliteConnection connection = RawDatabase.Open(path))
        {
            SchemaMigrator.Migrate(connection, SqliteSchema.Migrations, path);
            Should.Throw<SqliteException>(() => SchemaMigrator.Migrate(connection, steps, path));
        }

        RawDatabase.Column(path, "SELECT MAX(version) FROM schema_version").ShouldBe([$"{latest}"]);
        RawDatabase.Column(path, "SELECT name FROM sqlite_master WHERE name = 'extra'").ShouldBeEmpty();
    }

    [Fact]
    public void Migrate_StepsWithAGap_AreRefusedBeforeTouchingTheFile()
    {
        string path = _directory.File("gap.db");
        using SqliteConnection connection = RawDatabase.Open(path);

        Should.Throw<InvalidOperationException>(() => SchemaMigrator.Migrate(connection, [SqliteSchema.Migrations[0], Step(3, "SELECT 1")], path))
            .Message.ShouldContain("without gaps");
        RawDatabase.Column(path, "SELECT name FROM sqlite_master").ShouldBeEmpty();
    }

    [Fact]
    public async Task Open_FileFromANewerVersion_RefusesWithAClearMessage()
    {
        string path = _directory.File("newer.db");
        await CreateStudyWithOneTrialAsync(path);
        RawDatabase.Execute(path, "INSERT INTO schema_version VALUES (99, 'from the future')");

        var error = Should.Throw<VernierException>(() => SqliteStorage.Open(path));

        error.Message.ShouldContain("schema version 99");
        error.Message.ShouldContain($"versions up to {SqliteSchema.Migrations.Count}");
        error.Message.ShouldContain("upgrade Vernier");
        RawDatabase.Column(path, "SELECT COUNT(*) FROM trials").ShouldBe(["1"]);
    }

    [Fact]
    public void Open_SqliteFileOfAnotherProgram_IsRefusedAndLeftAlone()
    {
        string path = _directory.File("optuna.db");
        RawDatabase.Execute(path, "CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT); CREATE TABLE version_info (schema_version INTEGER)");

        Should.Throw<VernierException>(() => SqliteStorage.Open(path)).Message.ShouldContain("not a Vernier one");

        RawDatabase.Column(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").ShouldBe(["studies", "version_info"]);
    }

    private static SchemaMigration Step(int version, string sql) => new(version, "fake step", sql);

    private static async Task CreateStudyWithOneTrialAsync(string path)
    {
        await using SqliteStorage storage = SqliteStorage.Open(path);
        StudyRecord study = await storage.CreateStudyAsync("kept", [StudyDirection.Minimize], DateTimeOffset.UnixEpoch);
        await storage.CreateTrialAsync(study.StudyId, new NewTrial());
    }
}
