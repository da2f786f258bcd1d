using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Vernier.Runner.Objectives.Pipelines;
using Vernier.Runner.Outputs;
using Vernier.Runner.Scheduling;
using Vernier.Runner.Workers;
using Vernier.Samplers.Population;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Objectives;

/// <summary>
/// Runs a study's trials as processes: each trial's parameters go to a <see cref="CommandObjectiveRunner"/>
/// (or, for a pipeline objective, a <see cref="PipelineRunner"/> that runs its steps), its per-step METRIC lines
/// become intermediate values (and pruning decisions), and its outcome becomes the trial's state.
/// </summary>
public sealed class CommandStudyObjective
{
    /// <summary>The user attribute of a pipeline's trial that lists its steps: <c>[{name, status, seconds}]</c>.</summary>
    internal const string StepsAttribute = "steps";

    private static readonly JsonSerializerOptions NamedFloatingPointLiterals = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly Func<CommandTrialRequest, Func<IntermediateReport, CancellationToken, ValueTask>?, CancellationToken, Task<CommandTrialResult>> _run;
    private readonly string _metric;
    private readonly string _trialsDirectory;
    private readonly IReadOnlyList<string>? _parameterOrder;
    private readonly IReadOnlyList<string>? _constraintMetrics;

    /// <summary>Runs each trial as one process.</summary>
    /// <param name="runner">Launches one process per trial.</param>
    /// <param name="trialsDirectory">Where each trial's folder is created (<c>trials/0007/</c>).</param>
    /// <param name="parameterOrder">The order parameters are passed in (the declared order), or null for alphabetical.</param>
    /// <param name="constraintMetrics">Metrics recorded as the trial's outcome constraints (feasible when ≤ 0), or null for none.</param>
    public CommandStudyObjective(CommandObjectiveRunner runner, string trialsDirectory, IReadOnlyList<string>? parameterOrder = null, IReadOnlyList<string>? constraintMetrics = null)
        : this(runner?.Metric!, runner is null ? null! : runner.RunAsync, trialsDirectory, parameterOrder, constraintMetrics)
    {
        ArgumentNullException.ThrowIfNull(runner);
    }

