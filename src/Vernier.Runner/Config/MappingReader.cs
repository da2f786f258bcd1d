using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>A key a mapping accepts, with at most one other spelling (<c>low</c> or <c>min</c>).</summary>
/// <param name="Name">The canonical name.</param>
/// <param name="Alias">Another accepted spelling, or null.</param>
internal sealed record KeySpec(string Name, string? Alias = null)
{
    public override string ToString() => Alias is null ? Name : $"{Name} (or {Alias})";
}

/// <summary>
/// Reads one mapping of a study file against the keys it accepts. Opening it reports, in document
/// order, the first key that is not accepted (with a suggestion and the allowed keys) and a key
/// given under two spellings; duplicate keys are already refused by the YAML loader.
/// </summary>
internal sealed class MappingReader
{
    private readonly ConfigContext _context;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    private MappingReader(ConfigContext context, YamlMappingNode node, string where)
    {
        _context = context;
        Node = node;
        Where = where;
    }

    public YamlMappingNode Node { get; }

    /// <summary>Where the mapping is, for messages: "at the top level", "in 'objective'".</summary>
    public string Where { get; }

    /// <param name="context">The file.</param>
    /// <param name="node">The node that must be a mapping.</param>
    /// <param name="what">The mapping's name for "… must be a mapping" ("'objective'").</param>
    /// <param name="where">Where it is, for "unknown key … {where}" ("in 'objective'").</param>
    /// <param name="keys">The accepted keys, in the order they are listed in messages.</param>
    /// <param name="hint">What to write instead when the node is not a mapping.</param>
    public static MappingReader Open(ConfigContext context, YamlNode node, string what, string where, IReadOnlyList<KeySpec> keys, string? hint = null)
    {
        var reader = new MappingReader(context, context.Mapping(node, what, hint), where);
        foreach ((YamlNode keyNode, YamlNode value) in reader.Node.Children)
        {
            if (keyNode is not YamlScalarNode key || context.Resolve(key).Kind == ScalarKind.Null)
            {
                throw context.Error(keyNode, $"a key must be a name, got {context.Describe(keyNode)}");
            }

            string name = key.Value!;
            KeySpec? spec = keys.FirstOrDefault(k => k.Name == name || k.Alias == name);
            if (spec is null)
            {
                string? suggestion = KeySuggestions.Closest(name, keys.SelectMany(k => k.Alias is null ? [k.Name] : new[] { k.Name, k.Alias }));
                throw context.Error(
                    key,
                    $"unknown key '{name}' {where}",
                    (suggestion is null ? "" : $"did you mean '{suggestion}'? ") + "allowed keys: " + string.Join(", ", keys));
            }

            if (reader._entries.TryGetValue(spec.Name, out var other))
            {
                throw context.Error(key, $"'{name}' and '{other.Key.Value}' are the same key {where}", "give only one");
            }

            reader._entries.Add(spec.Name, (key, value));
        }

        return reader;
    }

    /// <summary>A value of a mapping read before the mapping is opened, because the keys it accepts depend on it (a type, a sampler's name).</summary>
    public static YamlNode? Peek(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: var k } && k == key).Value;

    public bool Has(string name) => _entries.ContainsKey(name);

    /// <summary>The value under a key (in either spelling), or null when absent.</summary>
    public YamlNode? Get(string name) => _entries.TryGetValue(name, out var entry) ? entry.Value : null;

    /// <summary>The key node as written, for errors about the key itself.</summary>
    public YamlScalarNode Key(string name) => _entries[name].Key;

    /// <summary>The spelling the file used for a key, so messages speak the user's words.</summary>
    public string Spelling(string name) => _entries.TryGetValue(name, out var entry) ? entry.Key.Value! : name;

    /// <summary>The value under a required key.</summary>
    public YamlNode Required(string name, string? hint = null) =>
        Get(name) ?? throw _context.Error(Node, $"missing required key '{name}' {Where}", hint);

    public string? Text(string name) => Get(name) is { } node ? _context.NonEmptyText(node, Spelling(name)) : null;

    public bool? Boolean(string name) => Get(name) is { } node ? _context.Boolean(node, Spelling(name)) : null;

    public TimeSpan? Seconds(string name) => Get(name) is { } node ? _context.Seconds(node, Spelling(name)) : null;
}
