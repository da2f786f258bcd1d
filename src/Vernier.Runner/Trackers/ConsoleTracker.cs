using System.Globalization;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>The <c>console</c> tracker: one concise line per event on a text writer (standard error in the CLI).</summary>
/// <param name="output">Where to write.</param>
public sealed class ConsoleTracker(TextWriter output) : ITrialTracker
{
    /// <inheritdoc />
    public void StudyStarted(StudyStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        string space = started.Space is { } s ? "; space " + string.Join(", ", s.Parameters.Select(p => p.Name)) : "";
        output.WriteLine($"[tracker] study {started.StudyName} started: {string.Join(", ", started.Directions.Select(d => d.ToWireName()))}{space}");
    }

    /// <inheritdoc />
    public void TrialStarted(TrialStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        output.WriteLine($"[tracker] trial {started.Number}{Labels(started.Name, started.Group, started.Tags)} started{(started.Parameters.Count == 0 ? "" : ": " + FormatParameters(started.Parameters))}");
    }

    /// <inheritdoc />
    public void IntermediateValue(IntermediateValueEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        output.WriteLine($"[tracker] trial {value.Number} step {value.Step.ToString(CultureInfo.InvariantCulture)}: {Format(value.Value)}");
    }

    /// <inheritdoc />
    public void TrialFinished(TrialFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        FrozenTrial trial = finished.Trial;
        string values = trial.Values.Length > 0 ? " value " + string.Join(", ", trial.Values.Select(Format)) : "";
        string duration = trial.Duration is { } d ? $" in {Format(Math.Round(d.TotalSeconds, 3))} s" : "";
        string reason = trial.FailReason is { } r ? $": {r}" : "";
        output.WriteLine($"[tracker] trial {trial.Number}{Labels(finished.Name, null, [])} {trial.State.ToWireName()}{values}{duration}{reason}");
    }

    /// <inheritdoc />
    public void StudyFinished(StudyFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        string best = finished.Best is { } b ? $"; best {string.Join(", ", b.Values.Select(Format))} (trial {b.Number})" : "";
        output.WriteLine($"[tracker] study {finished.StudyName} {finished.Status}: {finished.TrialsStarted} trial(s) started{best}");
        output.Flush();
    }

    // " (name, group g, tags a|b)" or empty.
    private static string Labels(string? name, string? group, IReadOnlyList<string> tags)
    {
        string[] parts = [.. new[] { name, group is null ? null : "group " + group, tags.Count == 0 ? null : "tags " + string.Join("|", tags) }.OfType<string>()];
        return parts.Length == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private static string FormatParameters(IReadOnlyDictionary<string, object?> parameters) =>
        string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value)}"));

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
