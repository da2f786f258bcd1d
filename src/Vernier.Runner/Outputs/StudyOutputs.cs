using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Outputs;

/// <summary>
/// The files a study leaves for its users: <c>best.json</c> (the best trial), <c>runs.csv</c> (one
/// row per trial) and <c>trials.jsonl</c> (every trial, losslessly). Each is written atomically.
/// </summary>
public static class StudyOutputs
{
    /// <summary>The user attribute where objectives keep their named metrics (a JSON object of numbers).</summary>
    public const string MetricsAttribute = "metrics";

    /// <summary>The content of <c>best.json</c>.</summary>
    /// <param name="study">The study's name.</param>
    /// <param name="directions">Its directions.</param>
    /// <param name="trials">All its trials.</param>
    /// <param name="metricNames">The objective metrics' names, one per direction, or null.</param>
    public static JsonObject BestJson(string study, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, IReadOnlyList<string>? metricNames = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentNullException.ThrowIfNull(trials);
        var json = new JsonObject { ["study"] = study };
        if (directions.Count == 1)
        {
            json["direction"] = directions[0].ToWireName();
            json["metric"] = metricNames?.FirstOrDefault();
            FrozenTrial? best = ParetoFront.Of(trials, directions).OrderBy(t => t.Number).FirstOrDefault();
            json["trial_number"] = best?.Number;
            json["value"] = best is null ? null : TrialJson.NumberNode(best.Values[0]);
            json["params"] = best is null ? null : ParamsJson(best);
        }
        else
        {
            json["directions"] = new JsonArray([.. directions.Select(d => (JsonNode)d.ToWireName())]);
            json["metrics"] = metricNames is null ? null : new JsonArray([.. metricNames.Select(m => (JsonNode)m)]);
            json["best_trials"] = new JsonArray([.. ParetoFront.Of(trials, directions).Select(t => (JsonNode)new JsonObject
            {
                ["trial_number"] = t.Number,
                ["values"] = new JsonArray([.. t.Values.Select(TrialJson.NumberNode)]),
                ["params"] = ParamsJson(t),
            })]);
        }

        json["complete_trials"] = trials.Count(t => t.State == TrialState.Complete);
        json["total_trials"] = trials.Count;
        return json;
    }

    /// <summary>Writes <c>runs.csv</c>: number, state, the run labels (name, group, tags joined by <c>|</c>; only when a trial has one), value(s), one column per parameter, metrics, last step, times, failure reason.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="trials">The trials.</param>
    /// <param name="objectiveCount">How many objectives the study has.</param>
    /// <param name="metricColumns">
    /// The metrics that get a <c>metric_&lt;name&gt;</c> column, in order (a metric no trial reported gives an empty column),
    /// or null for every metric any trial reported, alphabetically.
    /// </param>
    public static void WriteRunsCsv(TextWriter writer, IReadOnlyList<FrozenTrial> trials, int objectiveCount, IReadOnlyList<string>? metricColumns = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        string[] parameterNames = [.. trials.SelectMany(t => t.Parameters.Keys).Distinct().Order(StringComparer.Ordinal)];
        string[] metricNames = metricColumns is not null ? [.. metricColumns.Distinct()] : [.. trials.SelectMany(t => MetricsOf(t).Keys).Distinct().Order(StringComparer.Ordinal)];
        bool labelled = trials.Any(t => !Trackers.RunLabels.Of(t).IsEmpty);
        using CsvWriter csv = CsvWriter.Create(writer, null, leaveOpen: true);
        csv.WriteRecord(
        [
            "number", "state",
            .. (labelled ? new[] { "name", "group", "tags" } : []),
            .. Enumerable.Range(0, objectiveCount).Select(i => objectiveCount == 1 ? "value" : $"value_{i}"),
            .. parameterNames,
            .. metricNames.Select(name => $"metric_{name}"),
            "last_step", "last_intermediate_value", "duration_s", "started_at", "completed_at", "fail_reason",
        ]);
        foreach (FrozenTrial trial in trials)
        {
            IReadOnlyDictionary<string, double> metrics = MetricsOf(trial);
            KeyValuePair<long, double>? last = trial.LastIntermediateValue;
            csv.WriteRecord(
            [
                trial.Number.ToString(CultureInfo.InvariantCulture),
                trial.State.ToWireName(),
                .. (labelled ? Labels(trial) : []),
                .. Enumerable.Range(0, objectiveCount).Select(i => i < trial.Values.Length ? Format(trial.Values[i]) : ""),
                .. parameterNames.Select(name => trial.Parameters.TryGetValue(name, out TrialParameter? p) ? CategoricalDistribution.FormatChoice(p.Value) : ""),
                .. metricNames.Select(name => metrics.TryGetValue(name, out double m) ? Format(m) : ""),
                last?.Key.ToString(CultureInfo.InvariantCulture) ?? "",
                last is { } l ? Format(l.Value) : "",
                trial.Duration is { } d ? Format(Math.Round(d.TotalSeconds, 3)) : "",
                trial.StartedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
                trial.CompletedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
                trial.FailReason ?? "",
            ]);
        }

        csv.Flush();
    }