    /// <summary>Runs each trial as a pipeline of steps; the trial records them in its user attribute <c>steps</c>.</summary>
    /// <param name="pipeline">Runs a trial's steps.</param>
    /// <param name="trialsDirectory">Where each trial's folder is created (<c>trials/0007/</c>, with <c>steps/&lt;name&gt;/</c> in it).</param>
    /// <param name="parameterOrder">The order parameters are passed in (the declared order), or null for alphabetical.</param>
    /// <param name="constraintMetrics">Metrics recorded as the trial's outcome constraints (feasible when ≤ 0), or null for none.</param>
    public CommandStudyObjective(PipelineRunner pipeline, string trialsDirectory, IReadOnlyList<string>? parameterOrder = null, IReadOnlyList<string>? constraintMetrics = null)
        : this(pipeline?.Metric!, pipeline is null ? null! : pipeline.RunAsync, trialsDirectory, parameterOrder, constraintMetrics)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
    }

    private CommandStudyObjective(
        string metric,
        Func<CommandTrialRequest, Func<IntermediateReport, CancellationToken, ValueTask>?, CancellationToken, Task<CommandTrialResult>> run,
        string trialsDirectory,
        IReadOnlyList<string>? parameterOrder,
        IReadOnlyList<string>? constraintMetrics)
    {
        _metric = metric;
        _run = run;
        _trialsDirectory = trialsDirectory;
        _parameterOrder = parameterOrder;
        _constraintMetrics = constraintMetrics;
    }

    /// <summary>The folder of one trial.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    public string TrialDirectory(int trialNumber) => Path.Combine(_trialsDirectory, trialNumber.ToString("D4", CultureInfo.InvariantCulture));

    /// <summary>The request for a trial with these parameters, as it would be launched.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="parameters">Its parameters (external values).</param>
    public CommandTrialRequest RequestFor(int trialNumber, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        IEnumerable<string> names = _parameterOrder is null
            ? parameters.Keys.Order(StringComparer.Ordinal)
            : _parameterOrder.Where(parameters.ContainsKey).Concat(parameters.Keys.Where(k => !_parameterOrder.Contains(k)).Order(StringComparer.Ordinal));
        return new CommandTrialRequest(trialNumber, [.. names.Select(n => KeyValuePair.Create(n, parameters[n]))], TrialDirectory(trialNumber));
    }

    /// <summary>The user attribute holding the seed of each run of a trial (a JSON array of integers), set when runs have seeds.</summary>
    public const string SeedsAttribute = "seeds";

    /// <summary>
    /// The user attribute holding, for a repeated trial, one object per run that started: <c>run</c>, <c>seed</c>, <c>state</c>,
    /// <c>values</c> (a complete run's objective values), <c>metrics</c>, <c>duration_s</c> and, unless complete, <c>fail_reason</c>.
    /// </summary>
    public const string RunsAttribute = "runs";

    private readonly TrialRepeats _repeats = new();

    /// <summary>How often each trial runs the command, with which seeds, and how the runs' values are combined.</summary>
    /// <remarks>The default value is one run without a seed.</remarks>
    /// <exception cref="ArgumentException">The value is not valid (see <see cref="TrialRepeats.Validate"/>).</exception>
    public TrialRepeats Repeats
    {
        get => _repeats;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _repeats = value;
        }
    }

    /// <summary>The folder of one run of a repeated trial: <c>run-1</c>, <c>run-2</c>… in the trial's folder.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="runIndex">The run, from 1.</param>
    public string RunDirectory(int trialNumber, int runIndex) =>
        Path.Combine(TrialDirectory(trialNumber), "run-" + runIndex.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The devices and cores each trial takes before its process starts, and gives back when it ends however it ends;
    /// a trial waits while none are free. The default value is null: trials are not placed.
    /// </summary>
    public TrialResources? Resources { get; init; }

    /// <summary>
    /// Runs one trial: its process, or with <see cref="Repeats"/> one process per run, one after the other; returns
    /// its objective values (with repeats, each the <see cref="TrialRepeats.Aggregate"/> of the runs' values).
    /// </summary>
    /// <param name="trial">The trial, with its parameters chosen.</param>
    /// <param name="cancellationToken">Stops the process, or the wait for a device (the study records the trial interrupted).</param>
    /// <exception cref="TrialPrunedException">The pruner stopped it (only the first run's steps are shown to the pruner).</exception>
    /// <exception cref="TrialFailedException">A process failed; the message says how (and, with repeats, which run and seed).</exception>
    public async Task<IReadOnlyList<double>> EvaluateAsync(Trial trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (Resources is not { } resources)
        {
            return await EvaluatePlacedAsync(trial, null, cancellationToken);
        }

        using DeviceLease lease = await resources.AcquireAsync(cancellationToken);
        if (resources.Pool.Devices.Count > 0)
        {
            trial.SetSystemAttribute(TrialResources.DevicesAttribute, JsonSerializer.SerializeToElement(lease.Devices));
        }

        return await EvaluatePlacedAsync(trial, resources.EnvironmentFor(lease), cancellationToken);
    }

    private async Task<IReadOnlyList<double>> EvaluatePlacedAsync(Trial trial, IReadOnlyDictionary<string, string?>? placement, CancellationToken cancellationToken)
    {
        PopulationSegment? segment = trial.Population;
        CommandTrialRequest request = RequestFor(trial.Number, trial.Params) with
        {
            Environment = placement,
            Population = segment,
            RestoreFromDirectory = segment?.RestoreFromTrial is int parent ? Path.Combine(TrialDirectory(parent), CommandObjectiveRunner.CheckpointDirectoryName) : null,
            // Recorded so that, if this process dies, the run that recovers the trial can stop the orphaned tree.
            OnStarted = processId => trial.SetSystemAttribute(LocalWorker.ProcessAttribute, System.Text.Json.JsonSerializer.SerializeToElement(LocalWorker.DescribeProcess(processId), Storage.AttributeJson.SnakeCase)),
        };
        trial.SetUserAttribute("trial_dir", request.TrialDirectory);
        IReadOnlyList<long>? seeds = Repeats.SeedsFor(trial.Study.Seed, trial.Number);
        if (seeds is not null)
        {
            trial.SetUserAttribute(SeedsAttribute, seeds);
        }

        int count = Repeats.Count;
        if (count > 1)
        {
            // The runs have folders of their own; the trial's folder still holds its parameters.
            await CommandObjectiveRunner.WriteParamsFileAsync(request.TrialDirectory, request.Parameters, cancellationToken);
        }

        var results = new List<CommandTrialResult>(count);
        var runs = new JsonArray();
        var warnings = new List<string>();
        for (int run = 1; run <= count; run++)
        {
            CommandTrialRequest runRequest = seeds is null ? request : request with
            {
                TrialDirectory = count > 1 ? RunDirectory(trial.Number, run) : request.TrialDirectory,
                Seed = seeds[run - 1],
                RunIndex = run,
            };
            string label = count > 1 ? $"run {run} of {count} (seed {runRequest.Seed})" : "";
            (CommandTrialResult result, bool pruned) = await RunOnceAsync(trial, runRequest, drivesPruning: run == 1, cancellationToken);
            results.Add(result);
            warnings.AddRange(result.Warnings.Select(w => count > 1 ? $"run {run}: {w}" : w));
            string? missing = result.Status == CommandTrialStatus.Completed ? MissingConstraints(result) : null;
            if (count > 1)
            {
                runs.Add(RunNode(run, runRequest.Seed, result, pruned, missing));
            }

            if (result.Status == CommandTrialStatus.Completed && missing is null)
            {
                continue;
            }

            Record(trial, results, warnings, runs);
            CommandFailureClass failureClass = missing is not null ? CommandFailureClass.NoMetric : result.FailureClass;
            if (failureClass != CommandFailureClass.None && !(result.Status == CommandTrialStatus.Stopped && pruned))
            {
                trial.SetSystemAttribute(SystemAttributes.FailureClass, CommandFailureClasses.Name(failureClass));
            }

            string reason = missing ?? result.FailureReason ?? "the command failed.";
            throw result.Status switch
            {
                CommandTrialStatus.Stopped when pruned => new TrialPrunedException(),
                CommandTrialStatus.Stopped => new OperationCanceledException(cancellationToken),
                _ => new TrialFailedException(count > 1 ? $"{label} failed: {reason}" : reason),
            };
        }

        Record(trial, results, warnings, runs);
        if (_constraintMetrics is { Count: > 0 })
        {
            trial.ReportConstraints([.. _constraintMetrics.Select(c => Combine(results.Select(r => r.Metrics[c])))]);
        }

        return count == 1
            ? results[0].ObjectiveValues
            : [.. Enumerable.Range(0, results[0].ObjectiveValues.Count).Select(i => Combine(results.Select(r => r.ObjectiveValues[i])))];
    }

    private async Task<(CommandTrialResult Result, bool Pruned)> RunOnceAsync(Trial trial, CommandTrialRequest request, bool drivesPruning, CancellationToken cancellationToken)
    {
        using var prune = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bool pruned = false;
        CommandTrialResult result = await _run(
            request,
            (report, _) =>
            {
                // Later runs of a repeated trial report no intermediate values: one curve per trial, the first run's.
                if (drivesPruning && report.Values.TryGetValue(_metric, out double value))
                {
                    trial.Report(value, report.Step);
                    if (!pruned && trial.ShouldPrune())
                    {
                        pruned = true;
                        prune.Cancel();
                    }
                }

                return ValueTask.CompletedTask;
            },
            prune.Token);
        return (result, pruned);
    }

    // The metrics (each the aggregate over the runs that printed it), the warnings and, for a repeated trial, the runs.
    private void Record(Trial trial, List<CommandTrialResult> results, List<string> warnings, JsonArray runs)
    {
        Dictionary<string, double> metrics = results.Count == 1 ? new(results[0].Metrics) : results
            .SelectMany(r => r.Metrics.Keys).Distinct()
            .ToDictionary(name => name, name => Combine(results.Where(r => r.Metrics.ContainsKey(name)).Select(r => r.Metrics[name])));
        if (metrics.Count > 0)
        {
            // A metric may be NaN or infinite, which JSON lacks: written as "NaN", "Infinity", "-Infinity", as trials.jsonl does.
            trial.SetUserAttribute(StudyOutputs.MetricsAttribute, JsonSerializer.SerializeToElement(metrics, NamedFloatingPointLiterals));
        }

        if (results[^1].Steps is { } steps)
        {
            trial.SetUserAttribute(StepsAttribute, JsonSerializer.SerializeToElement(steps.Select(s => new { name = s.Name, status = s.Status, seconds = s.Seconds })));
        }

        if (warnings.Count > 0)
        {
            trial.SetUserAttribute("warnings", warnings);
        }

        if (runs.Count > 0)
        {
            trial.SetUserAttribute(RunsAttribute, JsonSerializer.SerializeToElement(runs));
        }
    }

    private string? MissingConstraints(CommandTrialResult result)
    {
        string[] missing = [.. (_constraintMetrics ?? []).Where(c => !result.Metrics.ContainsKey(c))];
        return missing.Length == 0 ? null
            : $"the command did not print the constraint metric(s) {string.Join(", ", missing)} (METRIC {missing[0]}=<value>, feasible when ≤ 0).";
    }

    private double Combine(IEnumerable<double> values) => TrialRepeats.Combine(Repeats.Aggregate, [.. values]);

    private static JsonObject RunNode(int run, long? seed, CommandTrialResult result, bool pruned, string? missing)
    {
        var metrics = new JsonObject();
        foreach ((string name, double value) in result.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            metrics[name] = TrialJson.NumberNode(value);
        }

        bool complete = result.Status == CommandTrialStatus.Completed && missing is null;
        var node = new JsonObject
        {
            ["run"] = run,
            ["seed"] = seed,
            ["state"] = complete ? "complete" : result.Status == CommandTrialStatus.Stopped ? (pruned ? "pruned" : "interrupted") : "failed",
            ["values"] = complete ? new JsonArray([.. result.ObjectiveValues.Select(TrialJson.NumberNode)]) : null,
            ["metrics"] = metrics,
            ["duration_s"] = Math.Round(result.Duration.TotalSeconds, 3),
        };
        if (!complete)
        {
            node["fail_reason"] = missing ?? result.FailureReason;
        }

        return node;
    }
}
