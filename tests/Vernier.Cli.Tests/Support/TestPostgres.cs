using Npgsql;

namespace Vernier.Cli.Tests.Support;

/// <summary>The PostgreSQL server the tests use (scripts/services.sh starts one and exports VERNIER_TEST_POSTGRES), and raw SQL on it.</summary>
internal static class TestPostgres
{
    /// <summary>The server's URL; the tests that need it fail (not skip) without it.</summary>
    public static string ServerUrl() =>
        Environment.GetEnvironmentVariable("VERNIER_TEST_POSTGRES") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                "VERNIER_TEST_POSTGRES is not set, and this test needs a PostgreSQL server: run scripts/services.sh (scripts/test.sh sources it) " +
                "or set VERNIER_TEST_POSTGRES to a server URL such as postgresql://postgres@127.0.0.1:5432/postgres.");

    /// <summary>Runs SQL on the server (URL parsed simply: the form scripts/services.sh exports), returning the first value.</summary>
    public static async Task<object?> ScalarAsync(string url, string sql)
    {
        var uri = new Uri(url.Replace("postgres://", "postgresql://", StringComparison.OrdinalIgnoreCase));
        string[] user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "postgres",
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand command = new(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
