using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Runner.Outputs;

/// <summary>
/// The JSON form of a trial, used by <c>trials.jsonl</c>, checkpoints and exports. It is lossless:
/// <see cref="FromJson"/> gives back an equal <see cref="FrozenTrial"/> (bar the storage id).
/// </summary>
public static class TrialJson
{
    /// <summary>The trial as a JSON object.</summary>
    /// <param name="trial">The trial.</param>
    public static JsonObject ToJson(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var parameters = new JsonObject();
        var distributions = new JsonObject();
        foreach (var (name, parameter) in trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters[name] = DistributionJson.ValueToNode(parameter.Value);
            distributions[name] = DistributionJson.ToNode(parameter.Distribution);
        }

        var intermediate = new JsonObject();
        foreach (var (step, value) in trial.IntermediateValues)
        {
            intermediate[step.ToString(CultureInfo.InvariantCulture)] = NumberNode(value);
        }

        return new JsonObject
        {
            ["number"] = trial.Number,
            ["state"] = trial.State.ToWireName(),
            ["values"] = new JsonArray([.. trial.Values.Select(NumberNode)]),
            ["params"] = parameters,
            ["distributions"] = distributions,
            ["intermediate_values"] = intermediate,
            ["user_attrs"] = Attributes(trial.UserAttributes),
            ["system_attrs"] = Attributes(trial.SystemAttributes),
            ["started_at"] = trial.StartedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["completed_at"] = trial.CompletedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["duration_s"] = trial.Duration?.TotalSeconds,
            ["fail_reason"] = trial.FailReason,
        }.WithLabels(Trackers.RunLabels.Of(trial));
    }

    /// <summary>Adds the run labels as <c>name</c>, <c>group</c> and <c>tags</c>, each only when present.</summary>
    internal static JsonObject WithLabels(this JsonObject json, Trackers.RunLabels labels) => json.WithLabels(labels.Name, labels.Group, labels.Tags);

    /// <summary>Adds the run labels as <c>name</c>, <c>group</c> and <c>tags</c>, each only when present.</summary>
    internal static JsonObject WithLabels(this JsonObject json, string? name, string? group, IReadOnlyList<string> tags)
    {
        if (name is not null)
        {
            json["name"] = name;
        }

        if (group is not null)
        {
            json["group"] = group;
        }

        if (tags.Count > 0)
        {
            json["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
        }

        return json;
    }

    /// <summary>Reads a trial written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The object.</param>
    /// <exception cref="FormatException">A field is missing or invalid; the message names it.</exception>
    public static FrozenTrial FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var distributions = (json["distributions"] as JsonObject) ?? [];
            var parameters = ImmutableDictionary.CreateBuilder<string, TrialParameter>();
            foreach (var (name, value) in (json["params"] as JsonObject) ?? [])
            {
                ParameterDistribution distribution = DistributionJson.FromNode(
                    distributions[name] as JsonObject ?? throw new FormatException($"parameter '{name}' has no distribution."));
                parameters.Add(name, TrialParameter.FromValue(distribution, DistributionJson.NodeToValue(value)));
            }

            var intermediate = ImmutableSortedDictionary.CreateBuilder<long, double>();
            foreach (var (step, value) in (json["intermediate_values"] as JsonObject) ?? [])
            {
                intermediate.Add(
                    long.TryParse(step, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s) ? s
                        : throw new FormatException($"intermediate step '{step}' is not an integer."),
                    ReadNumber(value));
            }

            return new FrozenTrial
            {
                TrialId = 0,
                Number = Required<int>(json, "number", "an integer"),
                State = TrialStateExtensions.ParseWireName(Required<string>(json, "state", "a string")),
                Values = [.. ((json["values"] as JsonArray) ?? []).Select(ReadNumber)],
                Parameters = parameters.ToImmutable(),
                IntermediateValues = intermediate.ToImmutable(),
                UserAttributes = ReadAttributes(json["user_attrs"]),
                SystemAttributes = ReadAttributes(json["system_attrs"]),
                StartedAt = ReadTime(json, "started_at"),
                CompletedAt = ReadTime(json, "completed_at"),
                FailReason = Read<string>(json, "fail_reason", "a string"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or NullReferenceException or JsonException)
        {
            throw new FormatException($"invalid trial record: {e.Message}", e);
        }
    }

    /// <summary>A number as JSON; NaN and infinities, which JSON lacks, as the strings "NaN", "Infinity", "-Infinity".</summary>
    /// <param name="value">The number.</param>
    public static JsonNode NumberNode(double value) => double.IsFinite(value)
        ? JsonValue.Create(value)
        : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static double ReadNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out double named) ? named
            : throw new FormatException($"'{v.GetValue<string>()}' is not a number.")
        : node is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? n.GetValue<double>()
        : throw new FormatException($"expected a number, got {node?.ToJsonString() ?? "null"}.");

    private static T Required<T>(JsonObject json, string name, string what) =>
        json[name] is null ? throw new FormatException($"missing \"{name}\".") : Read<T>(json, name, what)!;

    /// <summary>An optional scalar field: the default when absent or null; a clear error when of another type.</summary>
    private static T? Read<T>(JsonObject json, string name, string what) => json[name] switch
    {
        null => default,
        JsonValue v when v.TryGetValue(out T? value) => value,
        JsonNode other => throw new FormatException($"\"{name}\" must be {what}, got {other.ToJsonString()}."),
    };

    private static JsonObject Attributes(ImmutableDictionary<string, JsonElement> attributes)
    {
        var json = new JsonObject();
        foreach (var (key, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            json[key] = JsonNode.Parse(value.GetRawText());
        }

        return json;
    }

    private static ImmutableDictionary<string, JsonElement> ReadAttributes(JsonNode? node) =>
        ((node as JsonObject) ?? []).ToImmutableDictionary(
            p => p.Key,
            p => JsonSerializer.SerializeToElement(p.Value));

    private static DateTimeOffset? ReadTime(JsonObject json, string name) => Read<string>(json, name, "a time") switch
    {
        null => null,
        string text => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset time) ? time
            : throw new FormatException($"\"{name}\" is not a time: '{text}'."),
    };
}
