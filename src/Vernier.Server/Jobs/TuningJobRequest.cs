using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vernier.Server.Jobs;

/// <summary>
/// The body of <c>POST /api/tuning/jobs</c>, read field by field so that every problem names its field. Only the shape is
/// checked here; the search space, sampler, pruner and objective are checked by the study-file loader
/// (<see cref="TuningJobDefinition"/>), as for <c>vernier search</c>.
/// </summary>
internal sealed partial record TuningJobRequest
{
    /// <summary>Every field the request may hold.</summary>
    public static readonly string[] Fields =
    [
        "name", "dataset_key", "base_model_id", "metric_name", "metric_mode", "num_samples", "max_concurrent_trials", "search_space",
        "objective", "sampler", "pruner", "seed", "timeout",
    ];

    /// <summary>The largest <c>num_samples</c> a job may ask for.</summary>
    public const int MaxSamples = 1_000_000;

    /// <summary>The largest <c>max_concurrent_trials</c> a job may ask for.</summary>
    public const int MaxConcurrency = 1024;

    public required string Name { get; init; }

    public required string DatasetKey { get; init; }

    public required string BaseModelId { get; init; }

    public required string MetricName { get; init; }

    /// <summary><c>max</c> or <c>min</c>.</summary>
    public required string MetricMode { get; init; }

    public required int NumSamples { get; init; }

    public required int MaxConcurrentTrials { get; init; }

    /// <summary>The search space as given: a JSON object from parameter name to its specification.</summary>
    public required JsonElement SearchSpace { get; init; }

    /// <summary>The objective as given (a command string, or an object with <c>command</c> or <c>template</c>), or null.</summary>
    public JsonElement? Objective { get; init; }

    /// <summary>The sampler as given (a name, or an object with <c>name</c> and options), or null for the default.</summary>
    public JsonElement? Sampler { get; init; }

    /// <summary>The pruner as given (a name, or an object with <c>name</c> and options), or null for none.</summary>
    public JsonElement? Pruner { get; init; }

    public ulong? Seed { get; init; }

    /// <summary>The job's wall-clock budget in seconds, or null.</summary>
    public double? Timeout { get; init; }

    /// <summary>The request as received (only known fields), echoed in the job and stored with it.</summary>
    public required JsonElement Raw { get; init; }

    /// <summary>True for <c>max</c>.</summary>
    public bool Maximize => MetricMode == "max";

    /// <summary>True when <paramref name="name"/> may name a command template: letters, digits, '_', '-' and '.'.</summary>
    public static bool IsTemplateName(string name) => !string.IsNullOrEmpty(name) && TemplateName().IsMatch(name);

    /// <summary>Reads a request body; problems are added to <paramref name="errors"/> by field, and null returned.</summary>
    public static TuningJobRequest? Read(JsonElement body, JobErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", $"the request must be a JSON object with the job's fields ({string.Join(", ", Fields)}), got {Describe(body)}.");
            return null;
        }

