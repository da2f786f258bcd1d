namespace Vernier.Runner.Objectives;

/// <summary>What happened when a trial ran as a process.</summary>
public sealed record CommandTrialResult
{
    /// <summary>Completed, Failed or Stopped.</summary>
    public required CommandTrialStatus Status { get; init; }

    /// <summary>
    /// The objective values in the order <see cref="CommandObjectiveOptions.Metric"/>, then
    /// <see cref="CommandObjectiveOptions.ExtraMetrics"/>; all finite. Empty unless <see cref="CommandTrialStatus.Completed"/>.
    /// </summary>
    public IReadOnlyList<double> ObjectiveValues { get; init; } = [];

    /// <summary>The last final value printed for the objective metric, whatever the status (it may be NaN); null if none was printed.</summary>
    public double? ObjectiveValue { get; init; }

    /// <summary>Every final metric the process printed (lines without <c>step=</c>); for each name the last value printed wins.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The intermediate reports in the order printed, as also passed to the callback.</summary>
    public IReadOnlyList<IntermediateReport> IntermediateReports { get; init; } = [];

    /// <summary>The exit code, or null when the process could not be started or did not exit.</summary>
    /// <remarks>A process ended by signal n is reported as 128 + n, as shells do.</remarks>
    public int? ExitCode { get; init; }

    /// <summary>
    /// The signal that ended the process, or null. Derived from the exit code (129 to 192 means signal
    /// code − 128), which covers both a process killed by a signal and a shell reporting a child that was.
    /// </summary>
    public int? Signal { get; init; }

    /// <summary>True when the trial ran longer than <see cref="CommandObjectiveOptions.Timeout"/> and its process tree was terminated.</summary>
    public bool TimedOut { get; init; }

    /// <summary>True when "out of memory" (for example PyTorch's "CUDA out of memory", ROCm's "HIP out of memory", DirectML's "not enough GPU video memory") appeared in the output.</summary>
    public bool OutOfMemory { get; init; }

    /// <summary>From launch until the process exited and its output was read.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The last lines of standard error (at most <see cref="CommandObjectiveOptions.StderrTailLines"/>).</summary>
    public IReadOnlyList<string> StderrTail { get; init; } = [];

    /// <summary>
    /// The class of the failure (out of memory, OOM-killed, timeout, signal, exit code, no metric;
    /// interrupted when stopped); <see cref="CommandFailureClass.None"/> when <see cref="CommandTrialStatus.Completed"/>.
    /// </summary>
    public CommandFailureClass FailureClass { get; init; }

    /// <summary>Why the trial failed or was stopped, in words a user can act on; null when <see cref="CommandTrialStatus.Completed"/>.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Problems that did not decide the outcome: malformed METRIC lines, background processes left behind, output left open.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>For a pipeline, what each step did, in order (the steps reached); null for a single command.</summary>
    internal IReadOnlyList<Pipelines.PipelineStepRecord>? Steps { get; init; }

    /// <summary>The absolute path of the trial's folder (params.json, stdout.log, stderr.log).</summary>
    public required string TrialDirectory { get; init; }
}
