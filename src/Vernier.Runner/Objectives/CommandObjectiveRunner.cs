using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Text;

namespace Vernier.Runner.Objectives;

/// <summary>Runs trials of a command objective: one process per trial, reporting through the METRIC protocol.</summary>
/// <remarks>
/// <para>For each trial, <see cref="RunAsync"/>:</para>
/// <list type="number">
/// <item>creates the trial folder and writes <c>params.json</c> there atomically (temporary file, then rename);</item>
/// <item>with a <see cref="CommandObjectiveOptions.BaseConfig"/>, writes the merged config (<c>config.yaml</c> or <c>config.json</c>) there too;</item>
/// <item>builds the argument vector: placeholders substituted, remaining parameters appended in the
/// <see cref="CommandObjectiveOptions.ArgumentStyle"/>; it is launched directly, never through a shell;</item>
/// <item>creates the trial's <c>checkpoint/</c> folder;</item>
/// <item>puts the folder holding Vernier's Python helper <c>vernier_report.py</c> first on <c>PYTHONPATH</c>;</item>
/// <item>sets <c>VERNIER_TRIAL_NUMBER</c>, <c>VERNIER_PARAMS_FILE</c>, <c>VERNIER_TRIAL_DIR</c>, <c>VERNIER_CHECKPOINT_DIR</c>
/// and with a base config <c>VERNIER_CONFIG_FILE</c>
/// (and, in a population study, <c>VERNIER_START_STEP</c>, <c>VERNIER_END_STEP</c> and for a continuation
/// <c>VERNIER_RESTORE_FROM</c>; outside one they are removed; <c>VERNIER_SEED</c> and <c>VERNIER_RUN_INDEX</c> for a request
/// with a <see cref="CommandTrialRequest.Seed"/> and <see cref="CommandTrialRequest.RunIndex"/>, removed otherwise), closes standard input,
/// and starts the process in a process group of its own (on Linux) so its whole tree can be signalled;</item>
/// <item>copies standard output and error to <c>stdout.log</c> and <c>stderr.log</c> as they arrive, reads METRIC lines from
/// standard output (see <see cref="MetricProtocol"/>) and passes each intermediate report to the callback at once;</item>
/// <item>on timeout or cancellation sends SIGTERM to the group, waits <see cref="CommandObjectiveOptions.TerminationGracePeriod"/>,
/// then kills the tree with SIGKILL; when the process exits on its own, background processes it left in its group are
/// stopped the same way, so no trial leaks workers;</item>
/// <item>returns a <see cref="CommandTrialResult"/>: Completed when the exit code is 0 and every required metric has a
/// finite final value; otherwise Failed or Stopped with a readable reason.</item>
/// </list>
/// <para>
/// A runner holds no per-trial state: one instance may run many trials at the same time. Failures of the
/// trial are results, not exceptions; exceptions are kept for mistakes of the caller or the configuration.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var runner = new CommandObjectiveRunner(new CommandObjectiveOptions
/// {
///     Command = ["python3", "train.py"],
///     Metric = "val_loss",
///     Timeout = TimeSpan.FromMinutes(30),
/// });
/// CommandTrialResult result = await runner.RunAsync(
///     new CommandTrialRequest(7, [new("lr", 0.01), new("optimizer", "adam")], "runs/trial-7"),
///     async (report, ct) => { if (await ShouldPruneAsync(report, ct)) prune.Cancel(); },
///     prune.Token);
/// </code>
/// </example>
public sealed class CommandObjectiveRunner
{
    /// <summary>The file in the trial folder that holds the parameters as a JSON object.</summary>
    public const string ParamsFileName = "params.json";

    /// <summary>The folder in each trial folder where the command saves its checkpoint (<c>VERNIER_CHECKPOINT_DIR</c>).</summary>
    public const string CheckpointDirectoryName = "checkpoint";

    /// <summary>The file in the trial folder that receives standard output.</summary>
    public const string StdoutFileName = "stdout.log";