    /// <summary>Writes <c>trials.jsonl</c>: one <see cref="TrialJson"/> object per line.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="trials">The trials.</param>
    public static void WriteTrialsJsonl(TextWriter writer, IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trials);
        foreach (FrozenTrial trial in trials)
        {
            writer.Write(TrialJson.ToJson(trial).ToJsonString());
            writer.Write('\n');
        }
    }

    /// <summary>Writes all three files into <paramref name="folder"/> (or <paramref name="bestPath"/> for best.json), each atomically.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="study">The study's name.</param>
    /// <param name="directions">Its directions.</param>
    /// <param name="trials">All its trials.</param>
    /// <param name="metricNames">The objective metrics' names, or null.</param>
    /// <param name="bestPath">Where best.json goes, when not in <paramref name="folder"/>.</param>
    /// <param name="runsCsvMetrics">The metric columns of runs.csv, or null for all (see <see cref="WriteRunsCsv"/>).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task WriteAllAsync(
        string folder, string study, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials,
        IReadOnlyList<string>? metricNames = null, string? bestPath = null, IReadOnlyList<string>? runsCsvMetrics = null, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(
            bestPath ?? Path.Combine(folder, "best.json"),
            BestJson(study, directions, trials, metricNames).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n",
            cancellationToken);

        var csv = new StringWriter(CultureInfo.InvariantCulture);
        WriteRunsCsv(csv, trials, directions.Count, runsCsvMetrics);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "runs.csv"), csv.ToString(), cancellationToken);

        var jsonl = new StringBuilder();
        using (var writer = new StringWriter(jsonl, CultureInfo.InvariantCulture))
        {
            WriteTrialsJsonl(writer, trials);
        }

        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "trials.jsonl"), jsonl.ToString(), cancellationToken);
    }

    /// <summary>A trial's named metrics, from the <see cref="MetricsAttribute"/> user attribute (numbers, and "NaN", "Infinity", "-Infinity").</summary>
    /// <param name="trial">The trial.</param>
    public static IReadOnlyDictionary<string, double> MetricsOf(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (!trial.UserAttributes.TryGetValue(MetricsAttribute, out JsonElement metrics) || metrics.ValueKind != JsonValueKind.Object)
        {
            return new Dictionary<string, double>();
        }

        var values = new Dictionary<string, double>();
        foreach (JsonProperty metric in metrics.EnumerateObject())
        {
            if (metric.Value.ValueKind == JsonValueKind.Number)
            {
                values[metric.Name] = metric.Value.GetDouble();
            }
            else if (metric.Value.ValueKind == JsonValueKind.String && metric.Value.GetString() is "NaN" or "Infinity" or "-Infinity")
            {
                values[metric.Name] = double.Parse(metric.Value.GetString()!, CultureInfo.InvariantCulture);
            }
        }

        return values;
    }

    private static JsonObject ParamsJson(FrozenTrial trial)
    {
        var json = new JsonObject();
        foreach (var (name, parameter) in trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json[name] = DistributionJson.ValueToNode(parameter.Value);
        }

        return json;
    }

    private static string[] Labels(FrozenTrial trial)
    {
        Trackers.RunLabels labels = Trackers.RunLabels.Of(trial);
        return [labels.Name ?? "", labels.Group ?? "", string.Join("|", labels.Tags)];
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
