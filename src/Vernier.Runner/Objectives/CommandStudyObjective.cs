using System.Globalization;
using System.Text.Json;
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

    /// <summary>
    /// The devices and cores each trial takes before its process starts, and gives back when it ends however it ends;
    /// a trial waits while none are free. The default value is null: trials are not placed.
    /// </summary>
    public TrialResources? Resources { get; init; }

    /// <summary>Runs one trial's process and returns its objective values.</summary>
    /// <param name="trial">The trial, with its parameters chosen.</param>
    /// <param name="cancellationToken">Stops the process, or the wait for a device (the study records the trial interrupted).</param>
    /// <exception cref="TrialPrunedException">The pruner stopped it.</exception>
    /// <exception cref="TrialFailedException">The process failed; the message says how.</exception>
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
        using var prune = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bool pruned = false;

        CommandTrialResult result = await _run(
            request,
            (report, _) =>
            {
                if (report.Values.TryGetValue(_metric, out double value))
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

        if (result.Metrics.Count > 0)
        {
            // A metric may be NaN or infinite, which JSON lacks: written as "NaN", "Infinity", "-Infinity", as trials.jsonl does.
            trial.SetUserAttribute(StudyOutputs.MetricsAttribute, JsonSerializer.SerializeToElement(result.Metrics, NamedFloatingPointLiterals));
        }

        if (result.Steps is { } steps)
        {
            trial.SetUserAttribute(StepsAttribute, JsonSerializer.SerializeToElement(steps.Select(s => new { name = s.Name, status = s.Status, seconds = s.Seconds })));
        }

        if (result.Warnings.Count > 0)
        {
            trial.SetUserAttribute("warnings", result.Warnings);
        }

        if (result.Status == CommandTrialStatus.Completed && _constraintMetrics is { Count: > 0 })
        {
            string[] missing = [.. _constraintMetrics.Where(c => !result.Metrics.ContainsKey(c))];
            if (missing.Length > 0)
            {
                trial.SetSystemAttribute(SystemAttributes.FailureClass, CommandFailureClasses.Name(CommandFailureClass.NoMetric));
                throw new TrialFailedException($"the command did not print the constraint metric(s) {string.Join(", ", missing)} (METRIC {missing[0]}=<value>, feasible when ≤ 0).");
            }

            trial.ReportConstraints([.. _constraintMetrics.Select(c => result.Metrics[c])]);
        }

        if (result.FailureClass != CommandFailureClass.None && !(result.Status == CommandTrialStatus.Stopped && pruned))
        {
            trial.SetSystemAttribute(SystemAttributes.FailureClass, CommandFailureClasses.Name(result.FailureClass));
        }

        return result.Status switch
        {
            CommandTrialStatus.Completed => result.ObjectiveValues,
            CommandTrialStatus.Stopped when pruned => throw new TrialPrunedException(),
            CommandTrialStatus.Stopped => throw new OperationCanceledException(cancellationToken),
            _ => throw new TrialFailedException(result.FailureReason ?? "the command failed."),
        };
    }
}
