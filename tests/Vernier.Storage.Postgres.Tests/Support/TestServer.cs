using Npgsql;

namespace Vernier.Storage.Postgres.Tests.Support;

/// <summary>The PostgreSQL server the tests use, named by <c>VERNIER_TEST_POSTGRES</c>; the tests fail, never skip, without it.</summary>
internal static class TestServer
{
    public const string Variable = "VERNIER_TEST_POSTGRES";

    /// <summary>The server's URL, parsed.</summary>
    /// <exception cref="InvalidOperationException">The variable is not set: says how to start a server.</exception>
    public static PostgresUrl Url
    {
        get
        {
            string? url = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrWhiteSpace(url)
                ? throw new InvalidOperationException(
                    $"{Variable} is not set, and these tests need a PostgreSQL server: run scripts/services.sh (scripts/test.sh sources it) " +
                    $"or set {Variable} to a server URL such as postgresql://postgres@127.0.0.1:5432/postgres whose user may create databases.")
                : PostgresUrl.Parse(url);
        }
    }

    /// <summary>Opens a plain connection (no pool) to a database of the test server.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync(PostgresUrl url)
    {
        NpgsqlConnectionStringBuilder builder = url.ToConnectionStringBuilder();
        builder.Pooling = false;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(PostgresUrl url, string sql)
    {
        await using NpgsqlConnection connection = await ConnectAsync(url);
        await connection.ExecuteAsync(sql, CancellationToken.None);
    }

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> ColumnAsync(PostgresUrl url, string sql)
    {
        await using NpgsqlConnection connection = await ConnectAsync(url);
        await using NpgsqlCommand command = connection.Command(sql);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return values;
    }
}
