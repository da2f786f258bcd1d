using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vernier.Runner.Config;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Objectives;

/// <summary>Where a parameter's config path leads in a base config.</summary>
internal enum OverrideKind
{
    /// <summary>To an existing scalar, which the parameter replaces.</summary>
    Existing,

    /// <summary>To a key the base config lacks (allowed only with <see cref="BaseConfig.AllowNewKeys"/>).</summary>
    New,

    /// <summary>Nowhere a value can go: to a mapping or a list, or through a scalar or a list.</summary>
    Invalid,
}

/// <summary>Where a config path leads, and for a new or invalid one what to tell the user.</summary>
/// <param name="Kind">Where it leads.</param>
/// <param name="Problem">For <see cref="OverrideKind.Invalid"/> and <see cref="OverrideKind.New"/>: what is wrong, as the end of a sentence.</param>
/// <param name="Hint">What to write instead, or null.</param>
internal sealed record OverrideTarget(OverrideKind Kind, string? Problem = null, string? Hint = null);

/// <summary>
/// Merges a trial's parameters into a <see cref="BaseConfig"/> as dotted overrides and renders the
/// result as YAML or JSON. Each trial merges into a fresh parse of the base text, so trials never
/// share state and one instance serves trials running at the same time.
/// </summary>
internal sealed partial class ConfigMerger
{
    /// <summary>The merged file's name in the trial folder when it is YAML.</summary>
    public const string YamlFileName = "config.yaml";

