using Microsoft.Data.Sqlite;

namespace Vernier.Storage.Sqlite;

/// <summary>Short forms for running SQL with named parameters (<c>$name</c>) on an open connection.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static int Execute(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using SqliteCommand command = connection.Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static long ScalarInt64(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using SqliteCommand command = connection.Command(sql, parameters);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool Exists(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using SqliteCommand command = connection.Command(sql, parameters);
        return command.ExecuteScalar() is not null;
    }
}
