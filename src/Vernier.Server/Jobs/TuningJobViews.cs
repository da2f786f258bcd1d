using System.Text.Json;
using System.Text.Json.Serialization;
using Vernier.Runner.Outputs;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Jobs;

/// <summary>A tuning job as the API shows it: the request's fields echoed, its status, progress, best trial and (for one job) its trials.</summary>
internal sealed record TuningJobView
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    /// <summary>Why the job failed or was cancelled, or how a completed job stopped early.</summary>
    public string? Reason { get; init; }

    public required string Name { get; init; }

    public required string DatasetKey { get; init; }

    public required string BaseModelId { get; init; }

    public required string MetricName { get; init; }

    public required string MetricMode { get; init; }

    public required int NumSamples { get; init; }

    public required int MaxConcurrentTrials { get; init; }

    public required JsonElement SearchSpace { get; init; }

    public JsonElement? Objective { get; init; }

    public JsonElement? Sampler { get; init; }

    public JsonElement? Pruner { get; init; }

    public ulong? Seed { get; init; }

    public double? Timeout { get; init; }

    /// <summary>The study that holds the job's trials (its name is the job's).</summary>
    public required string StudyName { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public required TuningJobProgress Progress { get; init; }

    public TuningJobBestTrial? BestTrial { get; init; }

    /// <summary>Every trial, in number order (one job only; not in the list).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TuningJobTrial>? Trials { get; init; }

    /// <summary>The view of a stored job and its trials.</summary>
    public static TuningJobView Of(StoredJob stored, TuningJobRequest request, IReadOnlyList<FrozenTrial> trials, bool withTrials)
    {
        TuningJobRecord job = stored.Job;
        StudyDirection direction = request.Maximize ? StudyDirection.Maximize : StudyDirection.Minimize;
        FrozenTrial? best = null;
        foreach (FrozenTrial trial in trials.Where(t => t.State == TrialState.Complete && t.Values.Length > 0))
        {
            if (best is null || direction.IsBetter(trial.Values[0], best.Values[0]))
            {
                best = trial;
            }
        }

        return new TuningJobView
        {
            Id = job.Id,
            Status = job.Status,
            Reason = job.Reason,
            Name = request.Name,
            DatasetKey = request.DatasetKey,
            BaseModelId = request.BaseModelId,
            MetricName = request.MetricName,
            MetricMode = request.MetricMode,
            NumSamples = request.NumSamples,
            MaxConcurrentTrials = request.MaxConcurrentTrials,
            SearchSpace = request.SearchSpace,
            Objective = request.Objective,
            Sampler = request.Sampler,
            Pruner = request.Pruner,
            Seed = request.Seed,
            Timeout = request.Timeout,
            StudyName = stored.Study.Name,
            CreatedAt = job.CreatedAt,
            StartedAt = job.StartedAt,
            FinishedAt = job.FinishedAt,
            Progress = new TuningJobProgress(
                trials.Count(t => t.State == TrialState.Complete),
                trials.Count(t => t.State == TrialState.Pruned),
                trials.Count(t => t.State == TrialState.Failed && TrialBudget.Counts(t)),
                trials.Count(t => t.State == TrialState.Running),
                request.NumSamples),
            BestTrial = best is null ? null : new TuningJobBestTrial(best.Number, best.Params, best.Values[0]),
            Trials = withTrials ? [.. trials.Select(t => TuningJobTrial.Of(t, request.MetricName))] : null,
        };
    }
}

/// <summary>How far a job is: trials completed, pruned, failed (those that count toward the budget) and running, of <c>total</c> (<c>num_samples</c>).</summary>
internal sealed record TuningJobProgress(int Completed, int Pruned, int Failed, int Running, int Total);

/// <summary>The best completed trial so far: its number, parameters and metric.</summary>
internal sealed record TuningJobBestTrial(int Number, IReadOnlyDictionary<string, object?> Params, double Metric);

/// <summary>One trial of a job.</summary>
/// <param name="Number">The trial's number in the job's study.</param>
/// <param name="Status">waiting, running, completed, pruned, failed, interrupted (its server stopped; not counted) or cancelled (the job was cancelled).</param>
/// <param name="Params">Its parameters.</param>
/// <param name="Metrics">Every metric it reported (METRIC lines); non-finite values are null.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="Duration">How long it ran, in seconds.</param>
/// <param name="Reason">Why it failed.</param>
internal sealed record TuningJobTrial(
    int Number,
    string Status,
    IReadOnlyDictionary<string, object?> Params,
    IReadOnlyDictionary<string, double?> Metrics,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? Duration,
    string? Reason)
{
    public static TuningJobTrial Of(FrozenTrial trial, string metricName)
    {
        var metrics = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        foreach ((string name, double value) in StudyOutputs.MetricsOf(trial))
        {
            metrics[name] = double.IsFinite(value) ? value : null;
        }

        if (trial.State == TrialState.Complete && trial.Values.Length > 0 && !metrics.ContainsKey(metricName))
        {
            metrics[metricName] = trial.Values[0];
        }

        return new TuningJobTrial(
            trial.Number,
            StatusOf(trial),
            trial.Params,
            metrics,
            trial.StartedAt,
            trial.CompletedAt,
            trial.Duration is { } d ? Math.Round(d.TotalSeconds, 3) : null,
            trial.FailReason);
    }

    private static string StatusOf(FrozenTrial trial) => trial.State switch
    {
        TrialState.Complete => "completed",
        TrialState.Failed when trial.SystemAttributes.ContainsKey(TuningJobRunner.CancelledAttribute) => "cancelled",
        TrialState.Failed when trial.SystemAttributes.ContainsKey(SystemAttributes.Interrupted) => "interrupted",
        _ => trial.State.ToWireName(),
    };
}

/// <summary>A file of a job's folder, for the artifact list.</summary>
internal sealed record TuningJobArtifact(string Path, long Size);
