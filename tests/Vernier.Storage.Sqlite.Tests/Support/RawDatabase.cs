using Microsoft.Data.Sqlite;

namespace Vernier.Storage.Sqlite.Tests.Support;

/// <summary>Direct SQL on a database file, for building old files and inspecting what the storage wrote.</summary>
internal static class RawDatabase
{
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public static void Execute(string path, string sql)
    {
        using SqliteConnection connection = Open(path);
        connection.Execute(sql);
    }

    public static List<string> Column(string path, string sql)
    {
        using SqliteConnection connection = Open(path);
        using SqliteCommand command = connection.Command(sql);
        using SqliteDataReader reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return values;
    }

    /// <summary>The CREATE statements of every table and index, whitespace-normalised, sorted.</summary>
    public static List<string> SchemaOf(string path) =>
    [
        .. Column(path, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
            .Select(sql => string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Order(StringComparer.Ordinal),
    ];
}
