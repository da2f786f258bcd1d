using System.Collections.Immutable;
using Vernier.Runner.Objectives;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>
/// Reads the base-config keys of <c>objective</c> (<c>base_config</c>, <c>config_format</c>,
/// <c>allow_new_keys</c>, <c>overrides</c>), reads the base file once, and checks every parameter's
/// path against it, so that a typo in a path is an error when the study is loaded, not in trial 0.
/// </summary>
/// <remarks>
/// It runs after <see cref="ObjectiveReader"/> (which accepts the keys and refuses them for a callable)
/// and after the space is read, as the paths belong to the parameters.
/// </remarks>
internal static class BaseConfigReader
{
    public static readonly string[] Keys = ["base_config", "config_format", "allow_new_keys", "overrides"];

    private static readonly Dictionary<string, ConfigFileFormat> Formats = new(StringComparer.Ordinal)
    {
        ["yaml"] = ConfigFileFormat.Yaml,
        ["json"] = ConfigFileFormat.Json,
    };

    /// <summary>The objective with its <see cref="ObjectiveDefinition.BaseConfig"/> (and, without <c>pass_parameters</c>, passing <c>none</c>).</summary>
    /// <param name="context">The study file.</param>
    /// <param name="objectiveNode">The <c>objective</c> mapping, already checked by <see cref="ObjectiveReader"/>.</param>
    /// <param name="objective">The objective read so far.</param>
    /// <param name="declared">The parameters of the space.</param>
    public static ObjectiveDefinition Read(ConfigContext context, YamlNode objectiveNode, ObjectiveDefinition objective, IReadOnlyList<DeclaredParameter> declared)
    {
        var map = (YamlMappingNode)objectiveNode;
        YamlNode? pathNode = MappingReader.Peek(map, "base_config");
        if (pathNode is null)
        {
            if (Keys.Skip(1).FirstOrDefault(k => MappingReader.Peek(map, k) is not null) is { } orphan)
            {
                throw context.Error(KeyNode(map, orphan), $"'{orphan}' needs 'base_config'", "name the configuration file the parameters are merged into, e.g. base_config: configs/base.yaml");
            }

            if (objective.Command is { } command && CommandTemplate.Parse(command).Uses(CommandTemplate.Config))
            {
                throw context.Error(MappingReader.Peek(map, "command")!, "the command uses {config}, but the objective has no 'base_config'", "add base_config: path/to/config.yaml, or write {{config}} for a literal {config}");
            }

            return objective;
        }

        string written = context.NonEmptyText(pathNode, "'base_config'");
        string studyDirectory = Path.GetDirectoryName(Path.GetFullPath(context.FileName))!;
        string fullPath = Path.GetFullPath(written, studyDirectory);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message.TrimEnd('.');
            throw context.Error(pathNode.Start, $"cannot read base_config '{written}': {reason}", $"the path is relative to the study file's folder, so it is {fullPath}", e);
        }

        // Errors inside the base file name it, with its own lines and columns.
        var baseContext = new ConfigContext(Path.Combine(Path.GetDirectoryName(context.FileName) ?? "", written));
        if (text.Trim('\uFEFF', ' ', '\t', '\r', '\n').Length == 0)
        {
            throw context.Error(pathNode, $"the base config '{written}' is empty", "it must hold a mapping, e.g. learner: { opt: sgd, step_size: 0.1 }");
        }

        if (YamlSource.LoadRoot(baseContext, text.TrimStart('\uFEFF')) is not YamlMappingNode root)
        {
            throw context.Error(pathNode, $"the base config '{written}' must hold a mapping at the top level", "e.g. learner: { opt: sgd, step_size: 0.1 }");
        }

        ConfigFileFormat? format = MappingReader.Peek(map, "config_format") is { } formatNode ? ReadFormat(context, formatNode) : null;
        bool allowNewKeys = MappingReader.Peek(map, "allow_new_keys") is { } allowNode && context.Boolean(allowNode, "allow_new_keys");
        var config = new BaseConfig
        {
            Path = fullPath,
            Content = text,
            Format = format,
            AllowNewKeys = allowNewKeys,
            Overrides = MappingReader.Peek(map, "overrides") is { } overridesNode ? ReadOverrides(context, overridesNode, declared) : ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
        };

        if (config.EffectiveFormat == ConfigFileFormat.Json)
        {
            CheckJsonCompatible(baseContext, root);
        }

