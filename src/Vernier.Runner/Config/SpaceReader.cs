using System.Text.RegularExpressions;
using Vernier.Distributions;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>A parameter read from the file, with the nodes later checks point at.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Distribution">Its distribution.</param>
/// <param name="Entry">The node that stands for the parameter in messages (the list entry, or the name in the map form).</param>
/// <param name="When">Its <c>when</c> condition, not yet read, or null.</param>
internal sealed record DeclaredParameter(string Name, ParameterDistribution Distribution, YamlNode Entry, YamlNode? When);

/// <summary>
/// Reads the parameters of <c>space</c> (or <c>search_space</c>) in either form: a list of entries
/// with a <c>name</c> (Vernier's own and the seed-style list), or a map from name to specification
/// (the Ray Tune style). Both forms accept every type.
/// </summary>
/// <remarks>
/// Types: <c>float</c> (low, high, log, step), <c>int</c> (low, high, log, step; high inclusive),
/// <c>categorical</c> (choices), <c>normal</c> (mean, std, log, step: an unbounded value with a
/// normal prior; with log the logarithm is normal); the aliases <c>uniform</c>, <c>loguniform</c>, <c>quniform</c> (q),
/// <c>randint</c>, <c>lograndint</c>, <c>qrandint</c> (q), <c>choice</c>; <c>min</c>/<c>max</c> for
/// <c>low</c>/<c>high</c>, <c>values</c> for <c>choices</c>. As in Ray Tune's <c>tune.randint</c> and
/// <c>tune.lograndint</c>, the upper bound of <c>randint</c> and <c>lograndint</c> is EXCLUSIVE
/// (<c>randint</c> 1..4 gives 1, 2 or 3) while <c>int</c> and <c>qrandint</c> include it. In the map
/// form a plain value (<c>epochs: 10</c>) is a constant: a categorical with one choice.
/// </remarks>
internal static partial class SpaceReader
{
    private static readonly KeySpec Low = new("low", "min");
    private static readonly KeySpec High = new("high", "max");
    private static readonly KeySpec LogKey = new("log");
    private static readonly KeySpec StepKey = new("step");
    private static readonly KeySpec Q = new("q", "step");
    private static readonly KeySpec Choices = new("choices", "values");
    private static readonly KeySpec Mean = new("mean", "mu");
    private static readonly KeySpec Std = new("std", "sigma");

    private static readonly ParameterType[] Types =
    [
        new("float", Kind.Float, [Low, High, LogKey, StepKey]),
        new("int", Kind.Int, [Low, High, LogKey, StepKey]),
        new("categorical", Kind.Categorical, [Choices]),
        new("normal", Kind.Normal, [Mean, Std, LogKey, StepKey]),
        new("uniform", Kind.Float, [Low, High]),
        new("loguniform", Kind.Float, [Low, High], Log: true),
        new("quniform", Kind.Float, [Low, High, Q], StepRequired: true),
        new("randint", Kind.Int, [Low, High], ExclusiveHigh: true),
        new("lograndint", Kind.Int, [Low, High], Log: true, ExclusiveHigh: true),
        new("qrandint", Kind.Int, [Low, High, Q], StepRequired: true),
        new("choice", Kind.Categorical, [Choices]),
    ];

    /// <summary>Every key some type accepts, to report a misspelt key before the type is known.</summary>
    private static readonly KeySpec[] AnyTypeKeys = [new("name"), new("type"), Low, High, LogKey, StepKey, new("q"), Choices, Mean, Std, new("when")];

    private const string EntryExample = "write { name: lr, type: float, low: 0.0001, high: 0.1 }";

    private static readonly string AllowedTypes =
        "allowed types: " + string.Join(", ", Types.Select(t => t.ExclusiveHigh ? $"{t.Name} (max exclusive)" : t.Name));

    private enum Kind
    {
        Float,
        Int,
        Categorical,
        Normal,
    }

    /// <summary>Reads the parameters in the order declared.</summary>
    /// <param name="context">The file.</param>
    /// <param name="space">The value of <c>space</c>.</param>
    /// <param name="spaceKey">The key <c>space</c> as written, for its name in messages.</param>
    public static List<DeclaredParameter> Read(ConfigContext context, YamlNode space, string spaceKey)
    {
        var parameters = new List<DeclaredParameter>();
        switch (space)
        {
            case YamlSequenceNode list:
                var firstSeen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                foreach (YamlNode entry in list)
                {
                    YamlMappingNode map = context.Mapping(entry, "a parameter entry", EntryExample);
                    if (MappingReader.Peek(map, "name") is not { } nameNode)
                    {
                        MappingReader.Open(context, map, "a parameter entry", "in a parameter entry", AnyTypeKeys);
                        throw context.Error(entry, "a parameter entry needs a 'name'", EntryExample);
                    }

                    string name = ReadName(context, nameNode);
                    if (firstSeen.TryGetValue(name, out YamlNode? first))
                    {
                        throw context.Error(nameNode, $"parameter '{name}' is declared twice (first at line {first.Start.Line})", "parameter names must be unique");
                    }

                    firstSeen.Add(name, nameNode);
                    parameters.Add(ReadSpec(context, name, entry, map, listForm: true));
                }

                break;
            case YamlMappingNode map:
                foreach ((YamlNode key, YamlNode value) in map.Children)
                {
                    string name = ReadName(context, key);
                    parameters.Add(value switch
                    {
                        YamlMappingNode spec => ReadSpec(context, name, key, spec, listForm: false),
                        YamlScalarNode constant when context.Resolve(constant).Kind != ScalarKind.Null =>
                            Validated(context, name, key, () => new DeclaredParameter(name, new CategoricalDistribution([context.Value(constant, name)]), key, null)),
                        _ => throw context.Error(
                            value,
                            $"parameter '{name}' must be a mapping with a 'type', or a constant, got {context.Describe(value)}",
                            "for a list of values write { type: choice, values: [...] }"),
                    });
                }

                break;
            default:
                throw context.Error(space, $"'{spaceKey}' must be a list of parameters or a mapping from name to parameter, got {context.Describe(space)}");
        }

        return parameters.Count > 0 ? parameters : throw context.Error(space, "the search space is empty", "declare at least one parameter");
    }

