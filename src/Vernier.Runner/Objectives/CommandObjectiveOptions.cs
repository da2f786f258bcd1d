namespace Vernier.Runner.Objectives;

/// <summary>Options of a command objective: one process per trial that reports through the METRIC protocol.</summary>
/// <remarks>
/// The options are copied and validated when a <see cref="CommandObjectiveRunner"/> is created;
/// changing them afterwards does not affect that runner.
/// </remarks>
public sealed class CommandObjectiveOptions
{
    /// <summary>
    /// The command as an argument vector, for example <c>["python3", "train.py", "--epochs", "10"]</c>.
    /// It is launched directly, never through a shell, so spaces and quotes in an element reach the
    /// program intact. Elements may hold placeholders: <c>{name}</c> for a parameter,
    /// <c>{trial_number}</c> and <c>{trial_dir}</c> (absolute). Write <c>{{name}}</c> for a literal <c>{name}</c>;
    /// <c>${name}</c> is left alone for a shell the command may start itself, and other braces (JSON) are plain text.
    /// A placeholder with no value is a <see cref="CommandObjectiveException"/> before launch.
    /// </summary>
    /// <remarks>Required; there is no default. The first element is found on <c>PATH</c> unless it contains a <c>/</c>.</remarks>
    public required IReadOnlyList<string> Command { get; set; }

    /// <summary>The name of the objective metric, for example <c>val_loss</c>.</summary>
    /// <remarks>Required; there is no default. A trial completes only if it prints a final <c>METRIC val_loss=…</c> line with a finite value.</remarks>
    public required string Metric { get; set; }

    /// <summary>
    /// Further metrics every trial must report, in order, for example the second objective of a
    /// multi-objective study. A trial that misses one, or reports it as NaN or infinite, fails.
    /// </summary>
    /// <remarks>
    /// The default value is empty. Metrics the command prints without being listed here are still
    /// collected in <see cref="CommandTrialResult.Metrics"/>.
    /// </remarks>
    public IReadOnlyList<string> ExtraMetrics { get; set; } = [];

    /// <summary>
    /// A configuration file each trial gets a merged copy of (<c>config.yaml</c> or <c>config.json</c> in its folder),
    /// passed as <c>VERNIER_CONFIG_FILE</c> and the <c>{config}</c> placeholder; see <see cref="Objectives.BaseConfig"/>.
    /// With it, appended arguments name each parameter's config path.
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>: no merged config, and <c>{config}</c> is an error.</remarks>
    public BaseConfig? BaseConfig { get; set; }

    /// <summary>How parameters not consumed by placeholders are appended to the command.</summary>
    /// <remarks>The default value is <see cref="CommandArgumentStyle.Flags"/> (<c>--name=value</c>).</remarks>
    public CommandArgumentStyle ArgumentStyle { get; set; } = CommandArgumentStyle.Flags;

    /// <summary>The working directory of the process.</summary>
    /// <remarks>The default value is <see langword="null"/>: the current directory of the calling process. It must exist.</remarks>
    public string? WorkingDirectory { get; set; }

    /// <summary>Environment variables to set for every trial on top of the inherited environment; a <see langword="null"/> value removes a variable.</summary>
    /// <remarks>
    /// The default value is empty. <c>PYTHONUNBUFFERED=1</c> is set unless already present, so that a
    /// Python program's METRIC lines arrive while it runs; set it here to override. The folder holding Vernier's
    /// <c>vernier_report.py</c> is put first on <c>PYTHONPATH</c>, before the inherited value or the one set here.
    /// <c>VERNIER_TRIAL_NUMBER</c>, <c>VERNIER_PARAMS_FILE</c> and <c>VERNIER_TRIAL_DIR</c> and <c>VERNIER_CONFIG_FILE</c> always win.
    /// </remarks>
    public IReadOnlyDictionary<string, string?> Environment { get; set; } = new Dictionary<string, string?>();

    /// <summary>The longest a trial may run before its process tree is terminated and the trial fails as timed out.</summary>
    /// <remarks>The default value is <see langword="null"/>: no limit. When set it must be positive.</remarks>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// How long a process tree has, after SIGTERM, to exit on its own before it is killed with SIGKILL
    /// (on timeout, cancellation, or when the command exits leaving background processes behind).
    /// </summary>
    /// <remarks>The default value is 5 seconds. Zero kills at once. It must not be negative.</remarks>
    public TimeSpan TerminationGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the last lines of standard error a result keeps (<see cref="CommandTrialResult.StderrTail"/>).</summary>
    /// <remarks>The default value is 20. It must not be negative.</remarks>
    public int StderrTailLines { get; set; } = 20;

    /// <summary>
    /// Whether the process must print <see cref="Metric"/> (and <see cref="ExtraMetrics"/>) to complete; false for a step of a
    /// pipeline, which completes on exit code 0 and leaves the metric to whichever step prints it. The default value is true.
    /// </summary>
    internal bool MetricsRequired { get; set; } = true;
}
