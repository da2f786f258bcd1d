using System.Text;

namespace Vernier.Runner.Objectives;

/// <summary>A command's argument vector with its <c>{name}</c> placeholders found once, rendered per trial.</summary>
/// <remarks>
/// A placeholder is exactly <c>{name}</c> with a name of letters, digits and <c>_ . - /</c> starting
/// with a letter or underscore. <c>{{name}}</c> gives a literal <c>{name}</c>, and <c>${name}</c> is
/// left alone for a shell. Any other brace is ordinary text, so JSON such as <c>{"a": {"b": 1}}</c>
/// passes through untouched.
/// </remarks>
internal sealed class CommandTemplate
{
    public const string TrialNumber = "trial_number";
    public const string TrialDir = "trial_dir";
    public const string CheckpointDir = "checkpoint_dir";
    public const string RestoreFrom = "restore_from";
    public const string StartStep = "start_step";
    public const string EndStep = "end_step";
    public const string Config = "config";
    public const string Seed = "seed";
    public const string RunIndex = "run_index";

    /// <summary>
    /// The placeholders Vernier fills itself; <c>restore_from</c>, <c>start_step</c> and <c>end_step</c> are empty outside
    /// population studies (and <c>restore_from</c> for a start from scratch); <c>config</c> needs a base config.
    /// </summary>
    public static readonly IReadOnlyList<string> BuiltIns = [TrialNumber, TrialDir, CheckpointDir, RestoreFrom, StartStep, EndStep, Config];

    /// <summary>
    /// The placeholders Vernier fills only in runs that have them (<c>{seed}</c>, <c>{run_index}</c> of a repeated or seeded
    /// trial); elsewhere such a name is an ordinary parameter placeholder, so a space with a parameter <c>seed</c> keeps working.
    /// </summary>
    public static readonly IReadOnlyList<string> RunBuiltIns = [Seed, RunIndex];

    private readonly List<Segment>[] _elements;

    private CommandTemplate(List<Segment>[] elements, IReadOnlyList<string> parameterPlaceholders)
    {
        _elements = elements;
        ParameterPlaceholders = parameterPlaceholders;
    }

    /// <summary>The names used in placeholders other than the built-in ones, distinct, in order of appearance (<c>seed</c> and <c>run_index</c> included).</summary>
    public IReadOnlyList<string> ParameterPlaceholders { get; }

    /// <summary>Whether any element of the command holds the placeholder <c>{name}</c>.</summary>
    public bool Uses(string name) => _elements.Any(e => e.Any(s => s.Placeholder == name));

    /// <summary>True when an element holds the <c>{seed}</c> placeholder: the seed is then not appended.</summary>
    public bool UsesSeed => ParameterPlaceholders.Contains(Seed);

