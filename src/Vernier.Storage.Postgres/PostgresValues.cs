using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres;

/// <summary>How values are written to and read from columns: one place for every conversion.</summary>
/// <remarks>
/// <para>Times are <c>timestamptz</c>, which keeps microseconds: they are truncated to the microsecond
/// before they are written, so that what a call returns is exactly what a later read gives, and read
/// back in UTC (offset zero).</para>
/// <para>NaN and the infinities are stored as such in <c>double precision</c> columns.</para>
/// </remarks>
internal static class PostgresValues
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>The instant as PostgreSQL keeps it: UTC, truncated to the microsecond.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        long ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? Truncate(DateTimeOffset? time) => time is { } t ? Truncate(t) : null;

    public static DateTime Time(DateTimeOffset time) => Truncate(time).UtcDateTime;

    public static object Time(DateTimeOffset? time) => time is { } t ? Time(t) : DBNull.Value;

    public static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? ReadOptionalTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static string State(TrialState state) => state.ToWireName();

    public static TrialState ReadState(NpgsqlDataReader reader, int ordinal) => TrialStateExtensions.ParseWireName(reader.GetString(ordinal));

    public static string Scope(AttributeScope scope) => scope == AttributeScope.User ? "user" : "system";

    public static bool IsUserScope(string scope) => scope == "user";

    /// <summary>The JSON text of an attribute value, exactly as given.</summary>
    public static string Json(JsonElement value) => value.GetRawText();

    public static JsonElement ReadJson(string json) => JsonElement.Parse(json);

    public static string Directions(IEnumerable<StudyDirection> directions) =>
        JsonSerializer.Serialize(directions.Select(d => d.ToWireName()).ToArray());

    public static IEnumerable<StudyDirection> ReadDirections(NpgsqlDataReader reader, int ordinal) =>
        (JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? []).Select(StudyDirectionExtensions.ParseWireName);

    public static object Text(string? text) => text is null ? DBNull.Value : text;

    public static string? ReadOptionalText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>An array column (from <c>array_agg</c>), empty when NULL (no rows).</summary>
    public static T[] ReadArray<T>(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<T[]>(ordinal);

    /// <summary>User and system attributes aggregated into three array columns (scopes, keys, JSON texts) starting at <paramref name="first"/>.</summary>
    public static (ImmutableDictionary<string, JsonElement> User, ImmutableDictionary<string, JsonElement> System) ReadAttributes(NpgsqlDataReader reader, int first)
    {
        string[] scopes = ReadArray<string>(reader, first);
        string[] keys = ReadArray<string>(reader, first + 1);
        string[] jsons = ReadArray<string>(reader, first + 2);
        var user = ImmutableDictionary.CreateBuilder<string, JsonElement>();
        var system = ImmutableDictionary.CreateBuilder<string, JsonElement>();
        for (int k = 0; k < scopes.Length; k++)
        {
            (IsUserScope(scopes[k]) ? user : system).Add(keys[k], ReadJson(jsons[k]));
        }

        return (user.ToImmutable(), system.ToImmutable());
    }
}
