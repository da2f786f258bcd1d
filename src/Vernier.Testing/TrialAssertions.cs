using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Testing;

/// <summary>Field-by-field comparisons of snapshots: records hold collections, whose equality is by reference.</summary>
internal static class TrialAssertions
{
    public static void ShouldMatch(FrozenTrial actual, FrozenTrial expected, TimeSpan resolution)
    {
        actual.TrialId.ShouldBe(expected.TrialId, "trial id");
        actual.Number.ShouldBe(expected.Number, "number");
        actual.State.ShouldBe(expected.State, $"state of trial {expected.Number}");
        ShouldMatchValues(actual.Values, expected.Values, "values");
        ShouldMatch(actual.Parameters, expected.Parameters);
        ShouldMatchSteps(actual.IntermediateValues, expected.IntermediateValues);
        ShouldMatch(actual.UserAttributes, expected.UserAttributes, "user attributes");
        ShouldMatch(actual.SystemAttributes, expected.SystemAttributes, "system attributes");
        ShouldBeSameInstant(actual.StartedAt, expected.StartedAt, resolution, "started at");
        ShouldBeSameInstant(actual.CompletedAt, expected.CompletedAt, resolution, "completed at");
        actual.FailReason.ShouldBe(expected.FailReason, "fail reason");
    }

    public static void ShouldMatch(StudyRecord actual, StudyRecord expected, TimeSpan resolution)
    {
        actual.StudyId.ShouldBe(expected.StudyId, "study id");
        actual.Name.ShouldBe(expected.Name, "name");
        actual.Directions.ShouldBe(expected.Directions, "directions");
        ShouldMatch(actual.UserAttributes, expected.UserAttributes, "user attributes");
        ShouldMatch(actual.SystemAttributes, expected.SystemAttributes, "system attributes");
        ShouldBeSameInstant(actual.CreatedAt, expected.CreatedAt, resolution, "created at");
    }

    /// <summary>The expected snapshot of a trial created from <paramref name="trial"/> with the given id and number.</summary>
    public static FrozenTrial Expected(NewTrial trial, long trialId, int number) => new()
    {
        TrialId = trialId,
        Number = number,
        State = trial.State,
        Values = trial.Values,
        Parameters = trial.Parameters,
        IntermediateValues = trial.IntermediateValues,
        UserAttributes = trial.UserAttributes,
        SystemAttributes = trial.SystemAttributes,
        StartedAt = trial.StartedAt,
        CompletedAt = trial.CompletedAt,
        FailReason = trial.FailReason,
    };

    public static void ShouldBeSameInstant(DateTimeOffset? actual, DateTimeOffset? expected, TimeSpan resolution, string what)
    {
        if (expected is not { } e)
        {
            actual.ShouldBeNull(what);
            return;
        }

        DateTimeOffset a = actual.ShouldNotBeNull(what);
        long difference = Math.Abs((a - e).Ticks);
        difference.ShouldBeLessThan(Math.Max(1, resolution.Ticks), $"{what}: stored {a:O}, written {e:O}");
    }

    public static void ShouldMatchValues(ImmutableArray<double> actual, ImmutableArray<double> expected, string what) =>
        actual.AsEnumerable().ShouldBe(expected.AsEnumerable(), what);

    private static void ShouldMatch(ImmutableDictionary<string, TrialParameter> actual, ImmutableDictionary<string, TrialParameter> expected)
    {
        actual.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Order(StringComparer.Ordinal), "parameter names");
        foreach ((string name, TrialParameter e) in expected)
        {
            TrialParameter a = actual[name];
            a.Distribution.ShouldBe(e.Distribution, $"distribution of '{name}'");
            a.InternalValue.ShouldBe(e.InternalValue, $"internal value of '{name}'");

            // Users see the external value: its type (long, double, string, bool, null) must survive too.
            a.Value.ShouldBe(e.Value, $"value of '{name}'");
            a.Value?.GetType().ShouldBe(e.Value?.GetType(), $"type of the value of '{name}'");
        }
    }

    private static void ShouldMatchSteps(ImmutableSortedDictionary<long, double> actual, ImmutableSortedDictionary<long, double> expected)
    {
        actual.Keys.ShouldBe(expected.Keys, "intermediate steps");
        actual.Values.ShouldBe(expected.Values, "intermediate values");
    }

    private static void ShouldMatch(ImmutableDictionary<string, JsonElement> actual, ImmutableDictionary<string, JsonElement> expected, string what)
    {
        actual.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Order(StringComparer.Ordinal), what);
        foreach ((string key, JsonElement e) in expected)
        {
            JsonElement.DeepEquals(actual[key], e).ShouldBeTrue($"{what} '{key}': stored {actual[key].GetRawText()}, written {e.GetRawText()}");
        }
    }
}
