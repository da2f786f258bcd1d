using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Jobs;

/// <summary>
/// Runs tuning jobs in the background, each through a <see cref="StudyRunner"/> exactly as <c>vernier search</c> runs a study
/// file, and picks up the jobs left running when the server starts.
/// </summary>
/// <remarks>
/// Stopping the server stops the running trials (recorded as interrupted, which does not use up the budget) and leaves their
/// jobs <c>running</c>, so that the next server on the same storage continues them up to <c>num_samples</c> counted trials.
/// Cancelling a job stops its trials, which are recorded failed with the system attribute <c>cancelled</c>.
/// </remarks>
internal sealed partial class TuningJobRunner(IStorage storage, VernierServerOptions options, TuningJobStore store, ILogger<TuningJobRunner> logger) : IHostedService
{
    /// <summary>The trial system attribute set on trials stopped by a job's cancellation.</summary>
    public const string CancelledAttribute = "cancelled";

    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The folder of a job's files: <c>{ArtifactsRoot}/tuning/{job_id}</c>, absolute.</summary>
    public string JobDirectory(string jobId) => Path.GetFullPath(Path.Combine(options.ArtifactsRoot, "tuning", jobId));

    /// <summary>True while the job's trials run in this server.</summary>
    public bool IsRunning(string jobId) => _running.ContainsKey(jobId);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (StoredJob job in await store.ListAsync(cancellationToken))
        {
            if (job.Job.Status == TuningJobStatus.Running)
            {
                LogResuming(job.Job.Id, job.Study.Name);
                Launch(job.Study.StudyId, job.Job, resumed: true);
            }
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        // Running trials are recorded interrupted as their processes stop; the jobs stay running for the next server.
        await Task.WhenAll(_running.Values.Select(r => r.Completion)).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Starts running a job's trials in the background (once; a job already running here is left alone).</summary>
    public void Launch(long studyId, TuningJobRecord job, bool resumed = false)
    {
        var running = new RunningJob(CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        if (!_running.TryAdd(job.Id, running))
        {
            running.Source.Dispose();
            return;
        }

        _ = Task.Run(() => RunAsync(studyId, job, running, resumed));
    }

    /// <summary>Stops a running job's trials and waits until they are recorded (the job's status is already <c>cancelled</c>).</summary>
    public async Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(jobId, out RunningJob? running))
        {
            running.CancelRequested = true;
            await running.Source.CancelAsync();
            await running.Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync(long studyId, TuningJobRecord job, RunningJob running, bool resumed)
    {
        string folder = JobDirectory(job.Id);
        TextWriter? log = null;
        try
        {
            Directory.CreateDirectory(folder);
            log = TextWriter.Synchronized(new StreamWriter(new FileStream(Path.Combine(folder, "job.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true });
            Log(log, resumed ? "resumed after a server restart" : "started");

            var errors = new JobErrors();
            TuningJobRequest request = TuningJobRequest.Read(job.Request, errors)
                ?? throw new VernierException("the stored request no longer reads: " + Summary(errors));
            StudyDefinition definition = TuningJobDefinition.Build(request, options, job.Id, Path.Combine(folder, "trials"), errors)
                ?? throw new VernierException("the job cannot run on this server as it is configured now: " + Summary(errors));

            TimeSpan? remaining = null;
            if (request.Timeout is { } seconds)
            {
                remaining = TimeSpan.FromSeconds(seconds) - (options.TimeProvider.GetUtcNow() - (job.StartedAt ?? job.CreatedAt));
                if (remaining <= TimeSpan.Zero)
                {
                    await FinishAsync(studyId, TuningJobStatus.Completed, $"timed out: the job's timeout of {seconds:0.###} s passed.", log);
                    return;
                }
            }

            StudyRecord record = await storage.GetStudyAsync(studyId, running.Token);
            await using Study study = await StudyComposition.CreateBuilder(definition, storage, record.Name)
                .Configure(o => o.TimeProvider = options.TimeProvider)
                .LoadAsync(running.Token);
            var runnerOptions = new StudyRunnerOptions
            {
                TotalTrials = request.NumSamples,
                Timeout = remaining,
                MaxConcurrent = definition.Resource.MaxConcurrent,
                MinInterval = definition.Resource.MinInterval,
                SearchSpace = definition.Space,
                OutputDirectory = folder,
                ConfigHash = definition.ContentHash,
                MetricNames = definition.Objective.Metrics,
                TrackerLog = log,
            };
            Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective = StudyComposition.CreateObjective(definition, Path.Combine(folder, "trials"));
            OptimizeResult result = await new StudyRunner(study, runnerOptions).RunAsync(
                async (trial, token) =>
                {
                    try
                    {
                        return await objective(trial, token);
                    }
                    catch (OperationCanceledException) when (running.CancelRequested)
                    {
                        running.CancelledTrials.Add(trial.TrialId);
                        throw;
                    }
                },
                running.Token);

            IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(studyId, null, CancellationToken.None);
            if (!trials.Any(t => t.State == TrialState.Complete))
            {
                FrozenTrial? failed = trials.FirstOrDefault(t => t.State == TrialState.Failed);
                await FinishAsync(studyId, TuningJobStatus.Failed,
                    $"no trial completed ({trials.Count(t => t.State == TrialState.Failed)} failed, {trials.Count(t => t.State == TrialState.Pruned)} pruned)" +
                    (failed?.FailReason is { } reason ? $"; trial {failed.Number}: {reason}" : "."), log);
            }
            else
            {
                await FinishAsync(studyId, TuningJobStatus.Completed, result.StopReason switch
                {
                    OptimizeStopReason.TimedOut => $"timed out: the job's timeout of {request.Timeout:0.###} s passed.",
                    OptimizeStopReason.SamplerExhausted => "the sampler had nothing left to suggest (the grid is done).",
                    _ => null,
                }, log);
            }
        }
        catch (OperationCanceledException) when (running.Token.IsCancellationRequested)
        {
            if (running.CancelRequested)
            {
                foreach (long trialId in running.CancelledTrials)
                {
                    await storage.SetTrialAttributeAsync(trialId, AttributeScope.System, CancelledAttribute, JsonSerializer.SerializeToElement(true), CancellationToken.None);
                }

                Log(log, $"cancelled; {running.CancelledTrials.Count} running trial(s) stopped");
            }
            else
            {
                Log(log, "the server stopped; the job resumes when a server starts on this storage");
            }
        }
        catch (Exception e)
        {
            LogFailed(e, job.Id);
            await FinishAsync(studyId, TuningJobStatus.Failed, e is VernierException ? e.Message : $"{e.GetType().Name}: {e.Message}", log);
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
            running.Source.Dispose();
            if (log is not null)
            {
                await log.DisposeAsync();
            }

            running.Done.TrySetResult();
        }
    }

    /// <summary>Records a job's end, unless it already ended (a cancellation that came first stands).</summary>
    private async Task FinishAsync(long studyId, string status, string? reason, TextWriter? log)
    {
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        Log(log, status + (reason is null ? "" : ": " + reason));
        try
        {
            await store.UpdateAsync(
                studyId,
                job => job.Status == TuningJobStatus.Running ? job with { Status = status, Reason = reason, FinishedAt = now } : null,
                CancellationToken.None);
        }
        catch (VernierException e)
        {
            // The study was deleted under the job, or the storage failed: nothing left to record the end in.
            LogNotRecorded(e, studyId, status);
        }
    }

    private void Log(TextWriter? log, string message) =>
        log?.WriteLine($"{options.TimeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {message}");

    private static string Summary(JobErrors errors) =>
        string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming tuning job {JobId} (study {Study}) left running by an earlier server")]
    private partial void LogResuming(string jobId, string study);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The end of the tuning job of study {StudyId} ({Status}) could not be recorded")]
    private partial void LogNotRecorded(Exception exception, long studyId, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tuning job {JobId} failed")]
    private partial void LogFailed(Exception exception, string jobId);

    private sealed class RunningJob(CancellationTokenSource source)
    {
        public CancellationTokenSource Source { get; } = source;

        public CancellationToken Token { get; } = source.Token;

        private volatile bool _cancelRequested;

        public bool CancelRequested
        {
            get => _cancelRequested;
            set => _cancelRequested = value;
        }

        public ConcurrentBag<long> CancelledTrials { get; } = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completion => Done.Task;
    }
}
