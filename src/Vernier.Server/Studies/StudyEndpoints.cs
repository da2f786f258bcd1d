using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Vernier.Distributions;
using Vernier.Runner.Config;
using Vernier.SearchSpaces;
using Vernier.Server.Http;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Studies;

/// <summary>
/// The studies API under <c>/api/studies</c>: read studies and trials (paged, filtered, sorted), the best trial(s),
/// ask and tell, and a live stream of trial changes. Reads go to the storage; writes go through <see cref="Study"/>.
/// </summary>
internal static class StudyEndpoints
{
    /// <summary>Maps the studies endpoints onto <paramref name="api"/> (the <c>/api</c> group).</summary>
    public static RouteGroupBuilder MapStudies(this RouteGroupBuilder api)
    {
        RouteGroupBuilder studies = api.MapGroup("/studies").WithTags("Studies");
        studies.MapGet("/", ListStudiesAsync).WithName("ListStudies").WithSummary("Every study with its trial counts, best value and last activity.");
        studies.MapPost("/", CreateStudyAsync).WithName("CreateStudy").WithSummary("Creates a study (or loads it with load_if_exists).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        studies.MapGet("/{name}", GetStudyAsync).WithName("GetStudy").WithSummary("One study with its user attributes and stored definition.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/trials", ListTrialsAsync).WithName("ListTrials").WithSummary("The study's trials, filtered by state, sorted and paged.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/trials/{number:int}", GetTrialAsync).WithName("GetTrial").WithSummary("One trial in full: intermediate values, distributions, system attributes.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/best", GetBestAsync).WithName("GetBestTrials").WithSummary("The best trial, or the Pareto front for several objectives.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapPost("/{name}/ask", AskAsync).WithName("Ask").WithSummary("Starts a trial and chooses its parameters.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        studies.MapPost("/{name}/trials/{number:int}/tell", TellAsync).WithName("Tell").WithSummary("Records a trial's result: values, pruned or failed.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        studies.MapPost("/{name}/trials/{number:int}/report", ReportAsync).WithName("Report").WithSummary("Records an intermediate value of a running trial.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        studies.MapGet("/{name}/events", StudyEventStream.StreamAsync).WithName("StudyEvents")
            .WithSummary("Server-sent events of trial changes: trial_created, trial_state_changed, trial_intermediate_value, trial_finished.")
            .Produces<TrialEvent>(StatusCodes.Status200OK, StudyEventStream.ContentType).ProducesProblem(StatusCodes.Status404NotFound);
        return studies;
    }

    internal static async Task<Ok<IReadOnlyList<StudySummary>>> ListStudiesAsync(IStorage storage, CancellationToken cancellationToken)
    {
        var result = new List<StudySummary>();
        foreach (StudyRecord study in await storage.GetStudiesAsync(cancellationToken))
        {
            IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId, null, cancellationToken);
            result.Add(StudyMapper.Summary(study, trials, await BestAsync(storage, study, cancellationToken)));
        }

        return TypedResults.Ok<IReadOnlyList<StudySummary>>(result);
    }

    internal static async Task<Ok<StudyDetail>> GetStudyAsync(string name, IStorage storage, CancellationToken cancellationToken)
    {
        StudyRecord study = await FindStudyAsync(storage, name, cancellationToken);
        return TypedResults.Ok(await DetailAsync(storage, study, cancellationToken));
    }

    internal static async Task<Results<Created<StudyDetail>, Ok<StudyDetail>>> CreateStudyAsync(
        CreateStudyRequest request, IStorage storage, VernierServerOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw ApiProblemException.BadField("name", "name is required: the study's unique name.");
        }

        var directions = new List<StudyDirection>();
        IReadOnlyList<string> given = request.Directions ?? ["minimize"];
        if (given.Count == 0)
        {
            throw ApiProblemException.BadField("directions", "directions needs at least one direction (minimize or maximize).");
        }

        for (int i = 0; i < given.Count; i++)
        {
            try
            {
                directions.Add(StudyDirectionExtensions.ParseWireName(given[i] ?? ""));
            }
            catch (FormatException e)
            {
                throw ApiProblemException.BadField($"directions[{i}]", e.Message);
            }
        }

        if (await storage.FindStudyAsync(request.Name, cancellationToken) is { } existing)
        {
            if (request.LoadIfExists != true)
            {
                throw ApiProblemException.Conflict($"a study named '{request.Name}' already exists; send load_if_exists: true to load it, or choose another name.", "name");
            }

            if (!existing.Directions.SequenceEqual(directions))
            {
                throw ApiProblemException.Conflict(
                    $"study '{request.Name}' exists with directions {string.Join(", ", StudyMapper.Directions(existing))}, not {string.Join(", ", given)}.", "directions");
            }

            return TypedResults.Ok(await DetailAsync(storage, existing, cancellationToken));
        }

        await using Study created = await Study.Builder(request.Name).UseStorage(storage).WithDirections([.. directions])
            .Configure(o => o.TimeProvider = options.TimeProvider).CreateAsync(cancellationToken);
        StudyRecord record = await created.GetRecordAsync(cancellationToken);
        return TypedResults.Created($"/api/studies/{Uri.EscapeDataString(record.Name)}", await DetailAsync(storage, record, cancellationToken));
    }