    public static CommandTemplate Parse(IReadOnlyList<string> command)
    {
        var elements = new List<Segment>[command.Count];
        var names = new List<string>();
        for (int e = 0; e < command.Count; e++)
        {
            elements[e] = ParseElement(command[e]);
            foreach (Segment segment in elements[e])
            {
                if (segment.Placeholder is { } name && !BuiltIns.Contains(name) && !names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return new CommandTemplate(elements, names);
    }

    /// <summary>The argument vector for one trial: placeholders substituted, then the unused parameters appended in the given style.</summary>
    /// <param name="trialNumber">The trial number.</param>
    /// <param name="trialDirectory">The trial folder's absolute path.</param>
    /// <param name="parameters">Normalised parameter values, in order, names distinct.</param>
    /// <param name="style">How to append the parameters no placeholder used.</param>
    /// <param name="builtIns">
    /// Values of the other built-in placeholders (<c>checkpoint_dir</c>, <c>restore_from</c>, <c>start_step</c>, <c>end_step</c>, <c>config</c>; missing
    /// ones render empty), and of <c>seed</c> and <c>run_index</c> for a run that has them. A seed is appended after the parameters
    /// (<c>--seed=…</c> or <c>seed=…</c>) unless the command uses <c>{seed}</c> or the style is <see cref="CommandArgumentStyle.None"/>.
    /// </param>
    /// <param name="argumentName">The key an appended argument names for a parameter (its config path with a base config), or null for the parameter's name.</param>
    /// <exception cref="CommandObjectiveException">A placeholder has no value, or names both a parameter and a built-in; or a run has a seed and a parameter named seed.</exception>
    public List<string> Render(
        int trialNumber,
        string trialDirectory,
        IReadOnlyList<KeyValuePair<string, object?>> parameters,
        CommandArgumentStyle style,
        IReadOnlyDictionary<string, string>? builtIns = null,
        Func<string, string>? argumentName = null)
    {
        var byName = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string name, object? value) in parameters)
        {
            byName[name] = value;
        }

        string? seed = builtIns?.GetValueOrDefault(Seed);
        if (seed is not null && byName.ContainsKey(Seed))
        {
            throw new CommandObjectiveException(
                "trial " + trialNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " has both a parameter 'seed' and a run seed (repeats or seeds); rename the parameter, or drop 'seeds' and 'repeats'.");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var argv = new List<string>(_elements.Length + parameters.Count);
        var text = new StringBuilder();
        foreach (List<Segment> element in _elements)
        {
            text.Clear();
            foreach (Segment segment in element)
            {
                if (segment.Placeholder is not { } name)
                {
                    text.Append(segment.Literal);
                    continue;
                }

                bool isBuiltIn = BuiltIns.Contains(name) || (RunBuiltIns.Contains(name) && builtIns?.ContainsKey(name) == true);
                bool isParameter = byName.TryGetValue(name, out object? value);
                if (isBuiltIn && isParameter)
                {
                    throw new CommandObjectiveException(
                        $"the command uses {{{name}}}, which is both a parameter and Vernier's built-in placeholder; rename the parameter.");
                }

                if (isBuiltIn)
                {
                    text.Append(name switch
                    {
                        TrialNumber => trialNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        TrialDir => trialDirectory,
                        _ => builtIns?.GetValueOrDefault(name) ?? "",
                    });
                }
                else if (isParameter)
                {
                    text.Append(ParameterValues.Format(value));
                    used.Add(name);
                }
                else
                {
                    throw new CommandObjectiveException(UnknownPlaceholderMessage(name, trialNumber, parameters));
                }
            }

            argv.Add(text.ToString());
        }

        if (style != CommandArgumentStyle.None)
        {
            foreach ((string name, object? value) in parameters)
            {
                if (!used.Contains(name))
                {
                    string key = argumentName?.Invoke(name) ?? name;
                    argv.Add(style switch
                    {
                        CommandArgumentStyle.Flags => $"--{key}={ParameterValues.Format(value)}",
                        CommandArgumentStyle.Hydra => $"{key}={ParameterValues.FormatHydra(value)}",
                        _ => $"{key}={ParameterValues.Format(value)}",
                    });
                }
            }

            if (seed is not null && !UsesSeed)
            {
                argv.Add(style == CommandArgumentStyle.Flags ? $"--{Seed}={seed}" : $"{Seed}={seed}");
            }
        }

        return argv;
    }

    private static string UnknownPlaceholderMessage(string name, int trialNumber, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        IEnumerable<string> known = parameters.Select(p => p.Key).Concat(BuiltIns).Select(n => "{" + n + "}");
        return $"the command uses the placeholder {{{name}}}, but trial {trialNumber} has no parameter '{name}'. "
            + $"Known placeholders: {string.Join(", ", known)}. Write {{{{{name}}}}} for a literal {{{name}}}."
            + (RunBuiltIns.Contains(name) ? $" {{{name}}} is filled only when the objective has 'repeats' or 'seeds'." : "");
    }

    private static List<Segment> ParseElement(string element)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < element.Length)
        {
            char c = element[i];
            if (c == '$' && MatchPlaceholder(element, i + 1, out int shellEnd))
            {
                // ${name} belongs to a shell the command may run: copy it untouched.
                literal.Append(element, i, shellEnd - i);
                i = shellEnd;
            }
            else if (c == '{' && i + 1 < element.Length && element[i + 1] == '{'
                && MatchPlaceholder(element, i + 1, out int innerEnd) && innerEnd < element.Length && element[innerEnd] == '}')
            {
                // {{name}} is the escape for a literal {name}.
                literal.Append(element, i + 1, innerEnd - (i + 1));
                i = innerEnd + 1;
            }
            else if (c == '{' && MatchPlaceholder(element, i, out int end))
            {
                if (literal.Length > 0)
                {
                    segments.Add(new Segment(literal.ToString(), null));
                    literal.Clear();
                }

                segments.Add(new Segment(null, element[(i + 1)..(end - 1)]));
                i = end;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0 || segments.Count == 0)
        {
            segments.Add(new Segment(literal.ToString(), null));
        }

        return segments;
    }

    // Matches {name} starting at start; end is the index just after the closing brace.
    private static bool MatchPlaceholder(string text, int start, out int end)
    {
        end = start;
        if (start >= text.Length || text[start] != '{')
        {
            return false;
        }

        int i = start + 1;
        if (i >= text.Length || !(char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            return false;
        }

        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '/'))
        {
            i++;
        }

        if (i >= text.Length || text[i] != '}')
        {
            return false;
        }

        end = i + 1;
        return true;
    }

    private readonly record struct Segment(string? Literal, string? Placeholder);
}