    /// <summary>The merged file's name in the trial folder when it is JSON.</summary>
    public const string JsonFileName = "config.json";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // YAML 1.1 readers (PyYAML) take these plain words as booleans or null: a string equal to one is quoted.
    private static readonly HashSet<string> YamlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    };

    private readonly BaseConfig _config;

    // Only looked up, never changed: each trial merges into its own parse.
    private readonly YamlMappingNode _root;

    /// <summary>Checks the base config's text and override paths once.</summary>
    /// <exception cref="ArgumentException">The text is not one YAML or JSON mapping, or an override path is malformed.</exception>
    public ConfigMerger(BaseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.Path) || config.Content is null)
        {
            throw new ArgumentException("BaseConfig needs a Path and its Content.", nameof(config));
        }

        if (config.Format is { } format && !Enum.IsDefined(format))
        {
            throw new ArgumentException($"BaseConfig.Format {format} is not Yaml or Json.", nameof(config));
        }

        foreach ((string parameter, string path) in config.Overrides)
        {
            if (!IsValidPath(path))
            {
                throw new ArgumentException($"BaseConfig.Overrides: '{path}' (for parameter '{parameter}') is not a dotted path such as learner.step_size.", nameof(config));
            }
        }

        _config = config;
        _root = Parse(config.Content) ?? throw new ArgumentException($"the base config {config.Path} does not hold a mapping at the top level.", nameof(config));
        Format = config.EffectiveFormat;
    }

    /// <summary>The format of the merged files.</summary>
    public ConfigFileFormat Format { get; }

    /// <summary>The merged file's name in a trial folder.</summary>
    public string FileName => Format == ConfigFileFormat.Json ? JsonFileName : YamlFileName;

    /// <summary>Whether a path is dotted names without empty parts (<c>learner.opt</c>).</summary>
    public static bool IsValidPath(string path) => DottedPath().IsMatch(path);

    /// <summary>The root mapping of a YAML or JSON text, or null when the root is not a mapping.</summary>
    /// <exception cref="ArgumentException">The text is not valid YAML (or JSON), or holds several documents.</exception>
    public static YamlMappingNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text.TrimStart('\uFEFF')));
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"the base config is not valid YAML or JSON: {e.Message}", e);
        }

        return stream.Documents.Count == 1 ? stream.Documents[0].RootNode as YamlMappingNode : null;
    }

    /// <summary>Where a dotted path leads in a config: to a scalar to replace, to a new key, or nowhere a value can go.</summary>
    public static OverrideTarget Locate(YamlMappingNode root, string path)
    {
        string[] segments = path.Split('.');
        YamlMappingNode current = root;
        for (int i = 0; i < segments.Length; i++)
        {
            string prefix = string.Join('.', segments[..(i + 1)]);
            bool last = i == segments.Length - 1;
            switch (Child(current, segments[i]))
            {
                case null:
                    return new OverrideTarget(OverrideKind.New, $"'{path}' is not in the base config", MissingHint(root, current, path, string.Join('.', segments[..i])));
                case YamlMappingNode map when last:
                    string example = map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault()?.Value is { } first ? $", e.g. {path}.{first}" : "";
                    return new OverrideTarget(OverrideKind.Invalid, $"'{path}' is a mapping in the base config, and a single value cannot replace it", $"override the keys inside it{example}");
                case YamlMappingNode map:
                    current = map;
                    break;
                case YamlSequenceNode when last:
                    return new OverrideTarget(OverrideKind.Invalid, $"'{path}' is a list in the base config, and a single value cannot replace it", "sweep a scalar; list items cannot be overridden");
                case YamlSequenceNode:
                    return new OverrideTarget(OverrideKind.Invalid, $"'{prefix}' is a list in the base config, so '{path}' cannot be set inside it", "list items cannot be overridden");
                case YamlScalarNode when last:
                    return new OverrideTarget(OverrideKind.Existing);
                default:
                    return new OverrideTarget(OverrideKind.Invalid, $"'{prefix}' is a value in the base config, not a mapping, so '{path}' cannot be set under it", null);
            }
        }

        throw new InvalidOperationException("unreachable: a path has at least one segment.");
    }

    /// <summary>Where a parameter's path leads in this base config.</summary>
    public OverrideTarget Locate(string parameter) => Locate(_root, _config.PathOf(parameter));

    /// <summary>
    /// The key a command-line argument names for a parameter: its config path, and in the Hydra style
    /// with Hydra's <c>+</c> (add a key) when the base config lacks it.
    /// </summary>
    public string ArgumentName(string parameter, CommandArgumentStyle style)
    {
        string path = _config.PathOf(parameter);
        return style == CommandArgumentStyle.Hydra && Locate(_root, path).Kind == OverrideKind.New ? "+" + path : path;
    }

    /// <summary>The base config with the parameters merged in, as the bytes of the merged file.</summary>
    /// <param name="parameters">Normalised values (double, long, string, bool or null), names distinct.</param>
    /// <exception cref="CommandObjectiveException">A parameter's path is not in the base config (and new keys are not allowed), or leads to a mapping or a list.</exception>
    public byte[] Render(IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        YamlMappingNode root = Parse(_config.Content)!;
        var setBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, object? value) in parameters)
        {
            string path = _config.PathOf(name);
            if (setBy.TryGetValue(path, out string? other))
            {
                throw new CommandObjectiveException($"parameters '{other}' and '{name}' both set '{path}' in the base config {_config.Path}.");
            }

            setBy[path] = name;
            OverrideTarget target = Locate(root, path);
            if (target.Kind == OverrideKind.Invalid || (target.Kind == OverrideKind.New && !_config.AllowNewKeys))
            {
                throw new CommandObjectiveException(
                    $"parameter '{name}' cannot be merged into the base config {_config.Path}: {target.Problem}" + (target.Hint is null ? "." : $"; {target.Hint}."));
            }

            Set(root, path.Split('.'), ValueNode(value));
        }

        return Format == ConfigFileFormat.Json ? ToJson(root) : ToYaml(root);
    }

    /// <summary>Every key path of a config, mappings and values alike, in document order.</summary>
    public static IEnumerable<string> Paths(YamlMappingNode map, string prefix = "")
    {
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                continue;
            }

            string path = prefix + name;
            yield return path;
            if (value is YamlMappingNode inner)
            {
                foreach (string nested in Paths(inner, path + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A parameter's value as a YAML scalar whose plain reading, by YAML 1.2 and by PyYAML's YAML 1.1, gives back its type.</summary>
    internal static YamlScalarNode ValueNode(object? value) => value switch
    {
        null => Plain("null"),
        bool b => Plain(b ? "true" : "false"),
        long l => Plain(l.ToString(CultureInfo.InvariantCulture)),
        double d => Plain(YamlDouble(d)),
        string s => SafePlain().IsMatch(s) && !YamlKeywords.Contains(s) ? Plain(s) : new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        _ => throw new ArgumentException($"unexpected parameter value type {value.GetType().Name}."),
    };

    /// <summary>
    /// A double as <see cref="ParameterValues.FormatDouble"/> writes it, with a <c>.0</c> before a bare exponent
    /// (<c>1.0e-05</c>, which PyYAML reads as a float, unlike <c>1e-05</c>) and YAML's <c>.nan</c> and <c>.inf</c>.
    /// </summary>
    internal static string YamlDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }

        string text = ParameterValues.FormatDouble(d);
        int exponent = text.IndexOf('e', StringComparison.Ordinal);
        return exponent >= 0 && !text.Contains('.') ? text.Insert(exponent, ".0") : text;
    }

    private static YamlScalarNode Plain(string text) => new(text) { Style = ScalarStyle.Plain };

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static string MissingHint(YamlMappingNode root, YamlMappingNode parent, string path, string parentPath)
    {
        string? closest = KeySuggestions.Closest(path, Paths(root));
        string[] siblings = [.. parent.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")];
        string where = parentPath.Length == 0 ? "the top-level keys are" : $"the keys under '{parentPath}' are";
        string known = closest is not null ? $"did you mean '{closest}'?" : siblings.Length > 0 ? $"{where} {string.Join(", ", siblings)}" : $"'{parentPath}' is empty";
        return $"{known} (or allow new keys with allow_new_keys: true)";
    }

    private static void Set(YamlMappingNode root, string[] segments, YamlScalarNode value)
    {
        YamlMappingNode current = root;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            if (Child(current, segments[i]) is YamlMappingNode existing)
            {
                current = existing;
            }
            else
            {
                var created = new YamlMappingNode();
                current.Children.Add(new YamlScalarNode(segments[i]), created);
                current = created;
            }
        }

        // Replace in place, keeping the key (and so the key order) as written.
        YamlNode? key = current.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == segments[^1]);
        if (key is null)
        {
            current.Children.Add(new YamlScalarNode(segments[^1]), value);
        }
        else
        {
            current.Children[key] = value;
        }
    }

    private static byte[] ToYaml(YamlMappingNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024, indentSequences: true, newLine: "\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return Encoding.UTF8.GetBytes(writer.ToString());
    }

    // Aliases come out expanded: each use of an anchored node is written in full.
    private static void Emit(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                bool tagged = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific;
                emitter.Emit(new Scalar(AnchorName.Empty, tagged ? scalar.Tag : TagName.Empty, scalar.Value ?? "", scalar.Style, !tagged, !tagged));
                break;
            case YamlSequenceNode sequence:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, sequence.Style));
                foreach (YamlNode item in sequence.Children)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case YamlMappingNode mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, mapping.Style));
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    Emit(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
        }
    }

    private static byte[] ToJson(YamlMappingNode root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            WriteJson(writer, root);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteJson(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name }
                        ? name
                        : throw new CommandObjectiveException($"the base config has a key at line {key.Start.Line} that is not a string; it cannot be written as JSON."));
                    WriteJson(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (YamlNode item in sequence.Children)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteJsonScalar(writer, scalar);
                break;
        }
    }

    private static void WriteJsonScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        string text = scalar.Value ?? "";
        bool typed = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
            && (scalar.Tag.IsEmpty || (!scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null"));
        // JSON has no NaN or infinities: they are written as the strings params.json uses.
        ParameterValues.WriteJsonValue(writer, typed ? ConfigContext.ResolvePlain(text).Value : text);
    }

    // Dotted names, each part without dots or spaces.
    [GeneratedRegex(@"^[^.\s]+(\.[^.\s]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedPath();

    // Plain in every YAML reader: starts with a letter or '_', then letters, digits and _ . / -.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_./\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlain();
}
