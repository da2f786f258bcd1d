using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;

namespace Vernier.Runner;

/// <summary>How a <see cref="StudyRunner"/> runs a study and what it leaves behind. Every option has a documented default.</summary>
public sealed class StudyRunnerOptions
{
    /// <summary>The study's whole trial budget; a re-run continues until the study holds this many. The default value is null (no limit).</summary>
    public int? TotalTrials { get; set; }

    /// <summary>How many trials this run starts, at most, whatever the study's budget (a worker's own share). The default value is null (no limit).</summary>
    public int? NTrials { get; set; }

    /// <summary>Stop starting trials after this long. The default value is null (no limit).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>How many trials run at once. The default value is 1.</summary>
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>The least time between two trial starts. The default value is zero.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.Zero;

    /// <summary>Cancel a trial's objective after this long. The default value is null (no limit).</summary>
    public TimeSpan? TrialTimeout { get; set; }

    /// <summary>The declared search space, for define-and-run objectives. The default value is null (define-by-run).</summary>
    public SearchSpace? SearchSpace { get; set; }

    /// <summary>Where <c>best.json</c>, <c>runs.csv</c>, <c>trials.jsonl</c> and <c>sweep.log</c> go. The default value is null (not written).</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>
    /// The metric columns of <c>runs.csv</c>, in order; a name no complete trial reported gives an empty column and a warning
    /// (on <see cref="TrackerLog"/>) at the end of the run. The default value is null: every reported metric, alphabetically.
    /// </summary>
    public IReadOnlyList<string>? RunsCsvMetrics { get; set; }

    /// <summary>Where <c>best.json</c> goes, when not in <see cref="OutputDirectory"/>. The default value is null.</summary>
    public string? BestPath { get; set; }

    /// <summary>How often the output files are rewritten while trials finish (always at the end). The default value is 2 seconds.</summary>
    public TimeSpan OutputInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A checkpoint file rewritten after every finished trial. The default value is null (none).</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>The config's content hash, recorded in checkpoints. The default value is null.</summary>
    public string? ConfigHash { get; set; }

    /// <summary>The objective metrics' names, for <c>best.json</c>. The default value is null.</summary>
    public IReadOnlyList<string>? MetricNames { get; set; }

    /// <summary>Shows progress. The default value is null (silent).</summary>
    public IRunReporter? Reporter { get; set; }

    /// <summary>Record the run's events (see <see cref="ITrialTracker"/>). The default value is empty (none).</summary>
    public IList<ITrialTracker> Trackers { get; } = [];

    /// <summary>How each trial's run is named, grouped and tagged (a study file's <c>run:</c>); the labels are stored with the trial and shown by the reporter, the outputs and the trackers. The default value is null (no labels).</summary>
    public RunNaming? Naming { get; set; }

    /// <summary>Where a failing tracker is reported (once, before it is disabled), and warnings about the outputs. The default value is null (standard error).</summary>
    public TextWriter? TrackerLog { get; set; }
}
