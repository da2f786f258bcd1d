using Vernier.Runner.Checkpoints;
using Vernier.Runner.Outputs;
using Vernier.Runner.Trackers;
using Vernier.Runner.Workers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner;

/// <summary>
/// Runs a study the way the <c>vernier</c> CLI and the examples do: up to a total trial budget
/// (so a re-run continues), with progress, the output files, and an optional checkpoint after
/// every finished trial.
/// </summary>
/// <param name="study">The study to run.</param>
/// <param name="options">How to run it.</param>
public sealed class StudyRunner(Study study, StudyRunnerOptions options)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _progressGate = new();
    private DateTimeOffset _lastOutput = DateTimeOffset.MinValue;

    // This run's view of progress, kept up to date from each finished trial instead of re-reading every trial each time.
    private FrozenTrial? _best;
    private int _finishedCounted;
    // sweep.log goes with the other outputs: a tracker like the others, so it never fails the study.
    private readonly TrackerSet _trackers = new(
        options.OutputDirectory is { } folder ? [new SweepLogTracker(Path.Combine(folder, SweepLogTracker.FileName)), .. options.Trackers] : options.Trackers,
        options.TrackerLog ?? Console.Error);

    /// <summary>Runs trials until the budget, the timeout, the sampler's end, or cancellation.</summary>
    /// <param name="objective">Evaluates one trial; returns one value per objective.</param>
    /// <param name="cancellationToken">Stops the run: running trials are recorded interrupted, outputs are written, then it throws.</param>
    public async Task<OptimizeResult> RunAsync(Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        // Recover a killed run's trials first, so the progress starts from what really counts.
        LocalWorker.StopOrphanedProcesses(await study.RecoverAbandonedTrialsAsync(cancellationToken));
        IReadOnlyList<FrozenTrial> before = await study.GetTrialsAsync(null, cancellationToken);
        var optimize = new OptimizeOptions
        {
            TotalTrials = options.TotalTrials,
            NTrials = options.NTrials,
            Timeout = options.Timeout,
            MaxConcurrency = options.MaxConcurrent,
            MinInterval = options.MinInterval,
            TrialTimeout = options.TrialTimeout,
            SearchSpace = options.SearchSpace,
        };
        optimize.Callbacks.Add((_, trial) => OnTrialFinished(trial));
        if (!_trackers.IsEmpty)
        {
            // Live: each intermediate value is queued for the trackers as the trial reports it, after its trial_started.
            optimize.ReportCallbacks.Add((trial, step, value) => _trackers.IntermediateValue(new IntermediateValueEvent(trial.Number, step, value)));
        }

        OptimizeResult? result = null;
        _best = study.IsMultiObjective ? null : ParetoFront.Of(before, study.Directions).FirstOrDefault();
        _finishedCounted = before.Count(t => t.State.IsFinished() && TrialBudget.Counts(t));
        var start = new RunStart(study.Name, study.Directions, options.TotalTrials, before.Count(TrialBudget.Counts), _best);
        _trackers.StudyStarted(new StudyStartedEvent(
            study.Name, study.Directions, options.SearchSpace, options.MetricNames, options.ConfigHash, options.TotalTrials, Now()));
        Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> tracked = _trackers.IsEmpty && options.Naming is null ? objective : (trial, token) =>
        {
            RunLabels labels = options.Naming is { } naming ? Label(trial, naming) : RunLabels.None;
            _trackers.TrialStarted(new TrialStartedEvent(trial.Number, trial.Params, Now()) { Name = labels.Name, Group = labels.Group, Tags = labels.Tags });
            return objective(trial, token);
        };
        string status = "failed";
        try
        {
            async Task Run() => result = await study.OptimizeAsync(tracked, optimize, cancellationToken);
            if (options.Reporter is { } reporter)
            {
                await reporter.RunAsync(start, Run);
            }
            else
            {
                await Run();
            }

            status = "finished";
        }
        catch (OperationCanceledException)
        {
            status = "cancelled";
            throw;
        }
        finally
        {
            // Whatever ended the run, the files reflect every recorded trial.
            await WriteOutputsAsync(force: true);
            await WarnAboutEmptyCsvColumnsAsync();
            FrozenTrial? best;
            lock (_progressGate)
            {
                best = _best;
            }

            _trackers.StudyFinished(new StudyFinishedEvent(study.Name, status, result?.StopReason, result?.TrialsStarted ?? 0, best, Now()));
            await _trackers.FlushAsync();
        }

        return result!;
    }

    private void OnTrialFinished(FrozenTrial trial)
    {
        // Callbacks are synchronous, and this one runs on the caller's synchronization context (a UI thread, say). Blocking
        // there on I/O whose continuations are queued to that context would deadlock, so the blocking waits are on the pool.
        FrozenTrial? best;
        int counted;
        lock (_progressGate)
        {
            if (TrialBudget.Counts(trial))
            {
                _finishedCounted++;
            }

            if (!study.IsMultiObjective && trial.State == TrialState.Complete &&
                (_best is null || study.Direction.IsBetter(trial.Values[0], _best.Values[0])))
            {
                _best = trial;
            }

            (best, counted) = (_best, _finishedCounted);
        }

        options.Reporter?.TrialFinished(trial, best, counted);
        if (!_trackers.IsEmpty)
        {
            RunLabels labels = RunLabels.Of(trial);
            _trackers.TrialFinished(new TrialFinishedEvent(trial, Now()) { Name = labels.Name, Group = labels.Group, Tags = labels.Tags });
        }

        Task.Run(() => WriteOutputsAsync(force: false)).GetAwaiter().GetResult();
    }

    /// <summary>Renders the trial's run labels and stores them with it (user attributes <c>run_name</c>, <c>run_group</c>, <c>run_tags</c>).</summary>
    private RunLabels Label(Trial trial, RunNaming naming)
    {
        RunLabels labels = naming.Render(trial.Number, study.Name, trial.Params);
        if (labels.Name is { } name)
        {
            trial.SetUserAttribute(RunLabels.NameAttribute, name);
        }

        if (labels.Group is { } group)
        {
            trial.SetUserAttribute(RunLabels.GroupAttribute, group);
        }

        if (!naming.Tags.IsEmpty)
        {
            trial.SetUserAttribute(RunLabels.TagsAttribute, labels.Tags);
        }

        return labels;
    }

    // A runs.csv column chosen in the file that no complete trial filled is most likely a typo of a metric name.
    private async Task WarnAboutEmptyCsvColumnsAsync()
    {
        if (options.OutputDirectory is null || options.RunsCsvMetrics is not { Count: > 0 } columns)
        {
            return;
        }

        IReadOnlyList<FrozenTrial> complete = [.. (await study.GetTrialsAsync()).Where(t => t.State == TrialState.Complete)];
        string[] empty = [.. columns.Where(name => complete.Count > 0 && !complete.Any(t => StudyOutputs.MetricsOf(t).ContainsKey(name)))];
        if (empty.Length > 0)
        {
            string printed = string.Join(", ", complete.SelectMany(t => StudyOutputs.MetricsOf(t).Keys).Distinct().Order(StringComparer.Ordinal));
            (options.TrackerLog ?? Console.Error).WriteLine(
                $"warning: runs.csv: no complete trial printed {string.Join(", ", empty.Select(n => $"'{n}'"))} (outputs.runs_csv.metrics), so the column is empty; the trials printed: {printed}.");
        }
    }

    private DateTimeOffset Now() => study.Options.TimeProvider.GetUtcNow();

    private async Task WriteOutputsAsync(bool force)
    {
        await _writeGate.WaitAsync();
        try
        {
            DateTimeOffset now = study.Options.TimeProvider.GetUtcNow();
            bool outputsDue = options.OutputDirectory is not null && (force || now - _lastOutput >= options.OutputInterval);
            if (options.CheckpointPath is null && !outputsDue)
            {
                return; // nothing to write: do not read every trial
            }

            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
            if (options.CheckpointPath is { } checkpoint)
            {
                await new StudyCheckpoint(study.Name, study.Directions, study.Seed, options.ConfigHash, [.. trials]).WriteAsync(checkpoint, now);
            }

            if (outputsDue && options.OutputDirectory is { } folder)
            {
                await StudyOutputs.WriteAllAsync(folder, study.Name, study.Directions, trials, options.MetricNames, options.BestPath, options.RunsCsvMetrics);
                _lastOutput = now;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
