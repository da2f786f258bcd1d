using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite;

/// <summary>How values are written to and read from columns: one place for every conversion.</summary>
/// <remarks>
/// <para>Times are ISO-8601 UTC text with seven fractional digits (<c>2024-05-01T12:00:00.1234567Z</c>):
/// exact to the tick (100 ns), readable in any SQLite shell, and fixed-width, so text order is time order
/// and the stale-heartbeat query can compare them directly.</para>
/// <para>SQLite cannot store NaN in a REAL column, so NaN is written as NULL and read back as NaN.
/// Infinities are stored as such.</para>
/// </remarks>
internal static class SqliteValues
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static object Time(DateTimeOffset? time) => time is { } t ? Time(t) : DBNull.Value;

    public static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ReadOptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static object Real(double value) => double.IsNaN(value) ? DBNull.Value : value;

    public static double ReadReal(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    public static string State(TrialState state) => state.ToWireName();

    public static TrialState ReadState(SqliteDataReader reader, int ordinal) => TrialStateExtensions.ParseWireName(reader.GetString(ordinal));

    public static string Scope(AttributeScope scope) => scope == AttributeScope.User ? "user" : "system";

    public static bool IsUserScope(SqliteDataReader reader, int ordinal) => reader.GetString(ordinal) == "user";

    /// <summary>The JSON text of an attribute value, exactly as given.</summary>
    public static string Json(JsonElement value) => value.GetRawText();

    public static JsonElement ReadJson(SqliteDataReader reader, int ordinal) => JsonElement.Parse(reader.GetString(ordinal));

    public static string Directions(IEnumerable<StudyDirection> directions) =>
        JsonSerializer.Serialize(directions.Select(d => d.ToWireName()).ToArray());

    public static IEnumerable<StudyDirection> ReadDirections(SqliteDataReader reader, int ordinal) =>
        (JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? []).Select(StudyDirectionExtensions.ParseWireName);

    public static object? Text(string? text) => text is null ? DBNull.Value : text;

    public static string? ReadOptionalText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
