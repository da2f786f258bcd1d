using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Support;

/// <summary>Builds <see cref="FrozenTrial"/> fixtures and compares trials field by field (records compare immutable collections by reference).</summary>
internal static class TrialFactory
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static FrozenTrial Complete(int number, double value, params (string Name, ParameterDistribution Distribution, object? Value)[] parameters) =>
        Trial(number, TrialState.Complete, parameters) with
        {
            Values = [value],
            StartedAt = T0.AddMinutes(number),
            CompletedAt = T0.AddMinutes(number).AddSeconds(1.5),
        };

    public static FrozenTrial Trial(int number, TrialState state, params (string Name, ParameterDistribution Distribution, object? Value)[] parameters) => new()
    {
        TrialId = 100 + number,
        Number = number,
        State = state,
        Parameters = parameters.ToImmutableDictionary(p => p.Name, p => TrialParameter.FromValue(p.Distribution, p.Value)),
    };

    public static (string, ParameterDistribution, object?) P(string name, ParameterDistribution distribution, object? value) => (name, distribution, value);

    public static ImmutableDictionary<string, JsonElement> Attributes(string json) =>
        JsonNode.Parse(json)!.AsObject().ToImmutableDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value));

    /// <summary>Asserts that two trials agree on every field (the storage id only when <paramref name="compareId"/>).</summary>
    public static void ShouldEqualTrial(this FrozenTrial actual, FrozenTrial expected, bool compareId = false)
    {
        if (compareId)
        {
            actual.TrialId.ShouldBe(expected.TrialId);
        }

        actual.Number.ShouldBe(expected.Number);
        actual.State.ShouldBe(expected.State);
        Bits(actual.Values).ShouldBe(Bits(expected.Values), "values");
        actual.Parameters.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Parameters.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, parameter) in expected.Parameters)
        {
            TrialParameter other = actual.Parameters[name];
            other.Distribution.ShouldBe(parameter.Distribution, $"distribution of {name}");
            BitConverter.DoubleToInt64Bits(other.InternalValue).ShouldBe(BitConverter.DoubleToInt64Bits(parameter.InternalValue), $"internal value of {name}");
            other.Value.ShouldBe(parameter.Value, $"value of {name}");
            other.Value?.GetType().ShouldBe(parameter.Value?.GetType(), $"type of {name}");
        }

        actual.IntermediateValues.Keys.ShouldBe(expected.IntermediateValues.Keys);
        Bits(actual.IntermediateValues.Values).ShouldBe(Bits(expected.IntermediateValues.Values), "intermediate values");
        ShouldEqualAttributes(actual.UserAttributes, expected.UserAttributes);
        ShouldEqualAttributes(actual.SystemAttributes, expected.SystemAttributes);
        actual.StartedAt.ShouldBe(expected.StartedAt);
        actual.StartedAt?.Offset.ShouldBe(expected.StartedAt!.Value.Offset);
        actual.CompletedAt.ShouldBe(expected.CompletedAt);
        actual.CompletedAt?.Offset.ShouldBe(expected.CompletedAt!.Value.Offset);
        actual.FailReason.ShouldBe(expected.FailReason);
    }

    public static void ShouldEqualAttributes(this ImmutableDictionary<string, JsonElement> actual, ImmutableDictionary<string, JsonElement> expected)
    {
        actual.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            JsonNode.DeepEquals(JsonNode.Parse(actual[key].GetRawText()), JsonNode.Parse(value.GetRawText()))
                .ShouldBeTrue($"attribute '{key}': {actual[key].GetRawText()} differs from {value.GetRawText()}");
        }
    }

    /// <summary>Doubles as bit patterns, so every NaN equals NaN and -0 differs from 0.</summary>
    public static long[] Bits(IEnumerable<double> values) => [.. values.Select(v => BitConverter.DoubleToInt64Bits(double.IsNaN(v) ? double.NaN : v))];
}
