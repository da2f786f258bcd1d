using System.Globalization;

namespace Vernier.Runner.Objectives.Pipelines;

/// <summary>
/// Runs a pipeline objective's trial: its steps in order (prepare → train → eval), each a process run by a
/// <see cref="CommandObjectiveRunner"/>, skipping a step whose declared outputs are up to date. Create one with
/// <see cref="StudyComposition.CreatePipelineRunner"/>.
/// </summary>
/// <remarks>
/// <para>For each step of a trial, in order:</para>
/// <list type="number">
/// <item>its command, outputs and inputs are rendered with the trial's placeholders, and its cache key is computed
/// (command, environment entries, content of the inputs, outputs, and the key of the step before);</item>
/// <item>a step with outputs takes the key's lock (<c>.vernier-cache/locks/</c> in the working directory); if a stamp for
/// the key exists and its outputs are unchanged, the step is skipped (<c>cached</c>) and the final metrics it printed are replayed;</item>
/// <item>otherwise it runs with its logs in <c>steps/&lt;name&gt;/</c> of the trial folder; exit code 0 completes it
/// (its declared outputs must then exist, and a stamp is written); any failure fails the trial, named
/// <c>step 'train' failed: …</c>, with that step's failure class, and later steps do not run.</item>
/// </list>
/// <para>
/// Every step's METRIC lines count: intermediate values (with <c>step=</c>) go to the callback as they are printed
/// (pruning stops the running step and the pipeline), and for each final metric the last step printing it wins. The
/// trial completes when every step did and the objective metric has a finite final value. The objective's timeout
/// bounds the whole pipeline; a step's own timeout bounds that step. Like <see cref="CommandObjectiveRunner"/>, one
/// instance may run many trials at the same time.
/// </para>
/// </remarks>
public sealed class PipelineRunner
{
    /// <summary>The folder of the trial folder that holds one folder of logs per step.</summary>
    internal const string StepsDirectoryName = "steps";

    private readonly PipelineStep[] _steps;
    private readonly string[] _required;
    private readonly string _workingDirectory;
    private readonly TimeSpan? _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly StepCache _cache;

    /// <param name="steps">The steps, in order, names distinct.</param>
    /// <param name="metric">The objective metric.</param>
    /// <param name="extraMetrics">Further metrics every trial must report.</param>
    /// <param name="workingDirectory">The steps' working directory: relative outputs and inputs, and the cache, are there.</param>
    /// <param name="timeout">The longest the whole pipeline may run, or null.</param>
    /// <param name="timeProvider">The clock.</param>
    internal PipelineRunner(IReadOnlyList<PipelineStep> steps, string metric, IReadOnlyList<string> extraMetrics, string workingDirectory, TimeSpan? timeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException("A pipeline needs at least one step.", nameof(steps));
        }

        if (steps.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != steps.Count)
        {
            throw new ArgumentException("Step names must be distinct.", nameof(steps));
        }

        if (timeout is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timeout must be positive or null (no limit), got {limit}.", nameof(timeout));
        }

