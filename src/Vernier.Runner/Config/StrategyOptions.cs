using Vernier.Distributions;

namespace Vernier.Runner.Config;

/// <summary>
/// Reads a sampler's or pruner's option values from a study file (plain scalars by key, as in
/// <see cref="StrategyDefinition.Options"/>), with one error wording for every option of every sampler.
/// The key set itself is checked by the loader against <see cref="Catalog"/>.
/// </summary>
internal static class StrategyOptions
{
    public static int Int(IReadOnlyDictionary<string, object?> options, string key, int fallback) =>
        NullableInt(options, key) ?? fallback;

    /// <summary>An integer, or null when the key is absent or written as <c>null</c> (meaning "automatic").</summary>
    public static int? NullableInt(IReadOnlyDictionary<string, object?> options, string key) =>
        !options.TryGetValue(key, out object? value) || value is null ? null
        : value switch
        {
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
            _ => throw new ArgumentException($"option '{key}' must be an integer, got {Describe(value)}."),
        };

    public static double Double(IReadOnlyDictionary<string, object?> options, string key, double fallback) =>
        NullableDouble(options, key) ?? fallback;

    /// <summary>A number, or null when the key is absent or written as <c>null</c> (meaning "automatic").</summary>
    public static double? NullableDouble(IReadOnlyDictionary<string, object?> options, string key) =>
        !options.TryGetValue(key, out object? value) || value is null ? null
        : value switch
        {
            long l => l,
            double d => d,
            _ => throw new ArgumentException($"option '{key}' must be a number, got {Describe(value)}."),
        };

    public static bool Bool(IReadOnlyDictionary<string, object?> options, string key, bool fallback) =>
        !options.TryGetValue(key, out object? value) ? fallback
        : value as bool? ?? throw new ArgumentException($"option '{key}' must be true or false, got {Describe(value)}.");

    /// <summary>One of a fixed set of words (case-insensitive), mapped to its value.</summary>
    public static T Choice<T>(IReadOnlyDictionary<string, object?> options, string key, T fallback, params (string Word, T Value)[] choices)
    {
        if (!options.TryGetValue(key, out object? value))
        {
            return fallback;
        }

        foreach (var (word, choice) in choices)
        {
            if (value is string text && string.Equals(text, word, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw new ArgumentException($"option '{key}' must be {string.Join(" or ", choices.Select(c => c.Word))}, got {Describe(value)}.");
    }

    private static string Describe(object? value) => CategoricalDistribution.FormatChoice(value);
}
