using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// <c>sweep.log</c> in the output folder: one line per run start and end and per trial start and end, each with a UTC
/// timestamp from the study's clock, appended (a continued study adds to the same file). The <see cref="StudyRunner"/>
/// keeps it whenever it writes outputs; like any tracker, a failure to write it never fails the study.
/// </summary>
/// <example>
/// <code>
/// 2026-11-30T09:00:00.000Z run started: study mlp, minimize val_loss, budget 4 trials, config 1a2b3c4d5e6f
/// 2026-11-30T09:00:00.012Z trial 0 started | layers=2, lr=0.01
/// 2026-11-30T09:00:01.250Z trial 0 complete in 1.238 s, value 0.25 | layers=2, lr=0.01
/// 2026-11-30T09:00:01.300Z trial 1 failed in 0.05 s | layers=3, lr=0.1 | exited with code 3; last lines of stderr:\n  boom
/// 2026-11-30T09:00:05.000Z run finished: 4 trial(s) started, the trial budget was reached; best 0.25 (trial 0)
/// </code>
/// </example>
/// <param name="path">The file; created (with its folder) when missing, appended to otherwise.</param>
internal sealed class SweepLogTracker(string path) : ITrialTracker
{
    /// <summary>The file's name in the output folder.</summary>
    public const string FileName = "sweep.log";

    public void StudyStarted(StudyStartedEvent started)
    {
        string objectives = string.Join(", ", started.Directions.Select((d, i) =>
            d.ToWireName() + (started.MetricNames is { } m && i < m.Count ? " " + m[i] : "")));
        string budget = started.TotalTrials is { } total ? $", budget {total} trials" : "";
        string hash = started.ConfigHash is { Length: >= 12 } h ? $", config {h[..12]}" : "";
        Append(started.Time, $"run started: study {started.StudyName}, {objectives}{budget}{hash}");
    }

    public void TrialStarted(TrialStartedEvent started) =>
        Append(started.Time, $"trial {started.Number}{Label(started.Name)} started{Parameters(started.Parameters)}");

    // The run name as the progress lines show it: "trial 3 (adam-lr0.01) started".
    private static string Label(string? name) => name is null ? "" : $" ({name})";

    public void IntermediateValue(IntermediateValueEvent value)
    {
        // Steps stay in the trial's stdout.log and in trials.jsonl: one line per trial start and end keeps the log readable.
    }

    public void TrialFinished(TrialFinishedEvent finished)
    {
        FrozenTrial trial = finished.Trial;
        var line = new StringBuilder($"trial {trial.Number}{Label(finished.Name)} {trial.State.ToWireName()}");
        if (trial.Duration is { } duration)
        {
            line.Append(CultureInfo.InvariantCulture, $" in {Math.Round(duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture)} s");
        }

        if (trial.Values.Length > 0)
        {
            line.Append(trial.Values.Length == 1 ? ", value " : ", values ").AppendJoin(", ", trial.Values.Select(Format));
        }

        if (trial.UserAttributes.TryGetValue(CommandStudyObjective.SeedsAttribute, out JsonElement seeds) && seeds.ValueKind == JsonValueKind.Array)
        {
            line.Append(seeds.GetArrayLength() == 1 ? ", seed " : ", seeds ").AppendJoin(", ", seeds.EnumerateArray().Select(s => s.GetRawText()));
        }

        line.Append(Parameters(trial.Params));
        if (trial.FailReason is { } reason)
        {
            line.Append(" | ").Append(reason.ReplaceLineEndings("\\n"));
        }

        Append(finished.Time, line.ToString());
    }

    public void StudyFinished(StudyFinishedEvent finished)
    {
        string why = finished.StopReason switch
        {
            OptimizeStopReason.BudgetReached => ", the trial budget was reached",
            OptimizeStopReason.TimedOut => ", the timeout passed",
            OptimizeStopReason.SamplerExhausted => ", the sampler visited every point",
            OptimizeStopReason.StopRequested => ", stop was requested",
            _ => "",
        };
        string best = finished.Best is { } b ? $"; best {string.Join(", ", b.Values.Select(Format))} (trial {b.Number})" : "";
        Append(finished.Time, $"run {finished.Status}: {finished.TrialsStarted} trial(s) started{why}{best}");
    }

    private static string Parameters(IReadOnlyDictionary<string, object?> parameters) => parameters.Count == 0 ? "" :
        " | " + string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value)}"));

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private void Append(DateTimeOffset time, string text)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        // One write per line, so a reader (tail -f) never sees half of one.
        byte[] bytes = Encoding.UTF8.GetBytes($"{time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} {text}\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes);
    }
}