    /// <summary>The file in the trial folder that receives standard error.</summary>
    public const string StderrFileName = "stderr.log";

    private const int ReasonStderrLines = 5;
    private const int ReasonLineLength = 300;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    // How long output may stay open and silent after the process tree has gone (a daemon that left the group holds the
    // pipe), and how long at most, callbacks aside.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxDrainTime = TimeSpan.FromSeconds(30);

    // How long to wait for a process to disappear after SIGKILL (it may be stuck in the kernel, on a device).
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    private readonly CommandTemplate _template;
    private readonly string _metric;
    private readonly string[] _extraMetrics;
    private readonly CommandArgumentStyle _style;
    private readonly string? _workingDirectory;
    private readonly KeyValuePair<string, string?>[] _environment;
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan _grace;
    private readonly int _tailLines;
    private readonly bool _metricsRequired;
    private readonly TimeProvider _timeProvider;
    private readonly ConfigMerger? _merger;

    /// <summary>Reads the cgroup's oom_kill count (memory evidence for a SIGKILL); replaceable in tests.</summary>
    internal Func<long?> OomKillCounter { get; set; } = MemoryEvents.ReadOomKills;

    /// <summary>Creates a runner; the options are validated and copied.</summary>
    /// <param name="options">The command, the metric and how to run it.</param>
    /// <param name="timeProvider">The clock for durations, timeouts and grace periods. The default is <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public CommandObjectiveRunner(CommandObjectiveOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Command is null || options.Command.Count == 0 || string.IsNullOrEmpty(options.Command[0]))
        {
            throw new ArgumentException("Command must hold at least the program to run, for example [\"python3\", \"train.py\"].", nameof(options));
        }

        if (options.Command.Any(a => a is null))
        {
            throw new ArgumentException("Command must not contain null elements.", nameof(options));
        }

        if (!MetricProtocol.IsValidMetricName(options.Metric))
        {
            throw new ArgumentException(
                $"Metric '{options.Metric}' is not a metric name the METRIC protocol can carry: start with a letter or underscore, "
                + "continue with letters, digits, '_', '.', '-' or '/', and not 'step'.",
                nameof(options));
        }

        string[] extra = [.. options.ExtraMetrics ?? []];
        foreach (string name in extra)
        {
            if (!MetricProtocol.IsValidMetricName(name))
            {
                throw new ArgumentException($"ExtraMetrics: '{name}' is not a valid metric name.", nameof(options));
            }
        }

        if (extra.Prepend(options.Metric).Distinct(StringComparer.Ordinal).Count() != extra.Length + 1)
        {
            throw new ArgumentException("Metric and ExtraMetrics must name distinct metrics.", nameof(options));
        }

