using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Vernier.Runner.Objectives;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>Reads <c>objective.steps</c>: the ordered commands of a pipeline objective.</summary>
internal static partial class PipelineStepsReader
{
    private const string StepsHint = "write e.g. steps: [{ name: prepare, command: python3 prepare.py, outputs: [data.npz] }, { name: train, command: python3 train.py }]";

    private static readonly KeySpec[] Keys =
    [
        new("name"), new("command"), new("outputs"), new("inputs"), new("env"), new("timeout"), new("pass_parameters"),
    ];

    /// <param name="context">The file.</param>
    /// <param name="node">The value of <c>steps</c>.</param>
    /// <param name="passing">The objective's <c>pass_parameters</c>: the default of each step.</param>
    public static ImmutableArray<PipelineStepDefinition> Read(ConfigContext context, YamlNode node, CommandArgumentStyle passing)
    {
        YamlSequenceNode list = context.Sequence(node, "'steps'", StepsHint);
        if (list.Children.Count == 0)
        {
            throw context.Error(list, "'steps' is empty", "list at least one step, each with a name and a command");
        }

        var steps = new List<PipelineStepDefinition>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            YamlNode item = list.Children[i];
            string where = item is YamlMappingNode map && MappingReader.Peek(map, "name") is YamlScalarNode { Value: { Length: > 0 } peeked }
                ? $"in step '{peeked}'"
                : $"in step {i + 1} of 'steps'";
            MappingReader reader = MappingReader.Open(context, item, $"step {i + 1} of 'steps'", where, Keys, "write e.g. { name: train, command: python3 train.py }");
            YamlNode nameNode = reader.Required("name", "give the step a name, e.g. name: train");
            string name = context.NonEmptyText(nameNode, "a step's 'name'");
            if (!StepName().IsMatch(name) || name is "." or "..")
            {
                throw context.Error(nameNode, $"'{name}' is not a valid step name", "use letters, digits, '_', '.' and '-' (it names the step's log folder)");
            }

            if (steps.Any(s => s.Name == name))
            {
                throw context.Error(nameNode, $"step name '{name}' is used twice in 'steps'", "give each step its own name");
            }

            steps.Add(new PipelineStepDefinition
            {
                Name = name,
                Command = ObjectiveReader.ReadCommand(context, reader.Required("command", "write e.g. command: python3 train.py --lr {lr}")),
                Outputs = ReadPaths(context, reader, "outputs"),
                Inputs = ReadPaths(context, reader, "inputs"),
                Environment = reader.Get("env") is { } env ? ObjectiveReader.ReadEnvironment(context, env) : ImmutableSortedDictionary<string, string?>.Empty.WithComparers(StringComparer.Ordinal),
                Timeout = reader.Seconds("timeout"),
                PassParameters = reader.Get("pass_parameters") is { } stepPassing ? ObjectiveReader.ReadPassing(context, stepPassing) : passing,
            });
        }

        return [.. steps];
    }

    private static ImmutableArray<string> ReadPaths(ConfigContext context, MappingReader reader, string key)
    {
        if (reader.Get(key) is not { } node)
        {
            return [];
        }

        YamlSequenceNode list = context.Sequence(node, $"'{key}'", $"write e.g. {key}: [\"cache/data-{{data_fraction}}.npz\"]");
        return [.. list.Select(path => context.NonEmptyText(path, $"a path in '{key}'"))];
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StepName();
}