        var seen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (Array.IndexOf(Fields, property.Name) < 0)
            {
                errors.Add(property.Name, $"unknown field; the fields are {string.Join(", ", Fields)}.");
            }
            else if (!seen.TryAdd(property.Name, property.Value))
            {
                errors.Add(property.Name, "the field is given twice.");
            }
        }

        string? name = Text(seen, "name", errors);
        if (name is not null && (name.Trim() != name || name.Length > 200 || name.Any(char.IsControl)))
        {
            errors.Add("name", "a job name has 1 to 200 characters, no control characters and no leading or trailing spaces.");
        }

        string? datasetKey = Key(seen, "dataset_key", errors);
        string? baseModelId = Key(seen, "base_model_id", errors);
        string? metricName = Text(seen, "metric_name", errors);
        string? metricMode = Text(seen, "metric_mode", errors);
        if (metricMode is not null and not ("max" or "min"))
        {
            errors.Add("metric_mode", $"must be \"max\" or \"min\", got \"{metricMode}\".");
        }

        int? numSamples = Count(seen, "num_samples", MaxSamples, errors);
        int? maxConcurrent = Count(seen, "max_concurrent_trials", MaxConcurrency, errors);

        JsonElement? space = null;
        if (!seen.TryGetValue("search_space", out JsonElement spaceElement) || spaceElement.ValueKind == JsonValueKind.Null)
        {
            errors.Add("search_space", "required: an object from parameter name to its distribution, e.g. {\"lr\": {\"type\": \"loguniform\", \"min\": 1e-5, \"max\": 1e-3}}.");
        }
        else if (spaceElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add("search_space", $"must be an object from parameter name to its distribution, got {Describe(spaceElement)}.");
        }
        else if (!spaceElement.EnumerateObject().Any())
        {
            errors.Add("search_space", "the search space is empty; declare at least one parameter.");
        }
        else
        {
            space = spaceElement;
        }

        JsonElement? objective = Optional(seen, "objective");
        if (objective is { } o && o.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
        {
            errors.Add("objective", $"must be a command line (a string), or an object with \"command\" or \"template\", got {Describe(o)}.");
        }

        JsonElement? sampler = NamedOrObject(seen, "sampler", errors);
        JsonElement? pruner = NamedOrObject(seen, "pruner", errors);

        ulong? seed = null;
        if (Optional(seen, "seed") is { } seedElement)
        {
            if (seedElement.ValueKind == JsonValueKind.Number && seedElement.TryGetUInt64(out ulong s))
            {
                seed = s;
            }
            else
            {
                errors.Add("seed", $"must be a whole number from 0 to {ulong.MaxValue}, got {Describe(seedElement)}.");
            }

            if (sampler is { ValueKind: JsonValueKind.Object } samplerObject && samplerObject.TryGetProperty("seed", out _))
            {
                errors.Add("seed", "the seed is given twice: here and in \"sampler\"; keep one.");
            }
        }

        double? timeout = null;
        if (Optional(seen, "timeout") is { } timeoutElement)
        {
            if (timeoutElement.ValueKind == JsonValueKind.Number && timeoutElement.GetDouble() is > 0 and var t && double.IsFinite(t))
            {
                timeout = t;
            }
            else
            {
                errors.Add("timeout", $"must be a positive number of seconds (the job's wall-clock budget), got {Describe(timeoutElement)}.");
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var raw = new JsonObject();
        foreach (string field in Fields)
        {
            if (seen.TryGetValue(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                raw[field] = JsonNode.Parse(value.GetRawText());
            }
        }

        return new TuningJobRequest
        {
            Name = name!,
            DatasetKey = datasetKey!,
            BaseModelId = baseModelId!,
            MetricName = metricName!,
            MetricMode = metricMode!,
            NumSamples = numSamples!.Value,
            MaxConcurrentTrials = maxConcurrent!.Value,
            SearchSpace = space!.Value,
            Objective = objective,
            Sampler = sampler,
            Pruner = pruner,
            Seed = seed,
            Timeout = timeout,
            Raw = JsonSerializer.SerializeToElement(raw),
        };
    }

    private static JsonElement? Optional(Dictionary<string, JsonElement> fields, string name) =>
        fields.TryGetValue(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Text(Dictionary<string, JsonElement> fields, string name, JobErrors errors)
    {
        if (Optional(fields, name) is not { } value)
        {
            errors.Add(name, "required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            errors.Add(name, $"must be a non-empty string, got {Describe(value)}.");
            return null;
        }

        return text;
    }

    // dataset_key and base_model_id reach commands through placeholders, and a template may hand them to a shell: no spaces,
    // quotes or shell characters.
    private static string? Key(Dictionary<string, JsonElement> fields, string name, JobErrors errors)
    {
        string? text = Text(fields, name, errors);
        if (text is not null && (text.Length > 512 || !SafeKey().IsMatch(text)))
        {
            errors.Add(name, "must be 1 to 512 characters: letters, digits and . _ - / : @ + = , starting with a letter or digit (it reaches commands as {" + name + "}).");
            return null;
        }

        return text;
    }

    private static int? Count(Dictionary<string, JsonElement> fields, string name, int max, JobErrors errors)
    {
        if (Optional(fields, name) is not { } value)
        {
            errors.Add(name, "required: a whole number of at least 1.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n) || n < 1 || n > max)
        {
            errors.Add(name, $"must be a whole number from 1 to {max}, got {Describe(value)}.");
            return null;
        }

        return (int)n;
    }

    private static JsonElement? NamedOrObject(Dictionary<string, JsonElement> fields, string name, JobErrors errors)
    {
        JsonElement? value = Optional(fields, name);
        if (value is { } v && v.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
        {
            errors.Add(name, $"must be a name, or an object with \"name\" and its options, got {Describe(v)}.");
            return null;
        }

        return value;
    }

    /// <summary>A JSON value described for a message: its kind, and short values as written.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => value.GetString()!.Length <= 40 ? $"the string \"{value.GetString()}\"" : "a string",
        JsonValueKind.Number => $"{value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-/:@+=,]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeKey();
}

/// <summary>Problems with a request, by field (the <c>errors</c> map of the problem details).</summary>
internal sealed class JobErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out List<string>? messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
