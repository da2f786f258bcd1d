using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vernier.Distributions;

/// <summary>
/// The one JSON form of a distribution, used by every storage, checkpoint and API:
/// <c>{"type":"float","low":0.001,"high":0.1,"log":true}</c>,
/// <c>{"type":"int","low":1,"high":8,"step":1}</c>,
/// <c>{"type":"categorical","choices":["relu","tanh"]}</c>,
/// <c>{"type":"normal","mean":0,"std":1,"log":false,"step":null}</c>.
/// </summary>
public static class DistributionJson
{
    /// <summary>Serialises a distribution to compact JSON.</summary>
    /// <param name="distribution">The distribution.</param>
    public static string Serialize(ParameterDistribution distribution) => ToNode(distribution).ToJsonString();

    /// <summary>The distribution as a JSON object.</summary>
    /// <param name="distribution">The distribution.</param>
    public static JsonObject ToNode(ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return distribution switch
        {
            FloatDistribution f => new JsonObject
            {
                ["type"] = "float",
                ["low"] = f.Low,
                ["high"] = f.High,
                ["log"] = f.Log,
                ["step"] = f.Step,
            },
            IntDistribution i => new JsonObject
            {
                ["type"] = "int",
                ["low"] = i.Low,
                ["high"] = i.High,
                ["log"] = i.Log,
                ["step"] = i.Step,
            },
            NormalDistribution n => new JsonObject
            {
                ["type"] = "normal",
                ["mean"] = n.Mean,
                ["std"] = n.StandardDeviation,
                ["log"] = n.Log,
                ["step"] = n.Step,
            },
            CategoricalDistribution c => new JsonObject
            {
                ["type"] = "categorical",
                ["choices"] = new JsonArray([.. c.Choices.Select(ValueToNode)]),
            },
            _ => throw new ArgumentException($"unknown distribution type {distribution.GetType().Name}."),
        };
    }

    /// <summary>Reads a distribution written by <see cref="Serialize"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a valid distribution.</exception>
    public static ParameterDistribution Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return FromNode(JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a distribution must be a JSON object."));
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid distribution JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads a distribution from a JSON object.</summary>
    /// <param name="node">The object.</param>
    /// <exception cref="FormatException">The object is not a valid distribution.</exception>
    public static ParameterDistribution FromNode(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        string? type = node["type"]?.GetValue<string>();
        try
        {
            return type switch
            {
                "float" => new FloatDistribution(
                    node["low"]!.GetValue<double>(),
                    node["high"]!.GetValue<double>(),
                    node["log"]?.GetValue<bool>() ?? false,
                    node["step"]?.GetValue<double>()),
                "int" => new IntDistribution(
                    node["low"]!.GetValue<long>(),
                    node["high"]!.GetValue<long>(),
                    node["log"]?.GetValue<bool>() ?? false,
                    node["step"]?.GetValue<long>() ?? 1),
                "normal" => new NormalDistribution(
                    node["mean"]!.GetValue<double>(),
                    node["std"]!.GetValue<double>(),
                    node["log"]?.GetValue<bool>() ?? false,
                    node["step"]?.GetValue<double>()),
                "categorical" => new CategoricalDistribution(
                    (node["choices"] as JsonArray ?? throw new FormatException("categorical needs a choices array.")).Select(NodeToValue)),
                _ => throw new FormatException($"unknown distribution type '{type}'."),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException)
        {
            throw new FormatException($"invalid distribution {node.ToJsonString()}: {e.Message}", e);
        }
    }

    /// <summary>A parameter value (string, number, boolean or null) as JSON.</summary>
    /// <param name="value">The value.</param>
    public static JsonNode? ValueToNode(object? value) => CategoricalDistribution.Normalise(value) switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => throw new ArgumentException($"unsupported value {value}."),
    };

    /// <summary>A JSON scalar as a parameter value: integers as <see cref="long"/>, other numbers as <see cref="double"/>.</summary>
    /// <param name="node">A JSON scalar or null.</param>
    /// <exception cref="FormatException">The node is an object or array.</exception>
    public static object? NodeToValue(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value)
        {
            throw new FormatException($"expected a string, number, boolean or null, got {node.ToJsonString()}.");
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            // Cast each arm: a conditional of long and double would make every integer a double.
            JsonValueKind.Number => value.TryGetValue(out long l) ? (object)l
                : value.TryGetValue(out JsonElement e) && e.TryGetInt64(out long el) ? (object)el
                : (object)value.GetValue<double>(),
            _ => throw new FormatException($"unsupported JSON value {node.ToJsonString()}."),
        };
    }
}
