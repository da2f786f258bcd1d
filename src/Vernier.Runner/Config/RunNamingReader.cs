using System.Collections.Immutable;
using Vernier.Runner.Trackers;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>Reads <c>run: { name: "{opt}-lr{lr}", group: "{opt}", tags: [sweep-a, "{opt}"] }</c> into a <see cref="RunNaming"/>.</summary>
internal static class RunNamingReader
{
    private const string Hint = "write e.g. run: { name: \"{opt}-lr{lr}\", group: \"{opt}\", tags: [sweep-a, \"{opt}\"] }";

    private static readonly KeySpec[] Keys = [new("name"), new("group"), new("tags")];

    public static RunNaming Read(ConfigContext context, YamlNode node, IReadOnlyList<string> parameterNames)
    {
        MappingReader run = MappingReader.Open(context, node, "'run'", "in 'run'", Keys, Hint);
        string? Template(YamlNode? value, string key) => value is null ? null : Check(context, value, context.NonEmptyText(value, key), key, parameterNames);
        var tags = ImmutableArray.CreateBuilder<string>();
        if (run.Get("tags") is { } tagsNode)
        {
            foreach (YamlNode tag in context.Sequence(tagsNode, "'run.tags'", Hint))
            {
                tags.Add(Template(tag, "a tag in 'run.tags'")!);
            }
        }

        return new RunNaming { Name = Template(run.Get("name"), "'run.name'"), Group = Template(run.Get("group"), "'run.group'"), Tags = tags.ToImmutable() };
    }

    private static string Check(ConfigContext context, YamlNode node, string template, string key, IReadOnlyList<string> parameterNames)
    {
        foreach (string placeholder in RunNaming.Placeholders(template))
        {
            if (!parameterNames.Contains(placeholder) && !RunNaming.BuiltIns.Contains(placeholder))
            {
                string? suggestion = KeySuggestions.Closest(placeholder, [.. parameterNames, .. RunNaming.BuiltIns]);
                throw context.Error(
                    node,
                    $"{key} uses the placeholder {{{placeholder}}}, which is not a parameter",
                    (suggestion is null ? "" : $"did you mean {{{suggestion}}}? ") +
                    "known placeholders: " + string.Join(", ", parameterNames.Concat(RunNaming.BuiltIns).Select(n => $"{{{n}}}")) + "; write {{ for a literal {");
            }
        }

        return template;
    }
}
