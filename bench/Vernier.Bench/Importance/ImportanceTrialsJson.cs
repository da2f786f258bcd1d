using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Bench.Functions;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Bench.Importance;

/// <summary>One study of the importance benchmark as both libraries read it: its parameters and its complete trials.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Parameters">The parameters' domains.</param>
/// <param name="Trials">The complete trials (one objective, minimised).</param>
/// <param name="Seed">The seed the trials were sampled with, which both evaluators use too.</param>
internal sealed record ImportanceStudyData(string Name, ImmutableArray<ParameterDomain> Parameters, IReadOnlyList<FrozenTrial> Trials, ulong Seed = 0);

/// <summary>
/// The file <c>bench/optuna_importance.py</c> reads: <c>{"studies": [{"name", "seed", "direction", "parameters": [{name, type, low,
/// high, log, choices}], "trials": [{"number", "params": {name: value}, "value"}]}]}</c>, values as the user sees them
/// (a float, an integer, the choice itself).
/// </summary>
internal static class ImportanceTrialsJson
{
    public static string Write(IReadOnlyList<ImportanceStudyData> studies)
    {
        var root = new JsonObject
        {
            ["studies"] = new JsonArray([.. studies.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["seed"] = s.Seed,
                ["direction"] = "minimize",
                ["parameters"] = new JsonArray([.. s.Parameters.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name,
                    ["type"] = p.Type,
                    ["low"] = p.IsNumeric ? p.Low : null,
                    ["high"] = p.IsNumeric ? p.High : null,
                    ["log"] = p.Log,
                    ["choices"] = p.IsNumeric ? null : new JsonArray([.. p.Choices.Select(Node)]),
                })]),
                ["trials"] = new JsonArray([.. s.Trials.Select(t => (JsonNode)new JsonObject
                {
                    ["number"] = t.Number,
                    ["params"] = new JsonObject(s.Parameters.Where(p => t.Parameters.ContainsKey(p.Name))
                        .Select(p => KeyValuePair.Create(p.Name, Node(t.Parameters[p.Name].Value)))),
                    ["value"] = t.Values[0],
                })]),
            })]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    public static IReadOnlyList<ImportanceStudyData> Read(string json)
    {
        JsonObject root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("the trials file is not a JSON object.");
        return [.. root["studies"]!.AsArray().Select(s => ReadStudy(s!.AsObject()))];
    }

    private static ImportanceStudyData ReadStudy(JsonObject study)
    {
        ImmutableArray<ParameterDomain> parameters = [.. study["parameters"]!.AsArray().Select(p => new ParameterDomain(
            p!["name"]!.GetValue<string>(),
            p["type"]!.GetValue<string>(),
            p["low"]?.GetValue<double>() ?? 0,
            p["high"]?.GetValue<double>() ?? 0,
            p["log"]?.GetValue<bool>() ?? false,
            p["choices"] is JsonArray choices ? [.. choices.Select(Choice)] : []))];
        var distributions = parameters.ToDictionary(p => p.Name, p => p.ToDistribution());
        var trials = new List<FrozenTrial>();
        foreach (JsonNode? node in study["trials"]!.AsArray())
        {
            int number = node!["number"]!.GetValue<int>();
            var values = node["params"]!.AsObject().ToImmutableDictionary(
                p => p.Key,
                p => Parameter(distributions[p.Key], p.Value!));
            trials.Add(new FrozenTrial
            {
                TrialId = number,
                Number = number,
                State = TrialState.Complete,
                Parameters = values,
                Values = [node["value"]!.GetValue<double>()],
            });
        }

        return new ImportanceStudyData(study["name"]!.GetValue<string>(), parameters, trials, study["seed"]?.GetValue<ulong>() ?? 0);
    }

    /// <summary>A parameter value or choice as JSON: a string, a boolean, an integer or a float.</summary>
    public static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        _ => throw new ArgumentException($"a value of type {value.GetType().Name} cannot be written to the trials file."),
    };

    private static object Choice(JsonNode? node) => node!.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True or JsonValueKind.False => node.GetValue<bool>(),
        _ => node.GetValue<long>(),
    };

    private static TrialParameter Parameter(ParameterDistribution distribution, JsonNode value) => distribution switch
    {
        CategoricalDistribution c => new TrialParameter(c, ChoiceIndex(c, value)),
        IntDistribution => TrialParameter.FromValue(distribution, value.GetValue<long>()),
        _ => TrialParameter.FromValue(distribution, value.GetValue<double>()),
    };

    private static int ChoiceIndex(CategoricalDistribution distribution, JsonNode value)
    {
        string text = value.ToJsonString();
        for (int i = 0; i < distribution.Choices.Count; i++)
        {
            if (Node(distribution.Choices[i])?.ToJsonString() == text)
            {
                return i;
            }
        }

        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{text} is not one of the choices {distribution}."));
    }
}
