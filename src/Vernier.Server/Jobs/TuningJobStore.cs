using System.Collections.Concurrent;
using System.Text.Json;
using Vernier.Storage;

namespace Vernier.Server.Jobs;

/// <summary>A job's statuses: <c>created → running → completed | failed | cancelled</c> (a created job may also be cancelled).</summary>
internal static class TuningJobStatus
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>
/// The job record kept with a job's study, as the study system attribute <see cref="TuningJobStore.AttributeKey"/>:
/// the request as received, the status and its reason, and the times.
/// </summary>
internal sealed record TuningJobRecord
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    /// <summary>Why the job failed or was cancelled, or how a completed job stopped early; null otherwise.</summary>
    public string? Reason { get; init; }

    public required JsonElement Request { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>A job and the study that holds it.</summary>
internal sealed record StoredJob(StudyRecord Study, TuningJobRecord Job);

/// <summary>Reads and writes job records in the storage; status changes are made one at a time, so that start, cancel and the runner do not race.</summary>
internal sealed class TuningJobStore(IStorage storage)
{
    /// <summary>The study system attribute that makes a study a tuning job.</summary>
    public const string AttributeKey = "tuning_job";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _studyIds = new(StringComparer.Ordinal);

    /// <summary>Every job, newest first.</summary>
    public async Task<IReadOnlyList<StoredJob>> ListAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<StoredJob>();
        foreach (StudyRecord study in await storage.GetStudiesAsync(cancellationToken))
        {
            if (Read(study) is { } job)
            {
                _studyIds[job.Id] = study.StudyId;
                jobs.Add(new StoredJob(study, job));
            }
        }

        return [.. jobs.OrderByDescending(j => j.Job.CreatedAt).ThenByDescending(j => j.Study.StudyId)];
    }

    /// <summary>The job with this id, or null.</summary>
    public async Task<StoredJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_studyIds.TryGetValue(id, out long studyId))
        {
            try
            {
                StudyRecord study = await storage.GetStudyAsync(studyId, cancellationToken);
                if (Read(study) is { } job && job.Id == id)
                {
                    return new StoredJob(study, job);
                }
            }
            catch (StudyNotFoundException)
            {
            }

            _studyIds.TryRemove(id, out _);
        }

        return (await ListAsync(cancellationToken)).FirstOrDefault(j => j.Job.Id == id);
    }

    /// <summary>Writes a new job's record.</summary>
    public async Task SaveAsync(long studyId, TuningJobRecord job, CancellationToken cancellationToken)
    {
        await storage.SetStudyAttributeAsync(studyId, AttributeScope.System, AttributeKey, JsonSerializer.SerializeToElement(job, AttributeJson.SnakeCase), cancellationToken);
        _studyIds[job.Id] = studyId;
    }

    /// <summary>
    /// Changes a job's record: <paramref name="change"/> sees the stored record and returns the new one, or null to leave it.
    /// Returns the record before and after (the same when unchanged).
    /// </summary>
    public async Task<(TuningJobRecord Before, TuningJobRecord After)> UpdateAsync(long studyId, Func<TuningJobRecord, TuningJobRecord?> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            StudyRecord study = await storage.GetStudyAsync(studyId, cancellationToken);
            TuningJobRecord before = Read(study) ?? throw new InvalidOperationException($"study {study.Name} holds no tuning job.");
            if (change(before) is not { } after)
            {
                return (before, before);
            }

            await SaveAsync(studyId, after, cancellationToken);
            return (before, after);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static TuningJobRecord? Read(StudyRecord study)
    {
        if (!study.SystemAttributes.TryGetValue(AttributeKey, out JsonElement element) || element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return element.Deserialize<TuningJobRecord>(AttributeJson.SnakeCase);
        }
        catch (JsonException)
        {
            return null; // not a record this version understands: not listed as a job
        }
    }
}
