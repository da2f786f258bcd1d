using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>
/// Loads the text of a study file, YAML or JSON alike, into YamlDotNet's representation model,
/// turning every syntax error into a <see cref="ConfigException"/> at the right position.
/// </summary>
internal static class YamlSource
{
    private const string DuplicateKeyPrefix = "Duplicate key";

    /// <summary>The root node of the file's single document.</summary>
    public static YamlNode LoadRoot(ConfigContext context, string text)
    {
        // JSON and YAML go through the same parser; the kind only names the syntax in messages.
        string syntax = text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[') ? "JSON" : "YAML";
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (AnchorNotFoundException e) when (parser.FirstUndefinedAlias is { } alias)
        {
            // YamlDotNet resolves aliases at the end of the document and reports no useful position.
            string name = alias.Value.Value;
            throw context.Error(alias.Start, $"the alias '*{name}' refers to no anchor", $"define '&{name}' before using it", e);
        }
        catch (YamlException e) when (e.Message.StartsWith(DuplicateKeyPrefix, StringComparison.Ordinal))
        {
            string key = text[(int)e.Start.Index..(int)e.End.Index].Trim('"', '\'');
            throw context.Error(e.Start, $"duplicate key '{key}'", "each key may appear only once in a mapping", e);
        }
        catch (YamlException e)
        {
            Mark at = e.Start;
            string? hint = null;
            if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            {
                // YamlDotNet reports a tab in the indentation at the start of the enclosing block; find the tab itself.
                at = FirstIndentingTab(text, (int)e.Start.Line) ?? at;
                hint = "indent with spaces: YAML does not allow tabs in indentation";
            }

            throw context.Error(at, $"invalid {syntax}: {Sentence(e.Message)}", hint, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way (without a position) on an unclosed '[' or '{' followed by block content.
            throw context.Error(parser.LastEnd, $"invalid {syntax}: the parser cannot go on after this point", "is a '[' or '{' left unclosed?", e);
        }

        const string Expected = "a study file is a YAML or JSON mapping with at least 'space' and 'objective'";
        if (stream.Documents.Count == 0)
        {
            throw context.Error(new Mark(0, 1, 1), "the file is empty", Expected);
        }

        if (stream.Documents.Count > 1)
        {
            throw context.Error(stream.Documents[1].RootNode, "the file holds more than one YAML document", "a study file holds exactly one: remove the second '---'");
        }

        YamlNode root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" })
        {
            throw context.Error(root, "the file is empty", Expected);
        }

        return root;
    }

    /// <summary>YamlDotNet's message as the tail of ours: first letter lower case, single spaces, no final period.</summary>
    private static string Sentence(string message)
    {
        string m = string.Join(' ', message.Split(' ', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
        return m.Length == 0 ? "syntax error" : char.ToLowerInvariant(m[0]) + m[1..];
    }

    private static Mark? FirstIndentingTab(string text, int fromLine)
    {
        string[] lines = text.Split('\n');
        for (int i = fromLine - 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int indent = line.Length - line.TrimStart(' ', '\t').Length;
            int tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return new Mark(0, i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>Remembers positions that some YamlDotNet errors lack: the last event read, and the first alias to an undefined anchor.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);

        public ParsingEvent? Current => inner.Current;

        public Mark LastEnd { get; private set; } = new(0, 1, 1);

        public AnchorAlias? FirstUndefinedAlias { get; private set; }

        public bool MoveNext()
        {
            bool moved = inner.MoveNext();
            switch (inner.Current)
            {
                case AnchorAlias alias:
                    // An alias must follow its anchor, so one not yet defined is the culprit.
                    FirstUndefinedAlias ??= _anchors.Contains(alias.Value.Value) ? null : alias;
                    break;
                case NodeEvent { Anchor.IsEmpty: false } node:
                    _anchors.Add(node.Anchor.Value);
                    break;
            }

            if (inner.Current is { } current)
            {
                LastEnd = current.End;
            }

            return moved;
        }
    }
}