    internal static async Task<Ok<TrialPage>> ListTrialsAsync(
        string name,
        IStorage storage,
        CancellationToken cancellationToken,
        string? state = null,
        string? sort = null,
        string? page = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] string? pageSize = null)
    {
        TrialQuery query = TrialQuery.Parse(state, sort, page, pageSize);
        StudyRecord study = await FindStudyAsync(storage, name, cancellationToken);
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId, query.States, cancellationToken);
        IEnumerable<FrozenTrial> ordered = query.Sort == "number" ? trials : query.Order(trials);
        List<TrialSummary> items = [.. ordered.Skip((int)Math.Min(int.MaxValue, (long)(query.Page - 1) * query.PageSize)).Take(query.PageSize).Select(StudyMapper.Summary)];
        return TypedResults.Ok(new TrialPage(items, trials.Count, query.Page, query.PageSize));
    }

    internal static async Task<Ok<TrialDetail>> GetTrialAsync(string name, int number, IStorage storage, CancellationToken cancellationToken)
    {
        StudyRecord study = await FindStudyAsync(storage, name, cancellationToken);
        return TypedResults.Ok(StudyMapper.Detail(await FindTrialAsync(storage, study, number, cancellationToken)));
    }

    internal static async Task<Ok<BestTrials>> GetBestAsync(string name, IStorage storage, CancellationToken cancellationToken)
    {
        StudyRecord study = await FindStudyAsync(storage, name, cancellationToken);
        IReadOnlyList<FrozenTrial> best = await BestAsync(storage, study, cancellationToken);
        return TypedResults.Ok(new BestTrials(StudyMapper.Directions(study), [.. best.Select(StudyMapper.Summary)]));
    }

    internal static async Task<Ok<AskResponse>> AskAsync(
        string name, AskRequest? request, IStorage storage, VernierServerOptions options, StudyEventHub events, CancellationToken cancellationToken)
    {
        SearchSpace? space = null;
        if (request?.Distributions is { Count: > 0 } distributions)
        {
            var parameters = new List<ParameterSpec>();
            foreach (var (parameter, json) in distributions)
            {
                try
                {
                    parameters.Add(new ParameterSpec(parameter, DistributionJson.FromNode(json ?? throw new FormatException("a distribution must be a JSON object."))));
                }
                catch (FormatException e)
                {
                    throw ApiProblemException.BadField($"distributions.{parameter}", e.Message);
                }
            }

            try
            {
                space = new SearchSpace(parameters);
            }
            catch (ArgumentException e)
            {
                throw ApiProblemException.BadField("distributions", e.Message);
            }
        }

        StudyRecord record = await FindStudyAsync(storage, name, cancellationToken);
        (StudyBuilder builder, SearchSpace? storedSpace) = Open(record, storage, options);
        await using Study study = await LoadAsync(builder, cancellationToken);
        // Like every process of the study, the server fails stale trials (and queues their retries) before starting another.
        await study.RecoverAbandonedTrialsAsync(cancellationToken);
        Trial trial;
        try
        {
            trial = await study.AskAsync(space ?? storedSpace, cancellationToken);
        }
        catch (IncompatibleDistributionException e)
        {
            events.Poke(record.StudyId, null);
            throw ApiProblemException.BadField("distributions", e.Message);
        }

        events.Poke(record.StudyId, trial.TrialId);

        return TypedResults.Ok(new AskResponse(study.Name, trial.Number, StudyMapper.Params(trial.Parameters)));
    }

    internal static async Task<Ok<TrialDetail>> TellAsync(
        string name, int number, TellRequest request, IStorage storage, VernierServerOptions options, StudyEventHub events, CancellationToken cancellationToken)
    {
        StudyRecord record = await FindStudyAsync(storage, name, cancellationToken);
        TrialState? outcome = null;
        if (request.State is { } state)
        {
            outcome = state.Trim().ToLowerInvariant() switch
            {
                "pruned" => TrialState.Pruned,
                "failed" or "fail" => TrialState.Failed,
                _ => throw ApiProblemException.BadField("state", $"state must be pruned or failed (send values for a complete trial); got '{state}'."),
            };
        }

        if ((request.Values is null) == (outcome is null))
        {
            throw ApiProblemException.BadField("values", "send exactly one of values (one number per objective) or state (pruned or failed).");
        }

        if (request.Values is { } values && values.Count != record.Directions.Length)
        {
            throw ApiProblemException.BadField("values", $"the study has {record.Directions.Length} objective(s), so values needs {record.Directions.Length} number(s); got {values.Count}.");
        }

        if (outcome == TrialState.Failed && string.IsNullOrWhiteSpace(request.Reason))
        {
            throw ApiProblemException.BadField("reason", "a failed trial needs a reason, in words a user can act on.");
        }

        FrozenTrial trial = await FindTrialAsync(storage, record, number, cancellationToken);
        if (trial.State.IsFinished())
        {
            throw ApiProblemException.Conflict($"trial {number} is already {trial.State.ToWireName()}; its result cannot change.", "number");
        }

        (StudyBuilder builder, _) = Open(record, storage, options);
        await using Study study = await LoadAsync(builder, cancellationToken);
        try
        {
            FrozenTrial told = request.Values is { } v ? await study.TellAsync(number, v, cancellationToken)
                : outcome == TrialState.Pruned ? await study.TellPrunedAsync(number, cancellationToken)
                : await study.TellFailedAsync(number, request.Reason!.Trim(), cancellationToken);
            return TypedResults.Ok(StudyMapper.Detail(told));
        }
        finally
        {
            events.Poke(record.StudyId, trial.TrialId);
        }
    }

    internal static async Task<Ok<TrialSummary>> ReportAsync(
        string name, int number, ReportRequest request, IStorage storage, StudyEventHub events, CancellationToken cancellationToken)
    {
        if (request.Step is not long step || step < 0)
        {
            throw ApiProblemException.BadField("step", "step is required: a whole number ≥ 0 (the epoch or iteration).");
        }

        if (request.Value is not double value)
        {
            throw ApiProblemException.BadField("value", "value is required: the intermediate objective value at this step.");
        }

        StudyRecord record = await FindStudyAsync(storage, name, cancellationToken);
        FrozenTrial trial = await FindTrialAsync(storage, record, number, cancellationToken);
        if (trial.State != TrialState.Running)
        {
            throw ApiProblemException.Conflict($"trial {number} is {trial.State.ToWireName()}, not running; only a running trial reports intermediate values.", "number");
        }

        // The core records intermediate values through the live Trial handle only, which a stateless HTTP call does not hold:
        // this is the same single storage write Trial.Report makes.
        await storage.SetTrialIntermediateValueAsync(trial.TrialId, step, value, cancellationToken);
        events.Poke(record.StudyId, trial.TrialId);
        return TypedResults.Ok(StudyMapper.Summary(await storage.GetTrialAsync(trial.TrialId, cancellationToken)));
    }

    /// <summary>The study of this name.</summary>
    /// <exception cref="ApiProblemException">No such study (404).</exception>
    internal static async Task<StudyRecord> FindStudyAsync(IStorage storage, string name, CancellationToken cancellationToken) =>
        await storage.FindStudyAsync(name, cancellationToken)
        ?? throw ApiProblemException.NotFound($"no study named '{name}' in this storage.", "name");

    private static async Task<FrozenTrial> FindTrialAsync(IStorage storage, StudyRecord study, int number, CancellationToken cancellationToken)
    {
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId, null, cancellationToken);
        FrozenTrial? trial = number >= 0 && number < trials.Count && trials[number].Number == number ? trials[number] : trials.FirstOrDefault(t => t.Number == number);
        return trial ?? throw ApiProblemException.NotFound($"study '{study.Name}' has no trial number {number} (it has {trials.Count} trials).", "number");
    }

    private static async Task<StudyDetail> DetailAsync(IStorage storage, StudyRecord study, CancellationToken cancellationToken)
    {
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId, null, cancellationToken);
        return StudyMapper.Detail(study, trials, await BestAsync(storage, study, cancellationToken));
    }

    /// <summary>The best trial or the Pareto front, as the core chooses them (feasible trials first).</summary>
    private static async Task<IReadOnlyList<FrozenTrial>> BestAsync(IStorage storage, StudyRecord study, CancellationToken cancellationToken)
    {
        await using Study loaded = await Study.Builder(study.Name).UseStorage(storage).LoadAsync(cancellationToken);
        return await loaded.GetBestTrialsAsync(cancellationToken);
    }

    private static async Task<Study> LoadAsync(StudyBuilder builder, CancellationToken cancellationToken)
    {
        try
        {
            return await builder.LoadAsync(cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The stored study file disagrees with the stored study (another seed or other directions).
            throw ApiProblemException.Conflict(e.Message);
        }
    }

    /// <summary>
    /// A builder for writes to the study: with the sampler, pruner, limits and search space of the study file stored with
    /// it (by <c>vernier create-study</c>) if there is one, otherwise the core's defaults (random sampler, no pruner).
    /// </summary>
    private static (StudyBuilder Builder, SearchSpace? Space) Open(StudyRecord record, IStorage storage, VernierServerOptions options)
    {
        if (record.SystemAttributes.TryGetValue(StudyMapper.DefinitionAttribute, out JsonElement stored)
            && stored.ValueKind == JsonValueKind.Object
            && stored.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String)
        {
            string file = stored.TryGetProperty("file", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "study.yaml";
            StudyDefinition definition;
            try
            {
                definition = StudyDefinitionLoader.Parse(text.GetString()!, file) with { SourcePath = file };
            }
            catch (ConfigException e)
            {
                throw ApiProblemException.Conflict($"the study file stored with study '{record.Name}' no longer reads: {e.Message}");
            }

            // A caller of the API is not a process of ours: no worker identity, as with `vernier ask`.
            StudyBuilder fromFile = Runner.StudyComposition.CreateBuilder(definition, storage, record.Name)
                .Configure(o =>
                {
                    o.Worker = null;
                    o.TimeProvider = options.TimeProvider;
                });
            return (fromFile, definition.Space);
        }

        return (Study.Builder(record.Name).UseStorage(storage).Configure(o => o.TimeProvider = options.TimeProvider), null);
    }
}
