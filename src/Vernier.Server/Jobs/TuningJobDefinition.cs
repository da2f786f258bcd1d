using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vernier.Distributions;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Storage;

namespace Vernier.Server.Jobs;

/// <summary>
/// Turns a tuning-job request into the <see cref="StudyDefinition"/> a study file would give, so that a job's trials run through
/// the same loader, <see cref="StudyComposition"/> and <see cref="StudyRunner"/> as <c>vernier search</c>.
/// </summary>
/// <remarks>
/// The request is written out as a study file in JSON with every field on its own line, and read with
/// <see cref="StudyDefinitionLoader.Parse"/>; the line of the loader's first error tells which request field it is about.
/// </remarks>
internal static partial class TuningJobDefinition
{
    /// <summary>The placeholders a job's command may use besides its parameters and the runner's built-ins.</summary>
    public static readonly string[] JobPlaceholders = ["dataset_key", "base_model_id", "job_id"];

    /// <summary>The name of the server's template used by jobs that give no objective.</summary>
    public const string DefaultTemplate = "default";

    private static readonly string[] CommandObjectiveKeys = ["command", "timeout", "env", "working_directory", "pass_parameters", "grace_period", "max_retries"];
    private static readonly string[] TemplateObjectiveKeys = ["template", "timeout"];

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when the request brings its own command (a string objective, or one with <c>command</c>).</summary>
    public static bool BringsCommand(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("objective", out JsonElement objective)
        && (objective.ValueKind == JsonValueKind.String || (objective.ValueKind == JsonValueKind.Object && objective.TryGetProperty("command", out _)));

    /// <summary>
    /// The study definition of a job, checked as far as it can be without running anything: the space, sampler, pruner and
    /// objective (its placeholders and working folder). Problems are added to <paramref name="errors"/>, and null returned.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="options">The server's options (which commands may run).</param>
    /// <param name="jobId">The job's id, for <c>{job_id}</c> and <c>VERNIER_JOB_ID</c>.</param>
    /// <param name="trialsDirectory">Where the job's trials get their folders.</param>
    /// <param name="errors">Where problems go.</param>
    public static StudyDefinition? Build(TuningJobRequest request, VernierServerOptions options, string jobId, string trialsDirectory, JobErrors errors)
    {
        var document = new Document();
        document.Line("{", "body");
        document.Line($"\"name\": {Json(request.Name)},", "name");

        document.Line("\"space\": {", "search_space");
        JsonProperty[] parameters = [.. request.SearchSpace.EnumerateObject()];
        for (int i = 0; i < parameters.Length; i++)
        {
            string field = $"search_space.{parameters[i].Name}";
            if (JobPlaceholders.Contains(parameters[i].Name, StringComparer.Ordinal))
            {
                errors.Add(field, $"'{parameters[i].Name}' is a reserved name: it is filled from the job itself ({{{parameters[i].Name}}}); rename the parameter.");
            }

            document.Line($"{Json(parameters[i].Name)}: {Json(parameters[i].Value)}{(i < parameters.Length - 1 ? "," : "")}", field);
        }

        document.Line("},", "search_space");
        if (!WriteObjective(document, request, options, jobId, errors, out bool template))
        {
            return null;
        }

        WriteNamed(document, "strategy", "sampler", request.Sampler, request.Seed);
        WriteNamed(document, "pruner", "pruner", request.Pruner, null);
        document.Line($"\"resource\": {{\"max_concurrent\": {request.MaxConcurrentTrials}}},", "max_concurrent_trials");
        document.Line($"\"max_trials\": {request.NumSamples}" + (request.Timeout is null ? "" : ","), "num_samples");
        if (request.Timeout is { } timeout)
        {
            document.Line($"\"timeout\": {Json(timeout)}", "timeout");
        }

        document.Line("}", "body");
        if (errors.Count > 0)
        {
            return null;
        }

        StudyDefinition definition;
        try
        {
            definition = StudyDefinitionLoader.Parse(document.Text, "tuning-job.json");
        }
        catch (ConfigException e)
        {
            errors.Add(document.FieldAt(e.Line), e.Problem + (e.Hint is { } hint ? "; " + hint : "") + ".");
            return null;
        }

        if (template)
        {
            CheckChoicesForTemplates(definition, errors);
        }

        try
        {
            // The sampler and the pruner are built here (nothing is stored), so that their own checks answer now.
            _ = StudyComposition.CreateBuilder(definition, new InMemoryStorage(), request.Name);
        }
        catch (VernierException e)
        {
            errors.Add(e.Message.StartsWith("pruner", StringComparison.Ordinal) ? "pruner" : "sampler", e.Message);
        }

        try
        {
            _ = StudyComposition.CreateObjective(definition, trialsDirectory);
        }
        catch (Exception e) when (e is VernierException or ArgumentException)
        {
            errors.Add(template ? "objective.template" : "objective", e.Message);
        }

        return errors.Count == 0 ? definition : null;
    }

    /// <summary>Writes <c>objective</c>; false (with an error) when there is no objective to write.</summary>
    private static bool WriteObjective(Document document, TuningJobRequest request, VernierServerOptions options, string jobId, JobErrors errors, out bool template)
    {
        template = false;
        JsonNode? command;
        string commandField;
        var extra = new List<JsonProperty>();
        switch (request.Objective)
        {
            case null:
                if (!options.CommandTemplates.TryGetValue(DefaultTemplate, out string? fallback))
                {
                    errors.Add("objective", "required: this server has no \"default\" command template. " + HowToRun(options));
                    return false;
                }

                template = true;
                (command, commandField) = (JsonValue.Create(fallback), "objective");
                break;
            case { ValueKind: JsonValueKind.String } text:
                (command, commandField) = (JsonValue.Create(text.GetString()), "objective");
                break;
            case { } objective:
                bool hasTemplate = objective.TryGetProperty("template", out JsonElement templateName);
                bool hasCommand = objective.TryGetProperty("command", out JsonElement commandElement);
                if (hasTemplate == hasCommand)
                {
                    errors.Add("objective", "give exactly one of \"template\" (the name of a command configured on the server) and \"command\" (a command line, when the server allows commands). " + HowToRun(options));
                    return false;
                }

                string[] allowed = hasTemplate ? TemplateObjectiveKeys : CommandObjectiveKeys;
                foreach (JsonProperty property in objective.EnumerateObject())
                {
                    if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                    {
                        errors.Add($"objective.{property.Name}", $"unknown key for {(hasTemplate ? "a template objective" : "a command objective")}; allowed: {string.Join(", ", allowed)}.");
                    }
                    else if (property.Name is not ("template" or "command"))
                    {
                        extra.Add(property);
                    }
                }

                if (hasTemplate)
                {
                    template = true;
                    if (templateName.ValueKind != JsonValueKind.String || !options.CommandTemplates.TryGetValue(templateName.GetString()!, out string? configured))
                    {
                        errors.Add("objective.template", $"{(templateName.ValueKind == JsonValueKind.String ? $"'{templateName.GetString()}' is not" : "must name")} a command template of this server; " +
                            (options.CommandTemplates.Count == 0 ? "it has none (vernier serve --command-template NAME=COMMAND)." : $"it has {string.Join(", ", options.CommandTemplates.Keys.Order(StringComparer.Ordinal))}."));
                        return false;
                    }

                    (command, commandField) = (JsonValue.Create(configured), "objective.template");
                }
                else
                {
                    (command, commandField) = (JsonNode.Parse(commandElement.GetRawText()), "objective.command");
                }

                break;
        }

        if (!template && !options.AllowCommands)
        {
            errors.Add("objective", "this server runs no command from a request. " + HowToRun(options));
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dataset_key"] = request.DatasetKey,
            ["base_model_id"] = request.BaseModelId,
            ["job_id"] = jobId,
        };
        document.Line("\"objective\": {", "objective");
        document.Line($"\"command\": {Substitute(command, values)?.ToJsonString(Compact) ?? "null"},", commandField);
        document.Line($"\"metric\": {Json(request.MetricName)},", "metric_name");
        document.Line($"\"direction\": {(request.Maximize ? "\"maximize\"" : "\"minimize\"")},", "metric_mode");

        var environment = new JsonObject();
        foreach (JsonProperty property in extra)
        {
            if (property.Name == "env")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add("objective.env", $"must be an object from variable name to value, got {TuningJobRequest.Describe(property.Value)}.");
                    continue;
                }

                foreach (JsonProperty variable in property.Value.EnumerateObject())
                {
                    environment[variable.Name] = JsonNode.Parse(variable.Value.GetRawText());
                }
            }
            else
            {
                document.Line($"{Json(property.Name)}: {Json(property.Value)},", $"objective.{property.Name}");
            }
        }

        environment["VERNIER_JOB_ID"] = jobId;
        environment["VERNIER_DATASET_KEY"] = request.DatasetKey;
        environment["VERNIER_BASE_MODEL_ID"] = request.BaseModelId;
        document.Line($"\"env\": {environment.ToJsonString(Compact)}", "objective.env");
        document.Line("},", "objective");
        return true;
    }

    /// <summary>The two ways a job gets a command, for messages.</summary>
    public static string HowToRun(VernierServerOptions options) =>
        "A job runs a command only if the server was started with commands allowed (vernier serve --allow-commands; then send \"objective\": {\"command\": \"python3 train.py\"}), " +
        "or if it names a template configured on the server (vernier serve --command-template NAME=COMMAND; then send \"objective\": {\"template\": \"NAME\"}); " +
        (options.CommandTemplates.Count == 0 ? "this server has no templates." : $"this server's templates: {string.Join(", ", options.CommandTemplates.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>Writes the sampler (as <c>strategy</c>, with the seed) or the pruner, one option per line.</summary>
    private static void WriteNamed(Document document, string key, string field, JsonElement? given, ulong? seed)
    {
        if (given is null && seed is null)
        {
            return;
        }

        var members = new List<(string Text, string Field)>();
        if (given is { ValueKind: JsonValueKind.String } name)
        {
            members.Add(($"\"name\": {Json(name)}", field));
        }
        else if (given is { ValueKind: JsonValueKind.Object } options)
        {
            members.AddRange(options.EnumerateObject().Select(p => ($"{Json(p.Name)}: {Json(p.Value)}", p.Name == "name" ? field : $"{field}.{p.Name}")));
        }

        if (seed is { } s)
        {
            members.Add(($"\"seed\": {s}", "seed"));
        }

        document.Line($"\"{key}\": {{", field);
        for (int i = 0; i < members.Count; i++)
        {
            document.Line(members[i].Text + (i < members.Count - 1 ? "," : ""), members[i].Field);
        }

        document.Line("},", field);
    }

    /// <summary>A template may hand its placeholders to a shell: the job's string choices must not carry spaces, quotes or shell characters.</summary>
    private static void CheckChoicesForTemplates(StudyDefinition definition, JobErrors errors)
    {
        foreach (var parameter in definition.Space.Parameters)
        {
            if (parameter.Distribution is CategoricalDistribution categorical
                && categorical.Choices.OfType<string>().FirstOrDefault(c => !SafeChoice().IsMatch(c)) is { } unsafeChoice)
            {
                errors.Add($"search_space.{parameter.Name}", $"the choice \"{unsafeChoice}\" cannot be passed to a server template: a string choice holds letters, digits and . _ - / : @ + = , only.");
            }
        }
    }

    /// <summary>Replaces <c>{dataset_key}</c>, <c>{base_model_id}</c> and <c>{job_id}</c> in a command (a string or a list of strings); <c>{{name}}</c> stays literal.</summary>
    private static JsonNode? Substitute(JsonNode? command, Dictionary<string, string> values) => command switch
    {
        JsonValue value when value.TryGetValue(out string? text) => JsonValue.Create(Placeholder().Replace(text, m => values[m.Groups[1].Value])),
        JsonArray array => new JsonArray([.. array.Select(item => Substitute(item, values))]),
        _ => command?.DeepClone(),
    };

    private static string Json(JsonElement value) => JsonSerializer.Serialize(value, Compact);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, Compact);

    [GeneratedRegex(@"(?<!\{)\{(dataset_key|base_model_id|job_id)\}(?!\})", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-/:@+=,]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeChoice();

    /// <summary>A study file written one field per line, remembering which request field each line came from.</summary>
    private sealed class Document
    {
        private readonly List<(string Text, string Field)> _lines = [];

        public string Text => string.Join('\n', _lines.Select(l => l.Text));

        public void Line(string text, string field) => _lines.Add((text, field));

        /// <summary>The request field of a 1-based line.</summary>
        public string FieldAt(int line) => line >= 1 && line <= _lines.Count ? _lines[line - 1].Field : "body";
    }
}