        _steps = [.. steps];
        _required = [metric, .. extraMetrics];
        _workingDirectory = Path.GetFullPath(workingDirectory);
        _timeout = timeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _cache = new StepCache(_workingDirectory, _timeProvider);
    }

    /// <summary>The name of the objective metric.</summary>
    public string Metric => _required[0];

    /// <summary>The steps' names, in order.</summary>
    public IReadOnlyList<string> StepNames => [.. _steps.Select(s => s.Name)];

    /// <summary>The parameter names the steps' commands, outputs and inputs refer to with <c>{name}</c> placeholders (built-ins excluded).</summary>
    public IReadOnlyList<string> PlaceholderNames => [.. _steps.SelectMany(s => s.PlaceholderNames).Distinct(StringComparer.Ordinal)];

    /// <summary>Each step's name with the argument vector it would launch for a request (what <c>--dry-run</c> prints).</summary>
    /// <param name="request">The trial.</param>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> RenderSteps(CommandTrialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [.. _steps.Select(s => KeyValuePair.Create(s.Name, s.Runner.RenderCommand(request)))];
    }

    /// <summary>Runs one trial's steps and waits for the pipeline to end.</summary>
    /// <param name="request">The trial's number, parameters and folder.</param>
    /// <param name="onIntermediate">Called for each <c>METRIC step=…</c> line of any step, as <see cref="CommandObjectiveRunner.RunAsync"/> describes.</param>
    /// <param name="cancellationToken">Stops the running step (and the pipeline); the result is then <see cref="CommandTrialStatus.Stopped"/>.</param>
    /// <returns>How the trial ended; a failed step's result names it.</returns>
    /// <exception cref="CommandObjectiveException">A placeholder has no value, or the working directory does not exist.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the first step.</exception>
    public async Task<CommandTrialResult> RunAsync(
        CommandTrialRequest request,
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(_workingDirectory))
        {
            throw new CommandObjectiveException($"the working directory '{_workingDirectory}' does not exist.");
        }

        string trialDirectory = Path.GetFullPath(request.TrialDirectory);
        List<KeyValuePair<string, object?>> parameters = CommandObjectiveRunner.NormaliseParameters(request.Parameters);
        Dictionary<string, string> builtIns = _steps[0].Runner.BuiltInsOf(request);

        using CancellationTokenSource? total = _timeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total?.Token ?? CancellationToken.None);
        var run = new Run(trialDirectory, _timeProvider, total, cancellationToken);
        string? previousKey = null;
        foreach (PipelineStep step in _steps)
        {
            long stepStart = _timeProvider.GetTimestamp();
            IReadOnlyList<string> argv = step.Runner.RenderCommand(request);
            string[] outputs = [.. Resolve(step.Outputs, request, trialDirectory, parameters, builtIns)];
            (string Path, string Hash)[] inputs = [.. Resolve(step.Inputs, request, trialDirectory, parameters, builtIns).Select(p => (p, StepCache.HashInput(p)))];
            string key = StepCache.Key(step.Name, argv, step.Environment, inputs, outputs, previousKey);
            previousKey = key;

            CommandTrialResult? failure;
            try
            {
                failure = step.HasOutputs
                    ? await RunCachedAsync(step, key, argv, outputs, request, run, stepStart, onIntermediate, stop.Token)
                    : await RunStepAsync(step, request, run, stepStart, onIntermediate, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Cancelled while waiting for another trial's run of the step, or between steps.
                failure = Interrupted(step, run, stepStart, null);
            }

            if (failure is not null)
            {
                return failure;
            }
        }

        return Judge(run);
    }

    // Null when the step completed (ran or cached); otherwise the pipeline's result.
    private async Task<CommandTrialResult?> RunCachedAsync(
        PipelineStep step, string key, IReadOnlyList<string> argv, string[] outputs, CommandTrialRequest request, Run run, long stepStart,
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate, CancellationToken stop)
    {
        await using IAsyncDisposable held = await _cache.LockAsync(key, stop);
        if (await _cache.TryReadValidAsync(key, outputs, stop) is { } stamp)
        {
            foreach ((string name, double value) in stamp.Metrics)
            {
                run.Set(name, value, step.Name);
            }

            run.Steps.Add(new PipelineStepRecord(step.Name, PipelineStepRecord.Cached, Seconds(stepStart)));
            return null;
        }

        _cache.Delete(key);
        if (await RunStepAsync(step, request, run, stepStart, onIntermediate, stop) is { } failure)
        {
            return failure;
        }

        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string output in outputs)
        {
            if (StepCache.Fingerprint(output) is not { } fingerprint)
            {
                run.Steps[^1] = run.Steps[^1] with { Status = PipelineStepRecord.Failed };
                return Failed(run, step.Name, CommandFailureClass.NoMetric, $"exited with code 0 but did not create its declared output '{output}'");
            }

            fingerprints[output] = fingerprint;
        }

        await _cache.WriteAsync(StepStamp.Create(step.Name, key, argv, fingerprints, run.LastStepMetrics), CancellationToken.None);
        return null;
    }

    private async Task<CommandTrialResult?> RunStepAsync(
        PipelineStep step, CommandTrialRequest request, Run run, long stepStart,
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate, CancellationToken stop)
    {
        CommandTrialRequest stepRequest = request with { LogDirectory = Path.Combine(run.TrialDirectory, StepsDirectoryName, step.Name) };
        CommandTrialResult result = await step.Runner.RunAsync(stepRequest, onIntermediate, stop);
        run.Add(step.Name, result);
        switch (result.Status)
        {
            case CommandTrialStatus.Completed:
                run.Steps.Add(new PipelineStepRecord(step.Name, PipelineStepRecord.Ran, Seconds(stepStart)));
                return null;
            case CommandTrialStatus.Stopped:
                const string Prefix = "stopped on request; ";
                string? termination = result.FailureReason is { } reason && reason.StartsWith(Prefix, StringComparison.Ordinal) ? reason[Prefix.Length..] : result.FailureReason;
                return Interrupted(step, run, stepStart, termination);
            default:
                run.Steps.Add(new PipelineStepRecord(step.Name, PipelineStepRecord.Failed, Seconds(stepStart)));
                return Failed(run, step.Name, result.FailureClass, result.FailureReason ?? "the command failed");
        }
    }

    private CommandTrialResult Judge(Run run)
    {
        string[] missing = [.. _required.Where(name => !run.Metrics.ContainsKey(name))];
        if (missing.Length > 0)
        {
            string printed = run.Metrics.Count > 0 ? $"; final metrics printed: {string.Join(", ", run.Metrics.Keys)}" : "";
            return run.Result(CommandTrialStatus.Failed, CommandFailureClass.NoMetric, Metric,
                $"every step completed but none printed a final METRIC line for {string.Join(", ", missing.Select(m => $"'{m}'"))}{printed}");
        }

        if (_required.FirstOrDefault(name => !double.IsFinite(run.Metrics[name])) is { } bad)
        {
            return run.Result(CommandTrialStatus.Failed, CommandFailureClass.NoMetric, Metric,
                $"step '{run.Sources[bad]}' reported {bad}={ParameterValues.FormatDouble(run.Metrics[bad])}");
        }

        return run.Result(CommandTrialStatus.Completed, CommandFailureClass.None, Metric, null) with { ObjectiveValues = [.. _required.Select(name => run.Metrics[name])] };
    }

    private CommandTrialResult Failed(Run run, string step, CommandFailureClass failureClass, string reason) =>
        run.Result(CommandTrialStatus.Failed, failureClass, Metric, $"step '{step}' failed: {reason}");

    // The step was stopped: by the objective's timeout (a failure), or on request (pruned or interrupted).
    private CommandTrialResult Interrupted(PipelineStep step, Run run, long stepStart, string? termination)
    {
        if (run.Total is { IsCancellationRequested: true } && !run.Caller.IsCancellationRequested)
        {
            run.Steps.Add(new PipelineStepRecord(step.Name, PipelineStepRecord.Failed, Seconds(stepStart)));
            return Failed(run, step.Name, CommandFailureClass.Timeout,
                $"the pipeline timed out after {CommandObjectiveRunner.FormatDuration(_timeout!.Value)} (the objective's timeout covers all its steps)" + (termination is null ? "" : $"; {termination}")) with { TimedOut = true };
        }

        run.Steps.Add(new PipelineStepRecord(step.Name, PipelineStepRecord.Stopped, Seconds(stepStart)));
        return run.Result(CommandTrialStatus.Stopped, CommandFailureClass.Interrupted, Metric, $"step '{step.Name}' stopped on request" + (termination is null ? "" : $"; {termination}"));
    }

    private IEnumerable<string> Resolve(CommandTemplate paths, CommandTrialRequest request, string trialDirectory, List<KeyValuePair<string, object?>> parameters, Dictionary<string, string> builtIns) =>
        paths.Render(request.TrialNumber, trialDirectory, parameters, CommandArgumentStyle.None, builtIns).Select(p => Path.GetFullPath(p, _workingDirectory));

    private double Seconds(long since) => Math.Round(_timeProvider.GetElapsedTime(since).TotalSeconds, 3);

    /// <summary>What the steps of one trial have done so far.</summary>
    private sealed class Run(string trialDirectory, TimeProvider time, CancellationTokenSource? total, CancellationToken caller)
    {
        private readonly long _startedAt = time.GetTimestamp();

        public string TrialDirectory { get; } = trialDirectory;

        /// <summary>Cancelled when the objective's timeout passes.</summary>
        public CancellationTokenSource? Total { get; } = total;

        /// <summary>The caller's token: pruning or interruption.</summary>
        public CancellationToken Caller { get; } = caller;

        public List<PipelineStepRecord> Steps { get; } = [];

        public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

        /// <summary>For each final metric, the step that printed the value kept.</summary>
        public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

        public List<IntermediateReport> Reports { get; } = [];

        public List<string> Warnings { get; } = [];

        public CommandTrialResult? Last { get; private set; }

        public IReadOnlyDictionary<string, double> LastStepMetrics => Last?.Metrics ?? new Dictionary<string, double>();

        public void Set(string name, double value, string step)
        {
            Metrics[name] = value;
            Sources[name] = step;
        }

        public void Add(string step, CommandTrialResult result)
        {
            Last = result;
            foreach ((string name, double value) in result.Metrics)
            {
                Set(name, value, step);
            }

            Reports.AddRange(result.IntermediateReports);
            Warnings.AddRange(result.Warnings.Select(w => $"step '{step}': {w}"));
        }

        public CommandTrialResult Result(CommandTrialStatus status, CommandFailureClass failureClass, string metric, string? reason) => new()
        {
            Status = status,
            FailureClass = failureClass,
            FailureReason = reason,
            ObjectiveValue = Metrics.TryGetValue(metric, out double value) ? value : null,
            Metrics = new Dictionary<string, double>(Metrics, StringComparer.Ordinal),
            IntermediateReports = [.. Reports],
            ExitCode = Last?.ExitCode,
            Signal = Last?.Signal,
            TimedOut = Last?.TimedOut ?? false,
            OutOfMemory = Last?.OutOfMemory ?? false,
            StderrTail = Last?.StderrTail ?? [],
            Duration = time.GetElapsedTime(_startedAt),
            Warnings = [.. Warnings],
            TrialDirectory = TrialDirectory,
            Steps = [.. Steps],
        };
    }
}
