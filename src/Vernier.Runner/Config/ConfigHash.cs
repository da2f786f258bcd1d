using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.SearchSpaces;
using Vernier.Studies;

namespace Vernier.Runner.Config;

/// <summary>
/// The fingerprint of a study's configuration: the SHA-256 of a canonical JSON form of the
/// <em>parsed</em> definition. Comments, whitespace, quoting, key spelling (<c>min</c> or
/// <c>low</c>), YAML or JSON, list or map form of the space: none of them change it; a changed
/// bound, choice, condition, metric, direction, seed or command does, and so does the content of a
/// base config (<c>base_config</c>). The parts of a condition may come in any order.
/// </summary>
/// <remarks>
/// It covers what gives the stored trials their meaning: the space (parameters in order, with
/// their distributions and conditions, and the constraints), the directions, the objective, the
/// strategy and the pruner (a pipeline's steps are added to the objective only when present, so that
/// other hashes stay as they were). It leaves out the study's name and storage (which identify the study
/// rather than describe it) and the budgets and limits (<c>max_trials</c>, <c>timeout</c>,
/// <c>resource</c>), so that a study can be resumed with more trials, more time or more
/// concurrency. Parameter order is part of the hash because samplers draw in that order.
/// </remarks>
public static class ConfigHash
{
    /// <summary>The version of the canonical form; it changes only if the form does, which invalidates old hashes on purpose.</summary>
    public const int FormatVersion = 1;

    /// <summary>The lower-case hex SHA-256 of <see cref="CanonicalForm"/>.</summary>
    /// <param name="definition">The definition.</param>
    public static string Compute(StudyDefinition definition) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalForm(definition))));

    /// <summary>The canonical JSON the hash is computed from, to see what differs between two configurations.</summary>
    /// <param name="definition">The definition.</param>
    public static string CanonicalForm(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ObjectiveDefinition objective = definition.Objective;
        var root = new JsonObject
        {
            ["format"] = FormatVersion,
            ["space"] = new JsonArray([.. definition.Space.Parameters.Select(p => new JsonObject
            {
                ["name"] = p.Name,
                ["distribution"] = DistributionJson.ToNode(p.Distribution),
                ["when"] = p.When is null ? null : ConditionNode(p.When),
            })]),
            ["constraints"] = new JsonArray([.. definition.Space.Constraints.Select(ConstraintNode)]),
            ["directions"] = new JsonArray([.. definition.Directions.Select(d => (JsonNode)d.ToWireName())]),
            ["objective"] = new JsonObject
            {
                ["command"] = objective.Command is { } command ? new JsonArray([.. command.Select(a => (JsonNode)a)]) : null,
                ["callable"] = objective.Callable?.ToString(),
                ["metrics"] = new JsonArray([.. objective.Metrics.Select(m => (JsonNode)m)]),
                ["timeout_seconds"] = objective.Timeout?.TotalSeconds,
                ["env"] = new JsonObject(objective.Environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                ["working_directory"] = objective.WorkingDirectory,
                ["pass_parameters"] = objective.PassParameters.ToString(),
            },
            ["strategy"] = new JsonObject
            {
                ["name"] = definition.Strategy.Name,
                ["seed"] = definition.Strategy.Seed,
                ["options"] = OptionsNode(definition.Strategy.Options),
            },
            ["pruner"] = new JsonObject
            {
                ["name"] = definition.Pruner.Name,
                ["options"] = OptionsNode(definition.Pruner.Options),
            },
        };

        // Added only when present, so that the hashes of studies without them stay as they were.
        if (!objective.Constraints.IsEmpty)
        {
            root["objective"]!["constraints"] = new JsonArray([.. objective.Constraints.Select(c => (JsonNode)c)]);
        }

        // The base config's content, not its path: moving the file keeps the study, editing it makes another.
        if (objective.BaseConfig is { } baseConfig)
        {
            root["objective"]!["base_config"] = new JsonObject
            {
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseConfig.Content))),
                ["format"] = baseConfig.EffectiveFormat.ToString(),
                ["allow_new_keys"] = baseConfig.AllowNewKeys,
                ["overrides"] = new JsonObject(baseConfig.Overrides.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))),
            };
        }

        if (objective.Steps is { } steps)
        {
            root["objective"]!["steps"] = new JsonArray([.. steps.Select(step => new JsonObject
            {
                ["name"] = step.Name,
                ["command"] = new JsonArray([.. step.Command.Select(a => (JsonNode)a)]),
                ["outputs"] = new JsonArray([.. step.Outputs.Select(a => (JsonNode)a)]),
                ["inputs"] = new JsonArray([.. step.Inputs.Select(a => (JsonNode)a)]),
                ["env"] = new JsonObject(step.Environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                ["timeout_seconds"] = step.Timeout?.TotalSeconds,
                ["pass_parameters"] = step.PassParameters.ToString(),
            })]);
        }

        // Likewise: repeats, seeds and aggregate change what a trial's value means; one run without a seed adds nothing.
        TrialRepeats repeats = objective.Repeats;
        if (repeats.HasSeeds)
        {
            root["objective"]!["repeats"] = new JsonObject
            {
                ["count"] = repeats.Count,
                ["seeds"] = repeats.Seeds.IsDefaultOrEmpty ? "generate" : new JsonArray([.. repeats.Seeds.Select(seed => (JsonNode)seed)]),
                ["aggregate"] = repeats.Aggregate.ToString(),
            };
        }

        if (objective.PythonCallable is { } python)
        {
            root["objective"]!["python_callable"] = python.ToString();
            root["objective"]!["python"] = objective.Python;
        }

        return root.ToJsonString();
    }

    private static JsonObject OptionsNode(IEnumerable<KeyValuePair<string, object?>> options) =>
        new(options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => KeyValuePair.Create(
            o.Key,
            o.Value is IReadOnlyList<object?> list ? new JsonArray([.. list.Select(DistributionJson.ValueToNode)]) : DistributionJson.ValueToNode(o.Value))));

    private static JsonObject ConstraintNode(Constraint constraint) => constraint switch
    {
        ForbiddenCombination f => new JsonObject { ["forbid"] = ConditionNode(f.When) },
        FixedValue f => new JsonObject
        {
            ["when"] = ConditionNode(f.When),
            ["set"] = f.Parameter,
            ["value"] = DistributionJson.ValueToNode(f.Value),
        },
        _ => throw new ArgumentException($"unknown constraint {constraint}."),
    };

    // Structured rather than Condition.ToString(), which prints the string "1" and the number 1 alike.
    private static JsonObject ConditionNode(Condition condition) => condition switch
    {
        InCondition c => new JsonObject
        {
            ["parameter"] = c.Parameter,
            ["in"] = new JsonArray([.. c.Values.Select(DistributionJson.ValueToNode)]),
        },
        ComparisonCondition c => new JsonObject
        {
            ["parameter"] = c.Parameter,
            ["op"] = c.Operator.ToString(),
            ["value"] = c.Value,
        },
        // A conjunction does not depend on the order of its parts: sort them.
        AllCondition c => new JsonObject
        {
            ["all"] = new JsonArray([.. c.Conditions.Select(ConditionNode).OrderBy(n => n.ToJsonString(), StringComparer.Ordinal)]),
        },
        _ => throw new ArgumentException($"unknown condition {condition}."),
    };
}
