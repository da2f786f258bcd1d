using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Studies;

/// <summary>How long and how wide one <c>OptimizeAsync</c> run goes. Every option has a documented default.</summary>
public sealed class OptimizeOptions
{
    /// <summary>How many trials this run starts, at most. The default value is null (no limit).</summary>
    public int? NTrials { get; set; }

    /// <summary>
    /// The study's whole trial budget: stop once the study holds this many trials that count (see
    /// <see cref="TrialBudget.Counts"/>), including trials of earlier runs and other workers. This
    /// is what makes re-running the same command continue a study rather than start another batch.
    /// The default value is null (no limit).
    /// </summary>
    public int? TotalTrials { get; set; }

    /// <summary>Stop starting trials after this long; running ones finish. The default value is null (no limit).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>How many trials this process runs at once. The default value is 1.</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>The least time between two trial starts. The default value is zero.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Cancel the token passed to the objective after this long; a trial that then throws is
    /// recorded Failed (timed out). The default value is null (no limit).
    /// </summary>
    public TimeSpan? TrialTimeout { get; set; }

    /// <summary>
    /// A declared search space: when set, every trial's parameters are chosen before the objective
    /// runs (respecting conditions and constraints) and the objective reads them from
    /// <see cref="Trial.Params"/>. The default value is null (define-by-run).
    /// </summary>
    public SearchSpace? SearchSpace { get; set; }

    /// <summary>Called after every finished trial, in the thread that ran it. The default is none.</summary>
    public IList<Action<Study, FrozenTrial>> Callbacks { get; } = [];

    /// <summary>
    /// Called after each intermediate value a trial of this run reports (<see cref="Trial.Report"/>), once it is stored,
    /// in the thread that reported it, with the trial, the step and the value: live progress for trackers and dashboards.
    /// Keep it quick (queue slow work); an exception it throws reaches the objective's <see cref="Trial.Report"/> call.
    /// The default is none.
    /// </summary>
    public IList<Action<Trial, long, double>> ReportCallbacks { get; } = [];

    internal void Validate()
    {
        if (NTrials is < 0 || TotalTrials is < 0)
        {
            throw new ArgumentException("NTrials and TotalTrials must not be negative.");
        }

        if (MaxConcurrency < 1)
        {
            throw new ArgumentException($"MaxConcurrency must be at least 1, got {MaxConcurrency}.");
        }

        if (MinInterval < TimeSpan.Zero || Timeout <= TimeSpan.Zero || TrialTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MinInterval must not be negative; Timeout and TrialTimeout must be positive when set.");
        }
    }
}

/// <summary>Why an optimize run stopped.</summary>
public enum OptimizeStopReason
{
    /// <summary>It started <see cref="OptimizeOptions.NTrials"/> trials, or the study reached <see cref="OptimizeOptions.TotalTrials"/>.</summary>
    BudgetReached,

    /// <summary><see cref="OptimizeOptions.Timeout"/> passed.</summary>
    TimedOut,

    /// <summary>The sampler had nothing left to suggest (a finished grid).</summary>
    SamplerExhausted,

    /// <summary><see cref="Study.RequestStop"/> was called.</summary>
    StopRequested,
}

/// <summary>What an optimize run did.</summary>
/// <param name="TrialsStarted">How many trials this run started.</param>
/// <param name="StopReason">Why it stopped.</param>
public sealed record OptimizeResult(int TrialsStarted, OptimizeStopReason StopReason);
