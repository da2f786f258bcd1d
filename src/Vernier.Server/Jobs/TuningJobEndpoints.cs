using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Jobs;

/// <summary>The tuning-jobs API under <c>/api/tuning/jobs</c>; see <c>docs/tuning-jobs.md</c>.</summary>
internal static class TuningJobEndpoints
{
    private const string Json = "application/json";

    /// <summary>Registers the job store and the background runner (a hosted service).</summary>
    public static IServiceCollection AddTuningJobs(this IServiceCollection services)
    {
        services.AddSingleton<TuningJobStore>();
        services.AddSingleton<TuningJobRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<TuningJobRunner>());
        return services;
    }

    /// <summary>Maps the endpoints under <paramref name="api"/> (the <c>/api</c> group).</summary>
    public static RouteGroupBuilder MapTuningJobs(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder jobs = api.MapGroup("/tuning/jobs").WithTags("Tuning jobs");
        jobs.MapPost("", CreateAsync)
            .Accepts<TuningJobRequestSchema>(Json)
            .Produces<TuningJobView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Creates a tuning job (status created).");
        jobs.MapGet("", ListAsync).Produces<IReadOnlyList<TuningJobView>>().WithSummary("Lists the tuning jobs, newest first.");
        jobs.MapGet("/{id}", GetAsync).Produces<TuningJobView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A job with its progress, best trial and trials.");
        jobs.MapPost("/{id}/start", StartAsync).Produces<TuningJobView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Starts a created job: its trials run in the background.");
        jobs.MapPost("/{id}/cancel", CancelAsync).Produces<TuningJobView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancels a created or running job; running trials are stopped.");
        jobs.MapGet("/{id}/artifacts", ListArtifactsAsync).Produces<IReadOnlyList<TuningJobArtifact>>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The files of a job's folder.");
        jobs.MapGet("/{id}/artifacts/{**path}", DownloadAsync).Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Downloads a file of a job's folder.");
        return jobs;
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest http, IStorage storage, VernierServerOptions options, TuningJobStore store, TuningJobRunner runner, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(http.Body, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Invalid("The request body is not valid JSON.", new() { ["body"] = [$"malformed JSON: {e.Message}"] });
        }

        if (TuningJobDefinition.BringsCommand(body) && !options.AllowCommands)
        {
            return Results.Problem(
                title: "Commands from requests are not allowed on this server.",
                detail: TuningJobDefinition.HowToRun(options),
                statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["objective"] = ["this server runs no command from a request."] } });
        }

        var errors = new JobErrors();
        if (TuningJobRequest.Read(body, errors) is not { } request)
        {
            return Invalid("The tuning job is not valid.", errors.ToDictionary());
        }

        if (await storage.FindStudyAsync(request.Name, cancellationToken) is not null)
        {
            return NameTaken(request.Name);
        }

        string id = NewId();
        StudyDefinition? definition = TuningJobDefinition.Build(request, options, id, Path.Combine(runner.JobDirectory(id), "trials"), errors);
        if (definition is null)
        {
            return Invalid("The tuning job is not valid.", errors.ToDictionary());
        }

        StudyRecord study;
        try
        {
            await using Study created = await StudyComposition.CreateBuilder(definition, storage, request.Name)
                .Configure(o => o.TimeProvider = options.TimeProvider)
                .CreateAsync(cancellationToken);
            study = await storage.GetStudyAsync(created.StudyId, cancellationToken);
        }
        catch (DuplicateStudyException)
        {
            return NameTaken(request.Name);
        }

        var job = new TuningJobRecord { Id = id, Status = TuningJobStatus.Created, Request = request.Raw, CreatedAt = options.TimeProvider.GetUtcNow() };
        try
        {
            await store.SaveAsync(study.StudyId, job, CancellationToken.None);
        }
        catch
        {
            await storage.DeleteStudyAsync(study.StudyId, CancellationToken.None); // no half-made job left behind
            throw;
        }

        return Results.Created($"/api/tuning/jobs/{id}", TuningJobView.Of(new StoredJob(study, job), request, [], withTrials: true));
    }

    private static async Task<IResult> ListAsync(IStorage storage, TuningJobStore store, CancellationToken cancellationToken)
    {
        var views = new List<TuningJobView>();
        foreach (StoredJob job in await store.ListAsync(cancellationToken))
        {
            views.Add(await ViewAsync(storage, job, withTrials: false, cancellationToken));
        }

        return Results.Ok(views);
    }

    private static async Task<IResult> GetAsync(string id, IStorage storage, TuningJobStore store, CancellationToken cancellationToken) =>
        await FindAsync(store, id, cancellationToken) is { } job ? Results.Ok(await ViewAsync(storage, job, withTrials: true, cancellationToken)) : NotFound(id);

    private static async Task<IResult> StartAsync(
        string id, IStorage storage, VernierServerOptions options, TuningJobStore store, TuningJobRunner runner, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, id, cancellationToken) is not { } job)
        {
            return NotFound(id);
        }

        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        (TuningJobRecord before, TuningJobRecord after) = await store.UpdateAsync(
            job.Study.StudyId,
            record => record.Status == TuningJobStatus.Created ? record with { Status = TuningJobStatus.Running, StartedAt = now } : null,
            cancellationToken);
        if (before.Status != TuningJobStatus.Created)
        {
            return Conflict($"The job is {before.Status}; only a created job can be started" + (before.Status == TuningJobStatus.Running ? " (it already runs)." : "."), before.Status);
        }

        runner.Launch(job.Study.StudyId, after);
        return Results.Ok(await ViewAsync(storage, job with { Job = after }, withTrials: true, cancellationToken));
    }

    private static async Task<IResult> CancelAsync(
        string id, IStorage storage, VernierServerOptions options, TuningJobStore store, TuningJobRunner runner, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, id, cancellationToken) is not { } job)
        {
            return NotFound(id);
        }

        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        (TuningJobRecord before, TuningJobRecord after) = await store.UpdateAsync(
            job.Study.StudyId,
            record => TuningJobStatus.IsTerminal(record.Status) ? null : record with { Status = TuningJobStatus.Cancelled, Reason = "cancelled by a request.", FinishedAt = now },
            cancellationToken);
        if (TuningJobStatus.IsTerminal(before.Status))
        {
            return Conflict($"The job already ended ({before.Status}); there is nothing to cancel.", before.Status);
        }

        // The trials' processes are stopped and recorded before the answer, so that a cancelled job runs nothing.
        await runner.CancelAsync(id, CancellationToken.None);
        return Results.Ok(await ViewAsync(storage, job with { Job = after }, withTrials: true, cancellationToken));
    }

    private static async Task<IResult> ListArtifactsAsync(string id, TuningJobStore store, TuningJobRunner runner, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        return Results.Ok(ArtifactFiles.List(runner.JobDirectory(id)).Select(f => new TuningJobArtifact(f.Path, f.Size)).ToList());
    }

    private static async Task<IResult> DownloadAsync(string id, string? path, TuningJobStore store, TuningJobRunner runner, CancellationToken cancellationToken)
    {
        if (await FindAsync(store, id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        switch (ArtifactFiles.Resolve(runner.JobDirectory(id), path, out string? file))
        {
            case ArtifactFiles.Outcome.BadPath:
                return Invalid("The artifact path is not valid.", new()
                {
                    ["path"] = ["must be a relative path inside the job's folder, '/'-separated, without '.', '..', empty segments or backslashes."],
                });
            case ArtifactFiles.Outcome.NotFound:
                return Results.Problem(title: "No such artifact.", detail: $"The job {id} has no file '{path}'.", statusCode: StatusCodes.Status404NotFound);
            default:
                Stream stream = new FileStream(file!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                string contentType = Path.GetExtension(file) switch
                {
                    ".log" or ".txt" or ".csv" or ".jsonl" or ".yaml" or ".yml" => "text/plain; charset=utf-8",
                    ".json" => Json,
                    _ => "application/octet-stream",
                };
                return Results.Stream(stream, contentType, Path.GetFileName(file));
        }
    }

    private static async Task<TuningJobView> ViewAsync(IStorage storage, StoredJob job, bool withTrials, CancellationToken cancellationToken)
    {
        var errors = new JobErrors();
        TuningJobRequest request = TuningJobRequest.Read(job.Job.Request, errors)
            ?? throw new InvalidOperationException($"the stored request of job {job.Job.Id} does not read.");
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(job.Study.StudyId, null, cancellationToken);
        return TuningJobView.Of(job, request, trials, withTrials);
    }

    private static async Task<StoredJob?> FindAsync(TuningJobStore store, string id, CancellationToken cancellationToken) =>
        IsId(id) ? await store.FindAsync(id, cancellationToken) : null;

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static bool IsId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigitLower);

    private static IResult Invalid(string detail, Dictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, detail: detail, title: "The request is not valid.");

    private static IResult NotFound(string id) =>
        Results.Problem(title: "No such tuning job.", detail: $"There is no tuning job '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static IResult NameTaken(string name) => Results.Problem(
        title: "The name is taken.",
        detail: $"A study or tuning job named '{name}' already exists; choose another name.",
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = [$"'{name}' is already the name of a study or tuning job."] } });

    private static IResult Conflict(string detail, string status) => Results.Problem(
        title: "The job cannot do that in its status.",
        detail: detail,
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["status"] = status });
}

