using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// The <c>csv</c> tracker: one row per finished trial, appended as it finishes:
/// <c>number, state, value(s), duration_s, params, fail_reason, name, group, tags</c> (the run labels, tags joined by <c>|</c>). The value columns are named after
/// the objective metrics (else <c>value</c> or <c>value_0</c>, <c>value_1</c>…); <c>params</c> is a JSON object.
/// The header is written when the file is new or empty, so a continued run appends to the same file.
/// </summary>
/// <param name="path">The file; created (with its folder) when missing.</param>
public sealed class CsvTracker(string path) : ITrialTracker
{
    private int _objectives = 1;

    /// <inheritdoc />
    public void StudyStarted(StudyStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _objectives = started.Directions.Count;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return;
        }

        string[] values = started.MetricNames is { } m && m.Count == _objectives ? [.. m]
            : _objectives == 1 ? ["value"] : [.. Enumerable.Range(0, _objectives).Select(i => $"value_{i}")];
        AppendRow(["number", "state", .. values, "duration_s", "params", "fail_reason", "name", "group", "tags"]);
    }

    /// <inheritdoc />
    public void TrialStarted(TrialStartedEvent started)
    {
    }

    /// <inheritdoc />
    public void IntermediateValue(IntermediateValueEvent value)
    {
    }

    /// <inheritdoc />
    public void TrialFinished(TrialFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        FrozenTrial trial = finished.Trial;
        var parameters = new JsonObject();
        foreach (var (name, parameter) in trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters[name] = DistributionJson.ValueToNode(parameter.Value);
        }

        AppendRow(
        [
            trial.Number.ToString(CultureInfo.InvariantCulture),
            trial.State.ToWireName(),
            .. Enumerable.Range(0, _objectives).Select(i => i < trial.Values.Length ? trial.Values[i].ToString("R", CultureInfo.InvariantCulture) : ""),
            trial.Duration is { } d ? Math.Round(d.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture) : "",
            parameters.ToJsonString(),
            trial.FailReason ?? "",
            finished.Name ?? "",
            finished.Group ?? "",
            string.Join("|", finished.Tags),
        ]);
    }

    /// <inheritdoc />
    public void StudyFinished(StudyFinishedEvent finished)
    {
    }

    private void AppendRow(IEnumerable<string> fields)
    {
        string line = string.Join(",", fields.Select(Escape)) + "\n";
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes); // one write per row
    }

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