    private static DeclaredParameter ReadSpec(ConfigContext context, string name, YamlNode entry, YamlMappingNode spec, bool listForm)
    {
        if (MappingReader.Peek(spec, "type") is not { } typeNode)
        {
            // A misspelt 'type' is likelier than a forgotten one: report unknown keys first.
            MappingReader.Open(context, spec, $"parameter '{name}'", $"for parameter '{name}'", listForm ? AnyTypeKeys : AnyTypeKeys[1..]);
            throw context.Error(entry, $"parameter '{name}' needs a 'type'", AllowedTypes);
        }

        string typeName = context.NonEmptyText(typeNode, "type");
        ParameterType type = Types.FirstOrDefault(t => t.Name == typeName) ?? throw context.Error(
            typeNode,
            $"unknown type '{typeName}' for parameter '{name}'",
            (KeySuggestions.Closest(typeName, Types.Select(t => t.Name)) is { } s ? $"did you mean '{s}'? " : "") + AllowedTypes);

        KeySpec[] keys = [.. listForm ? [new KeySpec("name")] : Array.Empty<KeySpec>(), new KeySpec("type"), .. type.Keys, new KeySpec("when")];
        MappingReader reader = MappingReader.Open(context, spec, $"parameter '{name}'", $"for parameter '{name}' of type {type.Name}", keys);
        return Validated(context, name, entry, () => new DeclaredParameter(name, ReadDistribution(context, reader, type), entry, reader.Get("when")));
    }

    /// <summary>Builds a parameter; the distributions validate themselves and say how, this adds where.</summary>
    private static DeclaredParameter Validated(ConfigContext context, string name, YamlNode entry, Func<DeclaredParameter> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw context.Error(entry.Start, $"parameter '{name}': {e.Message.TrimEnd('.')}", null, e);
        }
    }

    private static ParameterDistribution ReadDistribution(ConfigContext context, MappingReader reader, ParameterType type)
    {
        string? stepHint = type.StepRequired ? $"{type.Name} rounds values to multiples of q" : null;
        if (type.Kind == Kind.Categorical)
        {
            YamlNode choices = reader.Required("choices", "list the values, e.g. choices: [relu, gelu]");
            return new CategoricalDistribution(context.Sequence(choices, reader.Spelling("choices")).Select(c => context.Value(c, "a choice")));
        }

        bool log = type.Log || (reader.Boolean("log") ?? false);
        if (type.Kind == Kind.Normal)
        {
            const string normalHint = "write { type: normal, mean: 0, std: 1 }; with log: true they are the mean and std of the logarithm";
            return new NormalDistribution(
                context.Number(reader.Required("mean", normalHint), reader.Spelling("mean")),
                context.Number(reader.Required("std", normalHint), reader.Spelling("std")),
                log,
                reader.Get("step") is { } normalStep ? context.Number(normalStep, reader.Spelling("step")) : null);
        }

        YamlNode lowNode = reader.Required("low", "give the range with low and high (or min and max)");
        YamlNode highNode = reader.Required("high", "give the range with low and high (or min and max)");
        string stepKey = type.StepRequired ? "q" : "step";
        YamlNode? stepNode = type.StepRequired ? reader.Required(stepKey, stepHint) : reader.Get(stepKey);
        if (type.Kind == Kind.Float)
        {
            return new FloatDistribution(
                context.Number(lowNode, reader.Spelling("low")),
                context.Number(highNode, reader.Spelling("high")),
                log,
                stepNode is null ? null : context.Number(stepNode, reader.Spelling(stepKey)));
        }

        long low = context.Integer(lowNode, reader.Spelling("low"));
        long high = context.Integer(highNode, reader.Spelling("high"));
        if (type.ExclusiveHigh)
        {
            if (high <= low)
            {
                throw context.Error(
                    highNode,
                    $"{type.Name}'s {reader.Spelling("high")} is exclusive (as in Ray Tune), so it must be greater than {reader.Spelling("low")} ({low}), got {high}",
                    "for an inclusive range use type: int");
            }

            high--;
        }

        return new IntDistribution(low, high, log, stepNode is null ? 1 : context.Integer(stepNode, reader.Spelling(stepKey)));
    }

    private static string ReadName(ConfigContext context, YamlNode node)
    {
        string name = context.Text(node, "a parameter name");
        return ValidName().IsMatch(name) ? name : throw context.Error(
            node,
            $"'{name}' is not a valid parameter name",
            "a name starts with a letter or '_' and holds letters, digits, '_', '-' or '.'");
    }

    // Names reach command lines as --name=value and {name}: no spaces, '=', braces or quotes.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();

    private sealed record ParameterType(string Name, Kind Kind, KeySpec[] Keys, bool Log = false, bool ExclusiveHigh = false, bool StepRequired = false);
}