        CheckPaths(context, map, config, root, declared, written);
        return objective with
        {
            BaseConfig = config,
            PassParameters = MappingReader.Peek(map, "pass_parameters") is null ? CommandArgumentStyle.None : objective.PassParameters,
        };
    }

    private static ConfigFileFormat ReadFormat(ConfigContext context, YamlNode node)
    {
        string text = context.Text(node, "config_format");
        return Formats.TryGetValue(text, out ConfigFileFormat format) ? format : throw context.Error(
            node,
            $"unknown config_format '{text}'",
            (KeySuggestions.Closest(text, Formats.Keys) is { } s ? $"did you mean '{s}'? " : "") + "allowed: yaml, json (the default is the base file's own format)");
    }

    private static ImmutableSortedDictionary<string, string> ReadOverrides(ConfigContext context, YamlNode node, IReadOnlyList<DeclaredParameter> declared)
    {
        var overrides = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach ((YamlNode key, YamlNode value) in context.Mapping(node, "'overrides'", "map parameter names to config paths, e.g. overrides: { lr: learner.step_size }").Children)
        {
            string name = context.Text(key, "a parameter name in 'overrides'");
            if (declared.All(p => p.Name != name))
            {
                throw context.Error(
                    key,
                    $"'overrides' names '{name}', which is not a parameter of the space",
                    (KeySuggestions.Closest(name, declared.Select(p => p.Name)) is { } s ? $"did you mean '{s}'? " : "") + "the parameters are " + string.Join(", ", declared.Select(p => p.Name)));
            }

            string path = context.NonEmptyText(value, $"the config path of '{name}'");
            overrides[name] = ConfigMerger.IsValidPath(path) ? path
                : throw context.Error(value, $"'{path}' is not a config path", "write dotted keys without spaces, e.g. learner.step_size");
        }

        return overrides.ToImmutable();
    }

    /// <summary>Every parameter's path must lead to a scalar of the base config (or to a new key, when allowed), and no two may collide.</summary>
    private static void CheckPaths(ConfigContext context, YamlMappingNode objective, BaseConfig config, YamlMappingNode root, IReadOnlyList<DeclaredParameter> declared, string written)
    {
        YamlMappingNode? overrides = MappingReader.Peek(objective, "overrides") as YamlMappingNode;
        var setBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DeclaredParameter parameter in declared)
        {
            string path = config.PathOf(parameter.Name);
            // Point at what the user would change: the override's path, or the parameter.
            YamlNode at = (overrides is null ? null : MappingReader.Peek(overrides, parameter.Name)) ?? parameter.Entry;
            string sets = path == parameter.Name ? $"parameter '{path}'" : $"parameter '{parameter.Name}' (config path '{path}')";
            if (setBy.TryGetValue(path, out string? other))
            {
                throw context.Error(at, $"parameters '{other}' and '{parameter.Name}' both set '{path}' in the base config", "give each parameter its own path in 'overrides'");
            }

            if (setBy.Keys.FirstOrDefault(p => path.StartsWith(p + ".", StringComparison.Ordinal) || p.StartsWith(path + ".", StringComparison.Ordinal)) is { } nested)
            {
                throw context.Error(at, $"{sets} and parameter '{setBy[nested]}' (config path '{nested}') would nest one value inside the other", "give them paths that do not contain each other");
            }

            setBy[path] = parameter.Name;
            OverrideTarget target = ConfigMerger.Locate(root, path);
            if (target.Kind == OverrideKind.Invalid || (target.Kind == OverrideKind.New && !config.AllowNewKeys))
            {
                throw context.Error(at, $"{sets}: {target.Problem} ({written})", target.Hint);
            }
        }
    }

    /// <summary>JSON has no tags: a merged JSON file can only come from a base config whose tags are <c>!!str</c> or the core types.</summary>
    private static void CheckJsonCompatible(ConfigContext baseContext, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar when !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific
                && scalar.Tag.Value is not ("tag:yaml.org,2002:str" or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null"):
                throw baseContext.Error(scalar, $"the tag '{scalar.Tag.Value}' cannot be written as JSON", "remove it, or keep the merged config YAML (config_format: yaml)");
            case YamlSequenceNode sequence:
                foreach (YamlNode item in sequence.Children)
                {
                    CheckJsonCompatible(baseContext, item);
                }

                break;
            case YamlMappingNode mapping:
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    if (key is not YamlScalarNode)
                    {
                        throw baseContext.Error(key, "a key that is not a string cannot be written as JSON", "keep the merged config YAML (config_format: yaml)");
                    }

                    CheckJsonCompatible(baseContext, value);
                }

                break;
        }
    }

    private static YamlScalarNode KeyNode(YamlMappingNode map, string key) =>
        (YamlScalarNode)map.Children.Keys.First(k => k is YamlScalarNode { Value: var v } && v == key);
}
