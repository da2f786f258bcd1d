using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;

namespace Vernier.Storage.Sqlite;

/// <summary>Reads a distribution stored by <see cref="DistributionJson.Serialize"/>.</summary>
/// <remarks>
/// Workaround: <see cref="DistributionJson.NodeToValue"/> in the core returns integer categorical
/// choices as <see cref="double"/> (its conditional expression's type is double), so a choice
/// written as <c>2</c> would come back as <c>2.0</c> and users would see the wrong type. Choices are
/// re-read here with their JSON types; once the core returns <see cref="long"/>, this class can go
/// and callers use <see cref="DistributionJson.Deserialize"/> directly.
/// </remarks>
internal static class StoredDistribution
{
    public static ParameterDistribution Parse(string json)
    {
        ParameterDistribution distribution = DistributionJson.Deserialize(json);
        if (distribution is not CategoricalDistribution)
        {
            return distribution;
        }

        JsonArray choices = JsonNode.Parse(json)!["choices"]!.AsArray();
        return new CategoricalDistribution(choices.Select(Choice));
    }

    private static object? Choice(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long integer)
            ? integer
            : DistributionJson.NodeToValue(node);
}
