using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// Records a run's events somewhere (a file, a log, an experiment tracker). Where an
/// <see cref="IRunReporter"/> shows progress to a person, a tracker keeps a record; the
/// <see cref="StudyRunner"/> calls both. A tracker must not change results: one that throws is
/// logged once and disabled, and the study goes on.
/// </summary>
/// <remarks>
/// Calls are serialized by the runner (never two at once, in order), so implementations need no locking. They come
/// from a queue on the thread pool, not from the trial's thread: a slow tracker delays no trial. Values under names
/// that look like secrets arrive as <c>***</c>.
/// </remarks>
public interface ITrialTracker
{
    /// <summary>The run started.</summary>
    /// <param name="started">The study and its configuration.</param>
    void StudyStarted(StudyStartedEvent started);

    /// <summary>A trial started (its objective was called).</summary>
    /// <param name="started">The trial's number and the parameters known at its start.</param>
    void TrialStarted(TrialStartedEvent started);

    /// <summary>A trial reported an intermediate value.</summary>
    /// <param name="value">The trial, step and value.</param>
    void IntermediateValue(IntermediateValueEvent value);

    /// <summary>A trial finished (complete, pruned, failed or interrupted).</summary>
    /// <param name="finished">The finished trial.</param>
    void TrialFinished(TrialFinishedEvent finished);

    /// <summary>The run ended, however it ended. Flush and close here.</summary>
    /// <param name="finished">How it ended.</param>
    void StudyFinished(StudyFinishedEvent finished);
}

/// <summary>A run started.</summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Directions">Its directions, one per objective.</param>
/// <param name="Space">The declared search space, or null (define-by-run).</param>
/// <param name="MetricNames">The objectives' metric names, or null.</param>
/// <param name="ConfigHash">The config's content hash, or null.</param>
/// <param name="TotalTrials">The trial budget, or null.</param>
/// <param name="Time">When.</param>
public sealed record StudyStartedEvent(
    string StudyName, IReadOnlyList<StudyDirection> Directions, SearchSpace? Space, IReadOnlyList<string>? MetricNames,
    string? ConfigHash, int? TotalTrials, DateTimeOffset Time);

/// <summary>A trial started.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="Parameters">Its parameters known at the start (all of them for a declared space; none for define-by-run).</param>
/// <param name="Time">When.</param>
public sealed record TrialStartedEvent(int Number, IReadOnlyDictionary<string, object?> Parameters, DateTimeOffset Time)
{
    /// <summary>The trial's run name (the study file's <c>run.name</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The trial's run group (<c>run.group</c>), or null.</summary>
    public string? Group { get; init; }

    /// <summary>The trial's tags (<c>run.tags</c>); empty when none.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>An intermediate value of a trial.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="Step">The step.</param>
/// <param name="Value">The value.</param>
public sealed record IntermediateValueEvent(int Number, long Step, double Value);

/// <summary>A trial finished.</summary>
/// <param name="Trial">The trial: state, values, parameters, duration, failure reason.</param>
/// <param name="Time">When.</param>
public sealed record TrialFinishedEvent(FrozenTrial Trial, DateTimeOffset Time)
{
    /// <summary>The trial's run name (the study file's <c>run.name</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The trial's run group (<c>run.group</c>), or null.</summary>
    public string? Group { get; init; }

    /// <summary>The trial's tags (<c>run.tags</c>); empty when none.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>A run ended.</summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Status"><c>finished</c>, <c>cancelled</c> or <c>failed</c>.</param>
/// <param name="StopReason">Why it stopped, when it finished normally.</param>
/// <param name="TrialsStarted">How many trials this run started.</param>
/// <param name="Best">The best trial (single objective), or null.</param>
/// <param name="Time">When.</param>
public sealed record StudyFinishedEvent(string StudyName, string Status, OptimizeStopReason? StopReason, int TrialsStarted, FrozenTrial? Best, DateTimeOffset Time);