/// <summary>The request body of <c>POST /api/tuning/jobs</c>, for the OpenAPI document (the body is read field by field).</summary>
/// <param name="Name">The job's (and its study's) unique name.</param>
/// <param name="DatasetKey">Reaches commands as <c>{dataset_key}</c> and <c>VERNIER_DATASET_KEY</c>.</param>
/// <param name="BaseModelId">Reaches commands as <c>{base_model_id}</c> and <c>VERNIER_BASE_MODEL_ID</c>.</param>
/// <param name="MetricName">The metric the command prints (<c>METRIC name=value</c>) and the job optimizes.</param>
/// <param name="MetricMode"><c>max</c> or <c>min</c>.</param>
/// <param name="NumSamples">How many trials count toward the job (completed, pruned or failed).</param>
/// <param name="MaxConcurrentTrials">How many trials run at once.</param>
/// <param name="SearchSpace">Parameter name → distribution: choice, uniform, loguniform, randint (max exclusive), and Vernier's own types.</param>
/// <param name="Objective">A command line, <c>{"command": ...}</c> (servers with --allow-commands) or <c>{"template": "NAME"}</c>.</param>
/// <param name="Sampler">A sampler name or <c>{"name": ..., options}</c>; the default is auto.</param>
/// <param name="Pruner">A pruner name or <c>{"name": ..., options}</c>; the default is none.</param>
/// <param name="Seed">The sampler's seed.</param>
/// <param name="Timeout">The job's wall-clock budget in seconds.</param>
internal sealed record TuningJobRequestSchema(
    string Name,
    string DatasetKey,
    string BaseModelId,
    string MetricName,
    string MetricMode,
    int NumSamples,
    int MaxConcurrentTrials,
    Dictionary<string, JsonElement> SearchSpace,
    JsonElement? Objective,
    JsonElement? Sampler,
    JsonElement? Pruner,
    ulong? Seed,
    double? Timeout);
