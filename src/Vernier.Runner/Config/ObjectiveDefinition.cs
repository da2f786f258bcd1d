using Vernier.Runner.Objectives;
using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>
/// What a trial runs: exactly one of <see cref="Command"/> (a process per trial that reports
/// <c>METRIC name=value</c> lines), <see cref="Steps"/> (a pipeline of such commands), <see cref="Callable"/>
/// (a .NET method called in-process) or <see cref="PythonCallable"/> (a Python function, a process per trial), and the
/// metrics it reports. The directions live in <see cref="StudyDefinition.Directions"/>, one per metric.
/// </summary>
public sealed record ObjectiveDefinition
{
    /// <summary>The command's argument vector, launched directly (never through a shell), or null for a callable objective.</summary>
    /// <remarks>
    /// The default value is <see langword="null"/>. A file may give a list (<c>[python3, train.py]</c>) or one
    /// string split like a POSIX shell would split it, honouring quotes and backslashes (<c>"python3 train.py --tag 'a b'"</c>).
    /// </remarks>
    public ImmutableArray<string>? Command { get; init; }

    /// <summary>
    /// The steps of a pipeline objective (<c>steps</c>), run in order for each trial (prepare → train → eval), or null.
    /// A pipeline is a command objective whose metric comes from the step that prints it; see <see cref="PipelineStepDefinition"/>.
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>. At most one of <see cref="Command"/> and <see cref="Steps"/> is set.</remarks>
    public ImmutableArray<PipelineStepDefinition>? Steps { get; init; }

    /// <summary>The .NET method that computes the objective in-process, or null.</summary>
    /// <remarks>The default value is <see langword="null"/>.</remarks>
    public CallableReference? Callable { get; init; }

    /// <summary>The Python function that computes the objective (<c>callable: "package.module:function"</c>), run once per trial as a process, or null.</summary>
    /// <remarks>
    /// The default value is <see langword="null"/>. Like a command, it runs in <see cref="WorkingDirectory"/> with
    /// <see cref="Environment"/>, and honours <see cref="Timeout"/>, <see cref="GracePeriod"/>, <see cref="Constraints"/> and <see cref="RetryOn"/>.
    /// </remarks>
    public PythonCallableReference? PythonCallable { get; init; }

    /// <summary>The Python interpreter that runs <see cref="PythonCallable"/> (<c>python</c>): a name found on <c>PATH</c>, or a path relative to the working directory.</summary>
    /// <remarks>The default value is <see langword="null"/>, which means <c>python3</c> on <c>PATH</c>. A Python callable only.</remarks>
    public string? Python { get; init; }

    /// <summary>True when each trial runs as processes: a <see cref="Command"/>, <see cref="Steps"/> or a <see cref="PythonCallable"/>.</summary>
    public bool RunsAsProcess => Command is not null || Steps is not null || PythonCallable is not null;

    /// <summary>The names of the objective metrics, in order; more than one makes the study multi-objective.</summary>
    /// <remarks>
    /// Required for a command (<c>metric: val_loss</c> or <c>metrics: [loss, latency]</c>). For a callable
    /// the default value is one metric named <c>value</c>.
    /// </remarks>
    public ImmutableArray<string> Metrics { get; init; } = ["value"];

    /// <summary>
    /// Metrics that are outcome constraints (<c>constraints: [memory_excess_gb]</c>): the command
    /// prints them as METRIC lines like any metric, and the trial is feasible when every one is ≤ 0.
    /// </summary>
    /// <remarks>The default value is empty: no constraints. A command or a Python callable; a .NET callable calls <c>Trial.ReportConstraints</c>.</remarks>
    public ImmutableArray<string> Constraints { get; init; } = [];

    /// <summary>The first (for a single-objective study, the only) metric.</summary>
    public string Metric => Metrics[0];

    /// <summary>The longest one trial may run before it is stopped and recorded as failed.</summary>
    /// <remarks>The default value is <see langword="null"/>: no limit. Written in seconds in the file; positive when set.</remarks>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// How long a command stopped early (pruned, timed out, interrupted) has after SIGTERM to exit
    /// on its own, e.g. to save a checkpoint, before its process tree is killed (<c>grace_period</c>, seconds).
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>: the runner's default of 5 seconds. A command or a Python callable; positive when set.</remarks>
    public TimeSpan? GracePeriod { get; init; }

    /// <summary>
    /// How many times a failed trial is run again with the same parameters (<c>max_retries</c>), each retry a new
    /// trial linked to the first (<c>retry_of</c>, <c>retry_count</c>). Interrupted trials are retried, and for
    /// a command so are failures of a class in <see cref="RetryOn"/>.
    /// </summary>
    /// <remarks>The default value is 0: no retries.</remarks>
    public int MaxRetries { get; init; }

    /// <summary>The failure classes of a command worth retrying (<c>retry_on</c>).</summary>
    /// <remarks>
    /// The default value is <see cref="CommandFailureClasses.DefaultRetryOn"/>: oom_killed, signal, timeout — failures that
    /// often depend on the machine's state rather than the parameters. out_of_memory, exit_code and no_metric usually
    /// repeat with the same parameters, so they are retried only when listed. A command or a Python callable.
    /// </remarks>
    public ImmutableArray<CommandFailureClass> RetryOn { get; init; } = [.. CommandFailureClasses.DefaultRetryOn];

    /// <summary>How long the first retry waits after the failure (<c>retry_backoff</c>, seconds); it doubles per retry, capped at 300 s.</summary>
    /// <remarks>The default value is 5 seconds; 0 retries at once.</remarks>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Environment variables set for every trial's process on top of the inherited ones; a null value removes a variable.</summary>
    /// <remarks>The default value is empty. Commands and Python callables.</remarks>
    public ImmutableSortedDictionary<string, string?> Environment { get; init; } = ImmutableSortedDictionary<string, string?>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The working directory of every trial's process (<c>working_directory</c> in the file), as written.</summary>
    /// <remarks>
    /// The default value is <see langword="null"/>, which means the directory of the study file
    /// (<see cref="StudyDefinition.SourcePath"/>), or the current directory for a definition parsed from text,
    /// so that <c>python3 train.py</c> finds a <c>train.py</c> next to the file. Commands and Python callables.
    /// </remarks>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// How often each trial runs the command, the runs' seeds and how their final values are combined
    /// (<c>repeats</c>, <c>seeds</c>, <c>aggregate</c>). Commands only.
    /// </summary>
    /// <remarks>The default value is one run without a seed.</remarks>
    public TrialRepeats Repeats { get; init; } = new();

    /// <summary>How parameters reach the command line (<c>pass_parameters</c>: <c>flags</c>, <c>key_value</c>, <c>hydra</c> or <c>none</c>).</summary>
    /// <remarks>
    /// The default value is <see cref="CommandArgumentStyle.Flags"/> (<c>--name=value</c>); a study file with a
    /// <c>base_config</c> defaults to <see cref="CommandArgumentStyle.None"/>, as the merged config carries the parameters. Commands only.
    /// </remarks>
    public CommandArgumentStyle PassParameters { get; init; } = CommandArgumentStyle.Flags;

    /// <summary>
    /// The configuration file each trial gets a merged copy of (<c>base_config</c>, with <c>config_format</c>,
    /// <c>allow_new_keys</c> and <c>overrides</c>): the trial's parameters are set at their dotted paths, and the copy's path
    /// reaches the command as <c>VERNIER_CONFIG_FILE</c> and <c>{config}</c>. Its content is part of <see cref="ConfigHash"/>.
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>: no base config. Commands only.</remarks>
    public BaseConfig? BaseConfig { get; init; }
}
