using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vernier.Importance;
using Vernier.Plots;
using Vernier.Runner.Objectives;
using Vernier.Server.Http;
using Vernier.Server.Jobs;
using Vernier.Server.Studies;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Dashboard;

/// <summary>
/// The web dashboard at <c>/</c> (static files embedded in this assembly; ECharts from Vernier.Plots) and the aggregate
/// endpoints it draws from: a study's overview, its plots, importances, a searchable trial table and a trial's log tail.
/// Each aggregate reads the study once and shares the read for a few seconds (<see cref="StudySnapshotCache"/>).
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>The most complete trials an importance evaluation uses; above it they are sampled evenly by number.</summary>
    public const int ImportanceMaxTrials = 5000;

    /// <summary>The most bytes of each log file a log tail shows.</summary>
    public const int LogTailBytes = 64 * 1024;

    private static readonly (string Name, string ContentType)[] Files =
    [
        ("index.html", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Registers the dashboard's services.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSingleton<StudySnapshotCache>();

    /// <summary>Maps the dashboard's pages at <c>/</c> and <c>/dashboard/*</c>.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapGet("/", () => Asset("index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file) => Asset(file)).ExcludeFromDescription();
        return app;
    }

    /// <summary>Maps the aggregate endpoints under <c>/api/studies/{name}</c>.</summary>
    public static RouteGroupBuilder MapDashboardApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder studies = api.MapGroup("/studies").WithTags("Dashboard");
        studies.MapGet("/{name}/overview", OverviewAsync).WithName("StudyOverview")
            .WithSummary("Counts, best trial(s), parameter names and the history chart, from one read of the study (shared for a few seconds).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/plots/{kind}", PlotAsync).WithName("StudyPlot")
            .WithSummary("One chart as an ECharts option, aggregated and sampled on the server (kinds: " + string.Join(", ", PlotKinds.All) + ").")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/importance", ImportanceAsync).WithName("StudyImportance")
            .WithSummary("Parameter importances for one objective (evaluator ped-anova or fanova), most important first.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/table", TableAsync).WithName("StudyTrialTable")
            .WithSummary("A page of the study's trials, filtered by state and a search text (number, state, parameter values, failure reason), sorted.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        studies.MapGet("/{name}/trials/{number:int}/logs", LogsAsync).WithName("TrialLogs")
            .WithSummary("The tail of a tuning-job trial's standard output and error.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return studies;
    }

    private static IResult Asset(string file)
    {
        foreach (var (name, contentType) in Files)
        {
            if (name == file)
            {
                Stream stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Vernier.Server.Dashboard." + name)
                    ?? throw new InvalidOperationException($"the dashboard file {name} is missing from Vernier.Server.dll.");
                return Results.Stream(stream, contentType);
            }
        }

        if (file == "echarts.min.js")
        {
            // The one vendored copy of ECharts, embedded in Vernier.Plots.
            Assembly plots = typeof(StudyPlots).Assembly;
            Stream stream = plots.GetManifestResourceStream("Vernier.Plots.Assets.echarts.min.js")
                ?? throw new InvalidOperationException("the ECharts bundle is missing from Vernier.Plots.dll.");
            return Results.Stream(stream, "text/javascript; charset=utf-8");
        }

        return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"the dashboard has no file '{file}'.");
    }

    internal static async Task<Ok<StudyOverview>> OverviewAsync(string name, IStorage storage, StudySnapshotCache cache, CancellationToken cancellationToken)
    {
        StudySnapshot snapshot = await SnapshotAsync(storage, cache, name, cancellationToken);
        StudyRecord study = snapshot.Study;
        IReadOnlyList<FrozenTrial> best = Best(snapshot);
        var parameters = new SortedSet<string>(StringComparer.Ordinal);
        bool intermediate = false;
        foreach (FrozenTrial trial in snapshot.Trials)
        {
            foreach (string key in trial.Parameters.Keys)
            {
                parameters.Add(key);
            }

            intermediate |= trial.IntermediateValues.Count > 0;
        }

        PlotView history = View(PlotKind.History, StudyPlots.History(study.Name, study.Directions, snapshot.Trials));
        return TypedResults.Ok(new StudyOverview(
            StudyMapper.Summary(study, snapshot.Trials, best),
            TuningJobStore.Read(study)?.Id,
            [.. parameters],
            intermediate,
            [.. best.Take(100).Select(StudyMapper.Summary)],
            history,
            snapshot.ReadAt));
    }

    internal static async Task<Ok<PlotView>> PlotAsync(
        string name,
        string kind,
        IStorage storage,
        StudySnapshotCache cache,
        CancellationToken cancellationToken,
        string? @params = null,
        string? objective = null,
        string? evaluator = null)
    {
        if (!PlotKinds.TryParse(kind, out PlotKind plotKind))
        {
            throw ApiProblemException.BadField("kind", $"unknown plot kind '{kind}'; expected one of {string.Join(", ", PlotKinds.All)}.");
        }

        int objectiveIndex = ObjectiveIndex(objective);
        IReadOnlyList<string>? names = string.IsNullOrWhiteSpace(@params)
            ? null
            : @params.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        StudySnapshot snapshot = await SnapshotAsync(storage, cache, name, cancellationToken);
        StudyRecord study = snapshot.Study;
        CheckObjective(study, objectiveIndex);
        var options = new PlotOptions { ObjectiveIndex = objectiveIndex, Parameters = names };
        try
        {
            PlotFigure figure = plotKind == PlotKind.Importance
                ? StudyPlots.Importance(study.Name, study.Directions, snapshot.Trials, Evaluate(snapshot, evaluator, objectiveIndex, cancellationToken).Importances
                    .Select(i => new ParameterImportance(i.Name, i.Importance)).ToList(), options)
                : StudyPlots.Build(plotKind, study.Name, study.Directions, snapshot.Trials, options);
            return TypedResults.Ok(View(plotKind, figure));
        }
        catch (ArgumentException e)
        {
            throw ApiProblemException.BadField(e.ParamName == nameof(PlotOptions.ObjectiveIndex) ? "objective" : "params", e.Message);
        }
    }

    internal static async Task<Ok<ImportanceView>> ImportanceAsync(
        string name, IStorage storage, StudySnapshotCache cache, CancellationToken cancellationToken, string? evaluator = null, string? objective = null)
    {
        int objectiveIndex = ObjectiveIndex(objective);
        StudySnapshot snapshot = await SnapshotAsync(storage, cache, name, cancellationToken);
        CheckObjective(snapshot.Study, objectiveIndex);
        return TypedResults.Ok(Evaluate(snapshot, evaluator, objectiveIndex, cancellationToken));
    }

    internal static async Task<Ok<TrialPage>> TableAsync(
        string name,
        IStorage storage,
        StudySnapshotCache cache,
        CancellationToken cancellationToken,
        string? state = null,
        string? sort = null,
        string? page = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] string? pageSize = null,
        string? q = null)
    {
        TrialQuery query = TrialQuery.Parse(state, sort, page, pageSize);
        StudySnapshot snapshot = await SnapshotAsync(storage, cache, name, cancellationToken);
        IEnumerable<FrozenTrial> trials = snapshot.Trials;
        if (query.States is { } states)
        {
            trials = trials.Where(t => states.Contains(t.State));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            string text = q.Trim();
            trials = trials.Where(t => Matches(t, text));
        }

        List<FrozenTrial> matching = [.. trials];
        IEnumerable<FrozenTrial> ordered = query.Sort == "number" ? matching : query.Order(matching);
        List<TrialSummary> items = [.. ordered.Skip((int)Math.Min(int.MaxValue, (long)(query.Page - 1) * query.PageSize)).Take(query.PageSize).Select(StudyMapper.Summary)];
        return TypedResults.Ok(new TrialPage(items, matching.Count, query.Page, query.PageSize));
    }

    internal static async Task<Ok<TrialLogs>> LogsAsync(
        string name, int number, IStorage storage, TuningJobRunner runner, CancellationToken cancellationToken, string? lines = null)
    {
        StudyRecord study = await StudyEndpoints.FindStudyAsync(storage, name, cancellationToken);
        TuningJobRecord job = TuningJobStore.Read(study)
            ?? throw ApiProblemException.NotFound($"study '{study.Name}' is not run by a tuning job, so the server keeps no logs of its trials.", "name");
        string folder = Path.Combine(runner.JobDirectory(job.Id), "trials", number.ToString("D4", CultureInfo.InvariantCulture));
        (string? stdout, bool cut1) = await TailAsync(Path.Combine(folder, CommandObjectiveRunner.StdoutFileName), cancellationToken);
        (string? stderr, bool cut2) = await TailAsync(Path.Combine(folder, CommandObjectiveRunner.StderrFileName), cancellationToken);
        if (stdout is null && stderr is null)
        {
            throw ApiProblemException.NotFound($"trial {number} of tuning job {job.Id} has no logs (it has not started, or it does not exist).", "number");
        }

        return TypedResults.Ok(new TrialLogs(number, stdout, stderr, cut1 || cut2));
    }

    private static async Task<(string? Text, bool Truncated)> TailAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return (null, false);
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long start = Math.Max(0, stream.Length - LogTailBytes);
        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - start];
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        string text = Encoding.UTF8.GetString(buffer, 0, read);
        if (start > 0 && text.IndexOf('\n') is int newline and >= 0)
        {
            text = text[(newline + 1)..]; // start at a whole line
        }

        return (text, start > 0);
    }

    private static bool Matches(FrozenTrial trial, string text)
    {
        if (int.TryParse(text.TrimStart('#'), NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) && trial.Number == number)
        {
            return true;
        }

        if (trial.State.ToWireName().Contains(text, StringComparison.OrdinalIgnoreCase)
            || trial.FailReason?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
        {
            return true;
        }

        foreach (var (key, value) in trial.Parameters)
        {
            if (key.Contains(text, StringComparison.OrdinalIgnoreCase)
                || Convert.ToString(value.Value, CultureInfo.InvariantCulture)?.Contains(text, StringComparison.OrdinalIgnoreCase) == true)
            {
                return true;
            }
        }

        return false;
    }

    private static ImportanceView Evaluate(StudySnapshot snapshot, string? evaluator, int objectiveIndex, CancellationToken cancellationToken)
    {
        string evaluatorName = string.IsNullOrWhiteSpace(evaluator) ? "ped-anova" : evaluator.Trim();
        IImportanceEvaluator method;
        try
        {
            method = ImportanceEvaluators.Create(evaluatorName);
        }
        catch (ArgumentException e)
        {
            throw ApiProblemException.BadField("evaluator", e.Message);
        }

        List<FrozenTrial> complete = [.. snapshot.Trials.Where(t => t.State == TrialState.Complete)];
        if (complete.Count > ImportanceMaxTrials)
        {
            double step = complete.Count / (double)ImportanceMaxTrials;
            complete = [.. Enumerable.Range(0, ImportanceMaxTrials).Select(i => complete[(int)(i * step)])];
        }

        IReadOnlyList<ParameterImportance> result = method.Evaluate(new ImportanceRequest
        {
            Trials = complete,
            Direction = snapshot.Study.Directions[objectiveIndex],
            ObjectiveIndex = objectiveIndex,
        }, cancellationToken);
        return new ImportanceView(evaluatorName.ToLowerInvariant(), objectiveIndex, complete.Count, [.. result.Select(r => new ImportanceItem(r.Name, r.Importance))]);
    }

    /// <summary>The best trial (feasible first) or the Pareto front of the feasible complete trials.</summary>
    private static IReadOnlyList<FrozenTrial> Best(StudySnapshot snapshot)
    {
        var directions = snapshot.Study.Directions;
        List<FrozenTrial> complete = [.. snapshot.Trials.Where(t => t.State == TrialState.Complete && t.Values.Length == directions.Length && t.Values.All(double.IsFinite))];
        if (complete.Any(t => t.IsFeasible))
        {
            complete.RemoveAll(t => !t.IsFeasible);
        }

        if (directions.Length > 1)
        {
            return ParetoFront.Of(complete, directions);
        }

        FrozenTrial? top = null;
        foreach (FrozenTrial trial in complete)
        {
            if (top is null || directions[0].IsBetter(trial.Values[0], top.Values[0]))
            {
                top = trial;
            }
        }

        return top is null ? [] : [top];
    }

    private static PlotView View(PlotKind kind, PlotFigure figure) => new(kind.ToName(), figure.Title, figure.Option, figure.Notes, figure.Message, figure.Height);

    private static int ObjectiveIndex(string? objective)
    {
        if (string.IsNullOrWhiteSpace(objective))
        {
            return 0;
        }

        return int.TryParse(objective, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0
            ? index
            : throw ApiProblemException.BadField("objective", $"objective must be an objective's index (0, 1, …); got '{objective}'.");
    }

    private static void CheckObjective(StudyRecord study, int objectiveIndex)
    {
        if (objectiveIndex >= study.Directions.Length)
        {
            throw ApiProblemException.BadField("objective", $"objective {objectiveIndex} does not exist: study '{study.Name}' has {study.Directions.Length} objective(s), numbered from 0.");
        }
    }

    private static async Task<StudySnapshot> SnapshotAsync(IStorage storage, StudySnapshotCache cache, string name, CancellationToken cancellationToken)
    {
        StudyRecord study = await StudyEndpoints.FindStudyAsync(storage, name, cancellationToken);
        return await cache.GetAsync(study, cancellationToken);
    }
}
