using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>The CLI on a PostgreSQL server named by VERNIER_TEST_POSTGRES (started by scripts/services.sh); each test uses a fresh schema.</summary>
public class PostgresStorageTests
{
    private const string Study = """
        name: pg-demo
        space:
          - { name: layers, type: int, low: 2, high: 6 }
          - { name: activation, type: categorical, choices: [relu, gelu] }
        strategy: { name: random, seed: 7 }
        objective:
          command: [bash, -c, 'echo "METRIC val_loss=$(( {layers} * 7 % 5 ))"']
          pass_parameters: none
          metric: val_loss
        """;

    [Fact]
    public async Task Search_PostgresStorage_RecordsEveryTrialOnTheServerAndContinuesThere()
    {
        string server = TestPostgres.ServerUrl();
        string schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        string url = server + (server.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema;
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        try
        {
            CliResult first = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", url, "--n-trials", "4");
            first.ExitCode.ShouldBe(0, first.ToString());
            CliResult more = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", url, "--n-trials", "6");
            more.ExitCode.ShouldBe(0, more.ToString());

            (await TestPostgres.ScalarAsync(server, $"SELECT count(*) FROM {schema}.trials t JOIN {schema}.studies s USING (study_id) WHERE s.name = 'pg-demo' AND t.state = 'complete'")).ShouldBe(6L);
            (await TestPostgres.ScalarAsync(server, $"SELECT max(number) FROM {schema}.trials")).ShouldBe(5);
            CliResult studies = await CliProcess.RunAsync(dir.Path, "studies", "--storage", url);
            studies.ExitCode.ShouldBe(0, studies.ToString());
            studies.Output.ShouldContain("pg-demo");
        }
        finally
        {
            await TestPostgres.ScalarAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    [Fact]
    public async Task Workers_ThreeOnOneStoredStudy_RunExactlyItsBudgetWithDenseNumbers()
    {
        string server = TestPostgres.ServerUrl();
        string schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        string url = server + (server.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema;
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study + "\nmax_trials: 15\nresource: { max_concurrent: 2 }\n");
        try
        {
            CliResult created = await CliProcess.RunAsync(dir.Path, "create-study", "-c", "study.yaml", "--storage", url);
            created.ExitCode.ShouldBe(0, created.ToString());
            CliResult[] workers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CliProcess.RunAsync(dir.Path, "worker", "--storage", url, "--study", "pg-demo")));
            foreach (CliResult worker in workers)
            {
                worker.ExitCode.ShouldBe(0, worker.ToString());
            }

            (await TestPostgres.ScalarAsync(server, $"SELECT count(*) FROM {schema}.trials t JOIN {schema}.studies s USING (study_id) WHERE s.name = 'pg-demo' AND t.state = 'complete'")).ShouldBe(15L);
            (await TestPostgres.ScalarAsync(server, $"SELECT count(DISTINCT number) FROM {schema}.trials")).ShouldBe(15L);
            (await TestPostgres.ScalarAsync(server, $"SELECT max(number) FROM {schema}.trials")).ShouldBe(14);
        }
        finally
        {
            await TestPostgres.ScalarAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    [Fact]
    public async Task Search_UnreachablePostgresServer_FailsWithOneLineWithoutThePassword()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult result = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "postgresql://ada:hunter2@127.0.0.1:1/studies?connect_timeout=2");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("error: could not open the PostgreSQL storage postgresql://ada@127.0.0.1:1/studies");
        (result.Output + result.Error).ShouldNotContain("hunter2");
    }
}
