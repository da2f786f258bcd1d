using System.Text.Json;
using Vernier.Trials;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// Hyperparameters fitted for an earlier trial, read back from its system attribute so the next
/// fit starts close to its optimum (fewer L-BFGS iterations). Keyed by the encoded space.
/// </summary>
internal sealed record WarmStart(double[] Objective, double[][] Constraints)
{
    /// <summary>The most recent stored hyperparameters for this space in the history, if any.</summary>
    public static WarmStart? Find(IReadOnlyList<FrozenTrial> history, string spaceKey)
    {
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (!history[i].SystemAttributes.TryGetValue(GpSampler.HyperparametersAttribute, out JsonElement element) ||
                element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (element.TryGetProperty("space", out JsonElement space) && space.ValueKind == JsonValueKind.String && space.GetString() == spaceKey &&
                element.TryGetProperty("objective", out JsonElement objective) && ReadVector(objective) is { } theta)
            {
                var constraints = new List<double[]>();
                if (element.TryGetProperty("constraints", out JsonElement stored) && stored.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement item in stored.EnumerateArray())
                    {
                        constraints.Add(ReadVector(item) ?? []);
                    }
                }

                return new WarmStart(theta, [.. constraints]);
            }
        }

        return null;
    }

    /// <summary>The attribute value for a space's fitted hyperparameters.</summary>
    public static JsonElement ToJson(string spaceKey, double[] objective, double[][] constraints) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["space"] = spaceKey,
            ["objective"] = objective,
            ["constraints"] = constraints,
        });

    private static double[]? ReadVector(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new double[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !double.IsFinite(item.GetDouble()))
            {
                return null;
            }

            values[i++] = item.GetDouble();
        }

        return values;
    }
}