        if (!Enum.IsDefined(options.ArgumentStyle))
        {
            throw new ArgumentException($"ArgumentStyle {options.ArgumentStyle} is not one of Flags, KeyValue, None, Hydra.", nameof(options));
        }

        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timeout must be positive or null (no limit), got {timeout}.", nameof(options));
        }

        if (options.TerminationGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException($"TerminationGracePeriod must not be negative, got {options.TerminationGracePeriod}.", nameof(options));
        }

        if (options.StderrTailLines < 0)
        {
            throw new ArgumentException($"StderrTailLines must not be negative, got {options.StderrTailLines}.", nameof(options));
        }

        KeyValuePair<string, string?>[] environment = [.. options.Environment ?? new Dictionary<string, string?>()];
        ValidateEnvironment(environment, "Environment");

        _template = CommandTemplate.Parse([.. options.Command]);
        _merger = options.BaseConfig is { } baseConfig ? new ConfigMerger(baseConfig) : null;
        if (_merger is null && _template.Uses(CommandTemplate.Config))
        {
            throw new ArgumentException("Command uses {config}, which is the merged base config, but BaseConfig is not set.", nameof(options));
        }

        _metric = options.Metric;
        _extraMetrics = extra;
        _style = options.ArgumentStyle;
        _workingDirectory = options.WorkingDirectory;
        _environment = environment;
        _timeout = options.Timeout;
        _grace = options.TerminationGracePeriod;
        _tailLines = options.StderrTailLines;
        _metricsRequired = options.MetricsRequired;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The parameter names the command refers to with <c>{name}</c> placeholders (built-ins excluded), in order of
    /// appearance. Check them against the search space before a study starts: a trial without one of them
    /// cannot be launched.
    /// </summary>
    public IReadOnlyList<string> PlaceholderNames => _template.ParameterPlaceholders;

    /// <summary>The name of the objective metric.</summary>
    public string Metric => _metric;

    /// <summary>The argument vector <see cref="RunAsync"/> would launch for a request (what <c>--dry-run</c> prints).</summary>
    /// <param name="request">The trial.</param>
    public IReadOnlyList<string> RenderCommand(CommandTrialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _template.Render(request.TrialNumber, Path.GetFullPath(request.TrialDirectory), NormaliseParameters(request.Parameters), _style, BuiltInsOf(request), ArgumentName);
    }

    /// <summary>Runs one trial as a process and waits for it to end.</summary>
    /// <param name="request">The trial's number, parameters and folder.</param>
    /// <param name="onIntermediate">
    /// Called for each <c>METRIC step=…</c> line as soon as it is read, one call at a time and in order, on a
    /// thread-pool thread; reading pauses until it returns. To prune, cancel <paramref name="cancellationToken"/>
    /// (from here or elsewhere). Its token is cancelled when the trial is being stopped. If it throws, the
    /// process tree is stopped and the exception is rethrown by this method.
    /// </param>
    /// <param name="cancellationToken">
    /// Stops the trial: SIGTERM, the grace period, then SIGKILL to the tree; the result is then
    /// <see cref="CommandTrialStatus.Stopped"/>. Already cancelled before launch: <see cref="OperationCanceledException"/>.
    /// </param>
    /// <returns>How the trial ended; failures of the trial are results, not exceptions.</returns>
    /// <exception cref="CommandObjectiveException">A placeholder has no value, the working directory does not exist, or a parameter cannot be merged into the base config.</exception>
    /// <exception cref="ArgumentException">A parameter has an empty or repeated name, or an unsupported value type.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the process was launched.</exception>
    public async Task<CommandTrialResult> RunAsync(
        CommandTrialRequest request,
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.TrialNumber < 0)
        {
            throw new ArgumentException($"TrialNumber must not be negative, got {request.TrialNumber}.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.TrialDirectory))
        {
            throw new ArgumentException("TrialDirectory must be a path.", nameof(request));
        }

        KeyValuePair<string, string?>[] requestEnvironment = [.. request.Environment ?? new Dictionary<string, string?>()];
        ValidateEnvironment(requestEnvironment, "request Environment");

        List<KeyValuePair<string, object?>> parameters = NormaliseParameters(request.Parameters);
        string trialDirectory = Path.GetFullPath(request.TrialDirectory);
        List<string> argv = _template.Render(request.TrialNumber, trialDirectory, parameters, _style, BuiltInsOf(request), ArgumentName);

        string workingDirectory = Path.GetFullPath(_workingDirectory ?? Environment.CurrentDirectory);
        if (!Directory.Exists(workingDirectory))
        {
            throw new CommandObjectiveException($"the working directory '{workingDirectory}' does not exist.");
        }

        Directory.CreateDirectory(trialDirectory);
        Directory.CreateDirectory(request.CheckpointDirectory);
        string logDirectory = request.LogDirectory is { } logs ? Path.GetFullPath(logs) : trialDirectory;
        Directory.CreateDirectory(logDirectory);
        string paramsFile = await WriteParamsFileAsync(trialDirectory, parameters, cancellationToken);
        if (_merger is not null)
        {
            await ParameterValues.WriteAtomicallyAsync(Path.Combine(trialDirectory, _merger.FileName), _merger.Render(parameters), cancellationToken);
        }

        Dictionary<string, string> environment = BuildEnvironment(request);
        string? program = ExecutableLocator.Find(argv[0], workingDirectory, environment.GetValueOrDefault("PATH"));
        if (program is null)
        {
            string where = argv[0].Contains('/') ? $"in '{workingDirectory}'" : "on PATH";
            return NotStarted(trialDirectory, $"could not start the command: '{argv[0]}' was not found {where}");
        }

        await using var stdoutLog = OpenLog(logDirectory, StdoutFileName);
        await using var stderrLog = OpenLog(logDirectory, StderrFileName);
        long? oomKillsBefore = OomKillCounter();
        long startedAt = _timeProvider.GetTimestamp();
        ProcessTree tree;
        try
        {
            tree = ProcessTree.Start(program, argv.Skip(1), workingDirectory, environment);
        }
        catch (Win32Exception e)
        {
            return NotStarted(trialDirectory, $"could not start '{argv[0]}': {e.Message}");
        }

        using (tree)
        {
            try
            {
                request.OnStarted?.Invoke(tree.Id);
                return await SuperviseAsync(tree, trialDirectory, stdoutLog, stderrLog, startedAt, oomKillsBefore, onIntermediate, cancellationToken);
            }
            finally
            {
                // Normally a no-op (the tree is gone by now); after an unexpected error it keeps the trial from outliving us.
                if (tree.IsAlive())
                {
                    tree.Kill();
                }
            }
        }
    }

    private async Task<CommandTrialResult> SuperviseAsync(
        ProcessTree tree,
        string trialDirectory,
        Stream stdoutLog,
        Stream stderrLog,
        long startedAt,
        long? oomKillsBefore,
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate,
        CancellationToken cancellationToken)
    {
        using var callbackFailed = new CancellationTokenSource();
        using CancellationTokenSource? timeout = _timeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callbackFailed.Token, timeout?.Token ?? CancellationToken.None);
        using var stopReading = new CancellationTokenSource();

        var activity = new OutputActivity(_timeProvider);
        var stdout = new StdoutCollector(onIntermediate, callbackFailed.Cancel, activity, stop.Token);
        var stderr = new StderrCollector(_tailLines);
        Task pumps = Task.WhenAll(
            Task.Run(() => OutputPump.RunAsync(tree.StandardOutput, stdoutLog, stdout.OnLineAsync, activity, stopReading.Token), CancellationToken.None),
            Task.Run(() => OutputPump.RunAsync(tree.StandardError, stderrLog, stderr.OnLineAsync, activity, stopReading.Token), CancellationToken.None));

        var warnings = new List<string>();
        StopCause cause = StopCause.None;
        bool killed = false;
        try
        {
            await tree.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            cause = callbackFailed.IsCancellationRequested ? StopCause.CallbackFailed
                : cancellationToken.IsCancellationRequested ? StopCause.Cancelled
                : StopCause.Timeout;
            killed = await TerminateAsync(tree);
        }

        bool exited = await CompletesWithinAsync(tree.WaitForExitAsync(CancellationToken.None), KillTimeout);
        if (exited && cause == StopCause.None && tree.IsAlive())
        {
            warnings.Add("the command exited but left processes running in its process group; they were stopped (SIGTERM, then SIGKILL after the grace period)");
            await TerminateAsync(tree);
        }

        // Wait for end-of-file on both pipes while callbacks take their time, but give up on pipes that stay
        // open, silent or not: a process that left the group still holds them.
        long drainStart = _timeProvider.GetTimestamp();
        while (!await CompletesWithinAsync(pumps, PollInterval * 4))
        {
            if (activity.IsIdleFor(DrainTimeout) || (!activity.InCallback && _timeProvider.GetElapsedTime(drainStart) >= MaxDrainTime))
            {
                warnings.Add("the output pipes stayed open after the process tree ended (a process that left the group still holds them); stopped reading");
                await stopReading.CancelAsync();
                await CompletesWithinAsync(pumps, DrainTimeout);
                break;
            }
        }

        if (pumps.IsFaulted && pumps.Exception.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } pumpError)
        {
            warnings.Add($"could not capture all output: {pumpError.Message}");
        }

        // After this no callback runs and the collected output is final, even if a pump is still stuck in a read.
        await stdout.SealAsync();
        stderr.Seal();

        TimeSpan duration = _timeProvider.GetElapsedTime(startedAt);
        stdout.CallbackFailure?.Throw();

        int? exitCode = exited ? tree.ExitCode : null;
        // The OOM killer's evidence: the cgroup's oom_kill count rose while the trial ran (read only when it matters).
        bool oomKill = exitCode is { } ended && SignalNames.FromExitCode(ended) == NativeMethods.SIGKILL && !killed
            && oomKillsBefore is { } before && OomKillCounter() is { } after && after > before;
        return BuildResult(new Ending(cause, killed, exitCode, duration, oomKill), stdout, stderr, warnings, trialDirectory);
    }

    // SIGTERM to the tree, up to the grace period for every member to exit, then SIGKILL. True when SIGKILL was needed.
    private async Task<bool> TerminateAsync(ProcessTree tree)
    {
        if (_grace > TimeSpan.Zero && tree.Terminate())
        {
            long sentAt = _timeProvider.GetTimestamp();
            while (tree.IsAlive())
            {
                TimeSpan left = _grace - _timeProvider.GetElapsedTime(sentAt);
                if (left <= TimeSpan.Zero)
                {
                    tree.Kill();
                    return true;
                }

                await Task.Delay(left < PollInterval ? left : PollInterval, _timeProvider);
            }

            return false;
        }

        tree.Kill();
        return true;
    }

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit, _timeProvider);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception)
        {
            // Completed, with an error the caller inspects on the task itself.
        }

        return true;
    }

    private CommandTrialResult BuildResult(Ending ending, StdoutCollector stdout, StderrCollector stderr, List<string> runnerWarnings, string trialDirectory)
    {
        IReadOnlyList<string> tail = stderr.Tail;
        string? outOfMemory = OutputScanner.Combine(stdout.OutOfMemory, stderr.OutOfMemory);
        int? signal = ending.ExitCode is { } code ? SignalNames.FromExitCode(code) : null;

        var warnings = new List<string>(stdout.MalformedLines);
        if (stdout.MalformedCount > stdout.MalformedLines.Count)
        {
            warnings.Add($"… and {stdout.MalformedCount - stdout.MalformedLines.Count} more malformed METRIC lines");
        }

        warnings.AddRange(runnerWarnings);

        CommandTrialStatus status;
        string? reason;
        IReadOnlyList<double> values = [];
        switch (ending.Cause)
        {
            case StopCause.Cancelled:
                status = CommandTrialStatus.Stopped;
                reason = $"stopped on request; {TerminationText(ending.Killed)}";
                break;

            case StopCause.Timeout:
                status = CommandTrialStatus.Failed;
                reason = $"timed out after {FormatDuration(_timeout!.Value)}; {TerminationText(ending.Killed)}";
                break;

            default:
                (status, reason, values) = Judge(ending.ExitCode, signal, stdout, tail, outOfMemory, ending.OomKill);
                break;
        }

        if (status == CommandTrialStatus.Failed && ending.Cause == StopCause.Timeout && outOfMemory is not null)
        {
            reason += $"; the output mentions {outOfMemory}";
        }

        CommandFailureClass failureClass = status switch
        {
            CommandTrialStatus.Completed => CommandFailureClass.None,
            CommandTrialStatus.Stopped => CommandFailureClass.Interrupted,
            _ => Classify(ending, signal, outOfMemory),
        };

        return new CommandTrialResult
        {
            Status = status,
            FailureClass = failureClass,
            ObjectiveValues = values,
            ObjectiveValue = stdout.Metrics.TryGetValue(_metric, out double objective) ? objective : null,
            Metrics = stdout.Metrics,
            IntermediateReports = stdout.IntermediateReports,
            ExitCode = ending.ExitCode,
            Signal = signal,
            TimedOut = ending.Cause == StopCause.Timeout,
            OutOfMemory = outOfMemory is not null,
            Duration = ending.Duration,
            StderrTail = tail,
            FailureReason = reason,
            Warnings = warnings,
            TrialDirectory = trialDirectory,
        };
    }

    private (CommandTrialStatus Status, string? Reason, IReadOnlyList<double> Values) Judge(
        int? exitCode, int? signal, StdoutCollector stdout, IReadOnlyList<string> tail, string? outOfMemory, bool oomKill)
    {
        if (exitCode is not { } code)
        {
            return (CommandTrialStatus.Failed, $"did not exit within {FormatDuration(KillTimeout)} of SIGKILL (stuck in the kernel, for example on a device); gave up waiting", []);
        }

        if (code != 0)
        {
            string what = signal is { } s
                ? $"killed by signal {s} ({SignalNames.Name(s)})" + (s == NativeMethods.SIGKILL && outOfMemory is null
                    ? oomKill ? " from the kernel's out-of-memory killer (the cgroup's oom_kill count rose during the trial)" : ", possibly by the kernel's out-of-memory killer" : "")
                : $"exited with code {code}" + code switch { 126 => " (command not executable)", 127 => " (command not found)", _ => "" };
            string reason = (outOfMemory is null ? what : $"{outOfMemory}; {what}") + StderrSummary(tail);
            return (CommandTrialStatus.Failed, reason, []);
        }

        string[] required = _metricsRequired ? [_metric, .. _extraMetrics] : [];
        string[] missing = [.. required.Where(name => !stdout.Metrics.ContainsKey(name))];
        if (missing.Length > 0)
        {
            var reason = new StringBuilder($"exited with code 0 but printed no METRIC line for {string.Join(", ", missing.Select(m => $"'{m}'"))}");
            string[] stepOnly = [.. missing.Where(m => stdout.IntermediateReports.Any(r => r.Values.ContainsKey(m)))];
            if (stepOnly.Length > 0)
            {
                reason.Append(CultureInfo.InvariantCulture, $"; it printed intermediate values (METRIC step=…) but no final line such as 'METRIC {stepOnly[0]}=<value>'");
            }

            if (stdout.Metrics.Count > 0)
            {
                reason.Append(CultureInfo.InvariantCulture, $"; final metrics printed: {string.Join(", ", stdout.Metrics.Keys)}");
            }

            if (stdout.MalformedLines.Count > 0)
            {
                reason.Append(CultureInfo.InvariantCulture, $"; {stdout.MalformedCount} METRIC line(s) could not be read, the first: {stdout.MalformedLines[0]}");
            }

            if (outOfMemory is not null)
            {
                reason.Append(CultureInfo.InvariantCulture, $"; the output mentions {outOfMemory}");
            }

            return (CommandTrialStatus.Failed, reason.ToString(), []);
        }

        double[] values = [.. required.Select(name => stdout.Metrics[name])];
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
        {
            return (CommandTrialStatus.Failed, $"reported {required[bad]}={ParameterValues.FormatDouble(values[bad])}", []);
        }

        return (CommandTrialStatus.Completed, null, values);
    }

    // The root cause first: an out-of-memory message explains an exit code, a signal or even a hang.
    private static CommandFailureClass Classify(Ending ending, int? signal, string? outOfMemory) =>
        outOfMemory is not null ? CommandFailureClass.OutOfMemory
        : ending.Cause == StopCause.Timeout ? CommandFailureClass.Timeout
        : ending.OomKill ? CommandFailureClass.OomKilled
        : signal is not null || ending.ExitCode is null ? CommandFailureClass.Signal
        : ending.ExitCode != 0 ? CommandFailureClass.ExitCode
        : CommandFailureClass.NoMetric;

    private string TerminationText(bool killed) =>
        !killed ? "process tree terminated (SIGTERM)"
        : _grace > TimeSpan.Zero ? $"process tree killed (SIGKILL after the {FormatDuration(_grace)} grace period)"
        : "process tree killed (SIGKILL)";

    private static string StderrSummary(IReadOnlyList<string> tail)
    {
        string[] lines = [.. tail.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(ReasonStderrLines)];
        if (lines.Length == 0)
        {
            return "; nothing on stderr";
        }

        return "; last lines of stderr:" + string.Concat(lines.Select(l => "\n  " + (l.Length > ReasonLineLength ? l[..ReasonLineLength] + "…" : l)));
    }

    /// <summary>"2 s", "1.5 s", "250 ms", "3 min", "1 h 30 min": durations in failure messages.</summary>
    internal static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return $"{Math.Round(duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return $"{Math.Round(duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture)} s";
        }

        var parts = new List<string>();
        if (duration.Days > 0 || duration.Hours > 0)
        {
            parts.Add($"{((int)duration.TotalHours).ToString(CultureInfo.InvariantCulture)} h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes.ToString(CultureInfo.InvariantCulture)} min");
        }

        if (duration.Seconds > 0)
        {
            parts.Add($"{duration.Seconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return string.Join(' ', parts);
    }

    // With a base config, appended arguments name the config path (Hydra's '+' for a new key); otherwise the parameter.
    private string ArgumentName(string parameter) => _merger?.ArgumentName(parameter, _style) ?? parameter;

    /// <summary>Writes <c>params.json</c> into a folder (created if missing), atomically; returns its path.</summary>
    internal static async Task<string> WriteParamsFileAsync(string directory, IReadOnlyList<KeyValuePair<string, object?>> parameters, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string paramsFile = Path.Combine(directory, ParamsFileName);
        await ParameterValues.WriteAtomicallyAsync(paramsFile, ParameterValues.ToJson(NormaliseParameters(parameters)), cancellationToken);
        return paramsFile;
    }

    internal static List<KeyValuePair<string, object?>> NormaliseParameters(IReadOnlyList<KeyValuePair<string, object?>>? parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var normalised = new List<KeyValuePair<string, object?>>(parameters.Count);
        foreach ((string name, object? value) in parameters)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("parameter names must not be empty.", nameof(parameters));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"parameter '{name}' appears more than once.", nameof(parameters));
            }

            normalised.Add(new(name, ParameterValues.Normalise(name, value)));
        }

        return normalised;
    }

    /// <summary>
    /// The variables <see cref="RunAsync"/> sets for a request on top of the inherited environment (what <c>--dry-run</c> prints):
    /// the options' <see cref="CommandObjectiveOptions.Environment"/>, then the request's, then the <c>VERNIER_*</c> variables,
    /// in that order; a later entry replaces an earlier one, and a null value removes the variable.
    /// </summary>
    /// <param name="request">The trial.</param>
    public IReadOnlyList<KeyValuePair<string, string?>> EnvironmentFor(CommandTrialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string trialDirectory = Path.GetFullPath(request.TrialDirectory);
        IReadOnlyDictionary<string, string> builtIns = BuiltInsOf(request);
        KeyValuePair<string, string?>[] vernier =
        [
            new("VERNIER_TRIAL_NUMBER", request.TrialNumber.ToString(CultureInfo.InvariantCulture)),
            new("VERNIER_PARAMS_FILE", Path.Combine(trialDirectory, ParamsFileName)),
            new("VERNIER_TRIAL_DIR", trialDirectory),
            new("VERNIER_CHECKPOINT_DIR", request.CheckpointDirectory),
            new("VERNIER_RESTORE_FROM", builtIns.GetValueOrDefault(CommandTemplate.RestoreFrom)),
            new("VERNIER_START_STEP", builtIns.GetValueOrDefault(CommandTemplate.StartStep)),
            new("VERNIER_END_STEP", builtIns.GetValueOrDefault(CommandTemplate.EndStep)),
            new("VERNIER_CONFIG_FILE", builtIns.GetValueOrDefault(CommandTemplate.Config)),
            new("VERNIER_SEED", builtIns.GetValueOrDefault(CommandTemplate.Seed)),
            new("VERNIER_RUN_INDEX", builtIns.GetValueOrDefault(CommandTemplate.RunIndex)),
        ];
        var overlay = new List<KeyValuePair<string, string?>>();
        foreach (KeyValuePair<string, string?> entry in _environment.Concat(request.Environment ?? new Dictionary<string, string?>()).Concat(vernier))
        {
            overlay.RemoveAll(e => e.Key == entry.Key);
            overlay.Add(entry);
        }

        return overlay;
    }

    private Dictionary<string, string> BuildEnvironment(CommandTrialRequest request)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value;
        }

        // Python block-buffers stdout into a pipe: without this, METRIC step lines would arrive only at exit, too late to prune.
        environment.TryAdd("PYTHONUNBUFFERED", "1");
        foreach ((string name, string? value) in EnvironmentFor(request))
        {
            environment[name] = value;
        }

        // So that "import vernier_report" works in every trial (and the Python callable bridge finds it). A trial that is
        // not Python runs without it when no folder can be written; a Python callable has already failed the study then.
        if (PythonSupport.TryEnsureWritten())
        {
            environment["PYTHONPATH"] = PythonSupport.PrependToPythonPath(environment.GetValueOrDefault("PYTHONPATH"));
        }

        return environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);
    }

    /// <summary>The values of the placeholders beyond the trial number and folder; the population ones only in a population study, <c>config</c> only with a base config.</summary>
    internal Dictionary<string, string> BuiltInsOf(CommandTrialRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { [CommandTemplate.CheckpointDir] = request.CheckpointDirectory };
        if (_merger is not null)
        {
            values[CommandTemplate.Config] = Path.Combine(Path.GetFullPath(request.TrialDirectory), _merger.FileName);
        }

        if (request.Population is { } segment)
        {
            values[CommandTemplate.StartStep] = segment.StartStep.ToString(CultureInfo.InvariantCulture);
            values[CommandTemplate.EndStep] = segment.EndStep.ToString(CultureInfo.InvariantCulture);
        }

        if (request.RestoreFromDirectory is { } restore)
        {
            values[CommandTemplate.RestoreFrom] = Path.GetFullPath(restore);
        }

        if (request.Seed is { } seed)
        {
            values[CommandTemplate.Seed] = seed.ToString(CultureInfo.InvariantCulture);
        }

        if (request.RunIndex is { } run)
        {
            values[CommandTemplate.RunIndex] = run.ToString(CultureInfo.InvariantCulture);
        }

        return values;
    }

    private static void ValidateEnvironment(KeyValuePair<string, string?>[] environment, string what)
    {
        foreach ((string name, _) in environment)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains('\0'))
            {
                throw new ArgumentException($"{what}: '{name}' is not a valid environment variable name.");
            }
        }
    }

    private static FileStream OpenLog(string trialDirectory, string name) =>
        new(Path.Combine(trialDirectory, name), FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: true);

    private static CommandTrialResult NotStarted(string trialDirectory, string reason) => new()
    {
        Status = CommandTrialStatus.Failed,
        FailureClass = CommandFailureClass.ExitCode,
        FailureReason = reason,
        TrialDirectory = trialDirectory,
    };

    private enum StopCause
    {
        None,
        Cancelled,
        Timeout,
        CallbackFailed,
    }

    private readonly record struct Ending(StopCause Cause, bool Killed, int? ExitCode, TimeSpan Duration, bool OomKill);
}
