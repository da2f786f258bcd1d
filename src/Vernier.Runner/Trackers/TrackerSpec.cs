using System.Collections.Immutable;

namespace Vernier.Runner.Trackers;

/// <summary>
/// A tracker named in <c>--tracker NAME[:key=value,...]</c> or a study file's <c>trackers:</c> list:
/// <c>console</c>, <c>jsonl:path=FILE</c>, <c>csv:path=FILE</c>, <c>mlflow:experiment=NAME[,uri=URL]</c>,
/// <c>wandb:project=NAME[,entity=E,group=G,tags=a|b,python=PATH]</c>.
/// </summary>
/// <param name="Name">The tracker's name.</param>
/// <param name="Options">Its options, by key.</param>
public sealed record TrackerSpec(string Name, ImmutableSortedDictionary<string, string> Options)
{
    private static readonly ImmutableSortedDictionary<string, (string[] Required, string[] Optional)> Known =
        new Dictionary<string, (string[], string[])>
        {
            ["console"] = ([], []),
            ["jsonl"] = (["path"], []),
            ["csv"] = (["path"], []),
            ["mlflow"] = (["experiment"], ["uri"]),
            ["wandb"] = (["project"], ["entity", "group", "tags", "python"]),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>The MLflow server used when <c>mlflow</c> has no <c>uri</c>.</summary>
    public const string DefaultMlflowUri = "http://localhost:5000";

    /// <summary>The trackers this build has.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Keys];

    /// <summary>Reads <c>NAME[:key=value,...]</c>.</summary>
    /// <param name="text">The spec.</param>
    /// <exception cref="FormatException">The spec is malformed, names an unknown tracker, or lacks or misspells a key; the message says which.</exception>
    public static TrackerSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? text : text[..colon]).Trim();
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (colon >= 0)
        {
            foreach (string pair in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new FormatException($"tracker '{text}': '{pair}' is not key=value (write NAME:key=value,key=value).");
                }

                string key = pair[..equals].Trim();
                if (!options.TryAdd(key, pair[(equals + 1)..].Trim()))
                {
                    throw new FormatException($"tracker '{text}': key '{key}' is given twice.");
                }
            }
        }

        return Create(name, options);
    }

    /// <summary>A validated spec from a name and options.</summary>
    /// <param name="name">The tracker's name.</param>
    /// <param name="options">Its options.</param>
    /// <exception cref="FormatException">An unknown tracker or key, or a missing required key; the message says which.</exception>
    public static TrackerSpec Create(string name, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        if (!Known.TryGetValue(name, out var keys))
        {
            throw new FormatException($"unknown tracker '{name}'; choose one of {string.Join(", ", Names)}.");
        }

        foreach (string key in options.Keys)
        {
            if (!keys.Required.Contains(key) && !keys.Optional.Contains(key))
            {
                string[] allowed = [.. keys.Required, .. keys.Optional];
                throw new FormatException($"tracker '{name}' has no key '{key}'; " +
                    (allowed.Length == 0 ? "it takes none." : $"its keys are {string.Join(", ", allowed)}."));
            }
        }

        foreach (string key in keys.Required)
        {
            if (!options.TryGetValue(key, out string? value) || value.Length == 0)
            {
                throw new FormatException($"tracker '{name}' needs '{key}' (write {name}:{key}=...).");
            }
        }

        if (name == "mlflow" && options.TryGetValue("uri", out string? uri) &&
            !(Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)))
        {
            throw new FormatException($"tracker 'mlflow': uri '{uri}' is not an http(s) URL, e.g. {DefaultMlflowUri}.");
        }

        return new TrackerSpec(name, options.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    /// <summary>Builds the tracker.</summary>
    /// <param name="resolvePath">Turns a relative path into a full one (the CLI: the working folder; a study file: its folder).</param>
    /// <param name="console">Where the <c>console</c> tracker writes.</param>
    public ITrialTracker Build(Func<string, string> resolvePath, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(resolvePath);
        ArgumentNullException.ThrowIfNull(console);
        return Name switch
        {
            "console" => new ConsoleTracker(console),
            "jsonl" => new JsonlTracker(resolvePath(Options["path"])),
            "csv" => new CsvTracker(resolvePath(Options["path"])),
            "mlflow" => new MlflowTracker(Options["experiment"], new Uri(Options.GetValueOrDefault("uri", DefaultMlflowUri), UriKind.Absolute)),
            "wandb" => new WandbTracker(
                Options["project"], Options.GetValueOrDefault("entity"), Options.GetValueOrDefault("group"),
                Options.TryGetValue("tags", out string? tags) ? tags.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
                Options.TryGetValue("python", out string? python) ? (python.Contains('/') || python.Contains('\\') ? resolvePath(python) : python) : null),
            _ => throw new InvalidOperationException($"unknown tracker '{Name}'."),
        };
    }

    /// <inheritdoc />
    public override string ToString() =>
        Options.Count == 0 ? Name : $"{Name}:{string.Join(",", Options.Select(o => $"{o.Key}={o.Value}"))}";
}
