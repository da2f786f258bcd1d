using System.Collections.Immutable;
using System.Text;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Trackers;

/// <summary>
/// How each trial's run is named, grouped and tagged (a study file's <c>run:</c> mapping), e.g.
/// <c>run: { name: "{opt}-lr{lr}", group: "{opt}", tags: [sweep-a, "{opt}"] }</c>. The labels are
/// rendered when a trial starts, stored with it (user attributes <c>run_name</c>, <c>run_group</c>,
/// <c>run_tags</c>) and shown by the console, the exports and the trackers.
/// </summary>
/// <remarks>
/// <para>
/// A placeholder is <c>{name}</c> with a parameter's name, <c>{trial_number}</c> or <c>{study}</c> (a parameter of
/// the same name wins); <c>{{</c> and <c>}}</c> give literal braces. Numbers are written as on a command line
/// (<c>0.001</c>, <c>1e-05</c>, <c>32</c>, <c>1.0</c>). A parameter the trial does not have (a conditional one whose
/// condition does not hold) renders empty, and a tag that renders empty is left out. A parameter whose name looks like
/// a secret (<see cref="SecretNames"/>) renders as <c>***</c>.
/// </para>
/// <para>Without a <c>run:</c> mapping trials have no labels; trackers that need a run name use <c>trial N</c>.</para>
/// </remarks>
public sealed record RunNaming
{
    /// <summary>The built-in placeholders, besides the parameters.</summary>
    public static IReadOnlyList<string> BuiltIns { get; } = ["trial_number", "study"];

    /// <summary>The run name's template. The default value is null (no name).</summary>
    public string? Name { get; init; }

    /// <summary>The run group's template. The default value is null (no group).</summary>
    public string? Group { get; init; }

    /// <summary>The tags' templates. The default value is empty (no tags).</summary>
    public ImmutableArray<string> Tags { get; init; } = [];

    /// <summary>The placeholders a template uses, in order of appearance.</summary>
    /// <param name="template">The template.</param>
    public static IReadOnlyList<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var names = new List<string>();
        Walk(template, _ => { }, names.Add);
        return names;
    }

    /// <summary>The labels of one trial.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="study">The study's name.</param>
    /// <param name="parameters">The trial's parameters.</param>
    public RunLabels Render(int trialNumber, string study, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(parameters);
        string? Fill(string? template) => template is null ? null : RenderOne(template, trialNumber, study, parameters);
        return new RunLabels(Fill(Name), Fill(Group), [.. Tags.Select(t => Fill(t)!).Where(t => t.Length > 0)]);
    }

    private static string RenderOne(string template, int trialNumber, string study, IReadOnlyDictionary<string, object?> parameters)
    {
        var text = new StringBuilder();
        Walk(template, literal => text.Append(literal), name =>
        {
            if (parameters.TryGetValue(name, out object? value))
            {
                text.Append(SecretNames.IsSecret(name) ? SecretNames.Mask : ParameterValues.Format(ParameterValues.Normalise(name, value)));
            }
            else if (name == "trial_number")
            {
                text.Append(trialNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (name == "study")
            {
                text.Append(study);
            }
        });
        return text.ToString();
    }

    // Calls literal for text and placeholder for each {name}; {{ and }} are literal braces.
    private static void Walk(string template, Action<string> literal, Action<string> placeholder)
    {
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal(c.ToString());
                i += 2;
                continue;
            }

            if (c == '{' && MatchName(template, i + 1) is int end and > 0)
            {
                placeholder(template[(i + 1)..end]);
                i = end + 1;
                continue;
            }

            literal(c.ToString());
            i++;
        }
    }

    // The index of the closing brace of a name starting at start, or -1.
    private static int MatchName(string text, int start)
    {
        if (start >= text.Length || !(char.IsAsciiLetter(text[start]) || text[start] == '_'))
        {
            return -1;
        }

        int i = start;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '/'))
        {
            i++;
        }

        return i < text.Length && text[i] == '}' ? i : -1;
    }
}

/// <summary>A trial's run labels: the rendered <see cref="RunNaming"/>.</summary>
/// <param name="Name">The run name, or null.</param>
/// <param name="Group">The run group, or null.</param>
/// <param name="Tags">The tags (none when empty).</param>
public sealed record RunLabels(string? Name, string? Group, IReadOnlyList<string> Tags)
{
    /// <summary>The user attribute holding the run name.</summary>
    public const string NameAttribute = "run_name";

    /// <summary>The user attribute holding the run group.</summary>
    public const string GroupAttribute = "run_group";

    /// <summary>The user attribute holding the tags (a list of strings).</summary>
    public const string TagsAttribute = "run_tags";

    /// <summary>No labels.</summary>
    public static RunLabels None { get; } = new(null, null, []);

    /// <summary>Whether there is any label.</summary>
    public bool IsEmpty => Name is null && Group is null && Tags.Count == 0;

    /// <summary>The labels stored with a trial (its user attributes), or <see cref="None"/>.</summary>
    /// <param name="trial">The trial.</param>
    public static RunLabels Of(Vernier.Trials.FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var attributes = trial.UserAttributes;
        string? Text(string key) => attributes.TryGetValue(key, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        string[] tags = attributes.TryGetValue(TagsAttribute, out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(t => t.ValueKind == System.Text.Json.JsonValueKind.String).Select(t => t.GetString()!)]
            : [];
        return Text(NameAttribute) is null && Text(GroupAttribute) is null && tags.Length == 0 ? None : new RunLabels(Text(NameAttribute), Text(GroupAttribute), tags);
    }

    /// <summary>The name to show for trial <paramref name="number"/>: its run name, else <c>trial N</c>.</summary>
    /// <param name="number">The trial's number.</param>
    public string DisplayName(int number) => Name is { Length: > 0 } name ? name : $"trial {number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
