using System.Globalization;
using Npgsql;

namespace Vernier.Storage.Postgres;

/// <summary>Short forms for running SQL with positional parameters (<c>$1</c>, <c>$2</c>, …) on an open connection.</summary>
/// <remarks>Inside a transaction begun on the connection, the commands join it (Npgsql tracks it per connection).</remarks>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params ReadOnlySpan<object?> parameters)
    {
        NpgsqlCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (object? value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using NpgsqlCommand command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using NpgsqlCommand command = connection.Command(sql, parameters);
        object? value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public static async Task<long> ScalarInt64Async(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        Convert.ToInt64(await connection.ScalarAsync(sql, cancellationToken, parameters), CultureInfo.InvariantCulture);

    public static async Task<bool> ExistsAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        await connection.ScalarAsync(sql, cancellationToken, parameters) is not null;
}
