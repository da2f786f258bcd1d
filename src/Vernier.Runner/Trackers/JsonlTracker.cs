using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;
using Vernier.Runner.Outputs;

namespace Vernier.Runner.Trackers;

/// <summary>
/// The <c>jsonl</c> tracker: appends one JSON object per event to a file, each line in a single write,
/// so a reader never sees half a line and a continued run appends to the same file.
/// Every object has <c>event</c> (<c>study_started</c>, <c>trial_started</c>, <c>intermediate_value</c>,
/// <c>trial_finished</c>, <c>study_finished</c>) and <c>study</c>; <c>trial_finished</c> carries the
/// whole trial in the <see cref="TrialJson"/> form.
/// </summary>
/// <param name="path">The file; created (with its folder) when missing, appended to otherwise.</param>
public sealed class JsonlTracker(string path) : ITrialTracker
{
    private string _study = "";

    /// <inheritdoc />
    public void StudyStarted(StudyStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _study = started.StudyName;
        JsonObject? space = null;
        if (started.Space is { } s)
        {
            space = [];
            foreach (var parameter in s.Parameters)
            {
                space[parameter.Name] = DistributionJson.ToNode(parameter.Distribution);
            }
        }

        Append(new JsonObject
        {
            ["event"] = "study_started",
            ["study"] = _study,
            ["time"] = Time(started.Time),
            ["directions"] = new JsonArray([.. started.Directions.Select(d => (JsonNode)d.ToWireName())]),
            ["metrics"] = started.MetricNames is { } m ? new JsonArray([.. m.Select(n => (JsonNode)n)]) : null,
            ["space"] = space,
            ["config_hash"] = started.ConfigHash,
            ["total_trials"] = started.TotalTrials,
        });
    }

    /// <inheritdoc />
    public void TrialStarted(TrialStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var parameters = new JsonObject();
        foreach (var (name, value) in started.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters[name] = DistributionJson.ValueToNode(value);
        }

        Append(new JsonObject
        {
            ["event"] = "trial_started",
            ["study"] = _study,
            ["time"] = Time(started.Time),
            ["number"] = started.Number,
            ["params"] = parameters,
        }.WithLabels(started.Name, started.Group, started.Tags));
    }

    /// <inheritdoc />
    public void IntermediateValue(IntermediateValueEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Append(new JsonObject
        {
            ["event"] = "intermediate_value",
            ["study"] = _study,
            ["number"] = value.Number,
            ["step"] = value.Step,
            ["value"] = TrialJson.NumberNode(value.Value),
        });
    }

    /// <inheritdoc />
    public void TrialFinished(TrialFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        Append(new JsonObject
        {
            ["event"] = "trial_finished",
            ["study"] = _study,
            ["time"] = Time(finished.Time),
            ["number"] = finished.Trial.Number,
            ["state"] = finished.Trial.State.ToWireName(),
            ["trial"] = TrialJson.ToJson(finished.Trial),
        }.WithLabels(finished.Name, finished.Group, finished.Tags));
    }

    /// <inheritdoc />
    public void StudyFinished(StudyFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        Append(new JsonObject
        {
            ["event"] = "study_finished",
            ["study"] = _study,
            ["time"] = Time(finished.Time),
            ["status"] = finished.Status,
            ["stop_reason"] = finished.StopReason?.ToString(),
            ["trials_started"] = finished.TrialsStarted,
            ["best_trial"] = finished.Best?.Number,
        });
    }

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private void Append(JsonObject line)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes); // one write per line: readers and other appenders never see half a line
        stream.Flush();
    }
}
