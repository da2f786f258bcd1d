using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vernier.Storage;

/// <summary>Turns attribute values into JSON the same way everywhere.</summary>
public static class AttributeJson
{
    // Metrics are often NaN or infinite (a diverged run); JSON has no such numbers, so they are written as "NaN", "Infinity".
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Options for Vernier's own attribute records: snake_case keys, like every file Vernier writes.</summary>
    public static JsonSerializerOptions SnakeCase { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serializes any value to a JSON element; NaN and infinities become the strings "NaN", "Infinity", "-Infinity".</summary>
    /// <param name="value">A JSON-serializable value.</param>
    public static JsonElement ToElement(object? value) => JsonSerializer.SerializeToElement(value, Options);
}
