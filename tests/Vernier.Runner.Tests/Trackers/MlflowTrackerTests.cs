using System.Collections.Immutable;
using System.Net;
using System.Text;
using Vernier.Distributions;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

public sealed class MlflowTrackerTests
{
    private static readonly DateTimeOffset T0 = TrialFactory.T0;
    private static readonly long Ms = T0.ToUnixTimeMilliseconds();

    [Fact]
    public void Events_MakeAParentRunAndAChildRunPerTrial_WithParamsMetricsAndStatus()
    {
        var server = new FakeMlflow(experimentExists: false);
        using var http = new HttpClient(server);
        var tracker = new MlflowTracker("exp", new Uri("http://mlflow.test:5000/"), http);
        var x = new FloatDistribution(0, 1);
        FrozenTrial complete = TrialFactory.Complete(0, 0.25, TrialFactory.P("x", x, 0.5)) with
        {
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(0, 0.75),
        };
        FrozenTrial failed = TrialFactory.Trial(1, TrialState.Failed, TrialFactory.P("x", x, 0.125)) with { FailReason = "exit 1" };

        tracker.StudyStarted(new StudyStartedEvent("demo", [StudyDirection.Minimize], null, ["loss"], "h1", 2, T0));
        tracker.TrialStarted(new TrialStartedEvent(0, new Dictionary<string, object?> { ["x"] = 0.5 }, T0));
        tracker.IntermediateValue(new IntermediateValueEvent(0, 0, 0.75));
        tracker.TrialFinished(new TrialFinishedEvent(complete, T0));
        tracker.TrialStarted(new TrialStartedEvent(1, new Dictionary<string, object?>(), T0));
        tracker.TrialFinished(new TrialFinishedEvent(failed, T0));
        tracker.StudyFinished(new StudyFinishedEvent("demo", "finished", OptimizeStopReason.BudgetReached, 2, complete, T0));

        server.Requests.ShouldBe(
        [
            "GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=exp ",
            """POST /api/2.0/mlflow/experiments/create {"name":"exp"}""",
            $$"""POST /api/2.0/mlflow/runs/create {"experiment_id":"7","run_name":"demo","start_time":{{Ms}},"tags":[{"key":"vernier.study","value":"demo"},{"key":"vernier.directions","value":"minimize"},{"key":"vernier.config_hash","value":"h1"}]}""",
            $$"""POST /api/2.0/mlflow/runs/create {"experiment_id":"7","run_name":"trial 0","start_time":{{Ms}},"tags":[{"key":"mlflow.parentRunId","value":"run-1"},{"key":"vernier.trial_number","value":"0"},{"key":"mlflow.runName","value":"trial 0"}]}""",
            """POST /api/2.0/mlflow/runs/log-batch {"run_id":"run-2","params":[{"key":"x","value":"0.5"}]}""",
            $$"""POST /api/2.0/mlflow/runs/log-batch {"run_id":"run-2","metrics":[{"key":"loss","value":0.75,"timestamp":{{Ms}},"step":0}]}""",
            $$"""POST /api/2.0/mlflow/runs/log-batch {"run_id":"run-2","metrics":[{"key":"loss","value":0.25,"timestamp":{{Ms}},"step":1},{"key":"duration_s","value":1.5,"timestamp":{{Ms}},"step":0}],"tags":[{"key":"vernier.state","value":"complete"}]}""",
            $$"""POST /api/2.0/mlflow/runs/update {"run_id":"run-2","status":"FINISHED","end_time":{{Ms}}}""",
            $$"""POST /api/2.0/mlflow/runs/create {"experiment_id":"7","run_name":"trial 1","start_time":{{Ms}},"tags":[{"key":"mlflow.parentRunId","value":"run-1"},{"key":"vernier.trial_number","value":"1"},{"key":"mlflow.runName","value":"trial 1"}]}""",
            """POST /api/2.0/mlflow/runs/log-batch {"run_id":"run-3","params":[{"key":"x","value":"0.125"}],"tags":[{"key":"vernier.state","value":"failed"},{"key":"vernier.fail_reason","value":"exit 1"}]}""",
            $$"""POST /api/2.0/mlflow/runs/update {"run_id":"run-3","status":"FAILED","end_time":{{Ms}}}""",
            $$"""POST /api/2.0/mlflow/runs/log-batch {"run_id":"run-1","metrics":[{"key":"best_loss","value":0.25,"timestamp":{{Ms}},"step":0},{"key":"best_trial","value":0,"timestamp":{{Ms}},"step":0}]}""",
            $$"""POST /api/2.0/mlflow/runs/update {"run_id":"run-1","status":"FINISHED","end_time":{{Ms}}}""",
        ]);
    }

    [Fact]
    public void StudyStarted_ExistingExperiment_IsReusedNotCreated()
    {
        var server = new FakeMlflow(experimentExists: true);
        using var http = new HttpClient(server);
        var tracker = new MlflowTracker("exp", new Uri("http://mlflow.test:5000"), http);

        tracker.StudyStarted(new StudyStartedEvent("demo", [StudyDirection.Maximize], null, null, null, null, T0));

        server.Requests.Count.ShouldBe(2);
        server.Requests[1].ShouldContain("\"experiment_id\":\"3\"");
    }

    [Fact]
    public void TrialStarted_WithRunLabels_NamesTheChildRunAndTagsItsGroupAndTags()
    {
        var server = new FakeMlflow(experimentExists: true);
        using var http = new HttpClient(server);
        var tracker = new MlflowTracker("exp", new Uri("http://mlflow.test:5000"), http);

        tracker.StudyStarted(new StudyStartedEvent("demo", [StudyDirection.Minimize], null, null, null, null, T0));
        tracker.TrialStarted(new TrialStartedEvent(4, new Dictionary<string, object?>(), T0) { Name = "adam-lr0.01", Group = "adam", Tags = ["sweep-a", "adam"] });

        server.Requests[^1].ShouldBe(
            $$"""POST /api/2.0/mlflow/runs/create {"experiment_id":"3","run_name":"adam-lr0.01","start_time":{{Ms}},"tags":[{"key":"mlflow.parentRunId","value":"run-1"},{"key":"vernier.trial_number","value":"4"},{"key":"mlflow.runName","value":"adam-lr0.01"},{"key":"vernier.group","value":"adam"},{"key":"vernier.tags","value":"sweep-a,adam"}]}""");
    }

    [Fact]
    public async Task StudyRunner_ServerDown_TrackerIsDisabledAndTheStudyCompletes()
    {
        var server = new FakeMlflow(experimentExists: true) { Fail = true };
        using var http = new HttpClient(server);
        var log = new StringWriter();
        var options = new StudyRunnerOptions { TotalTrials = 2, TrackerLog = log };
        options.Trackers.Add(new MlflowTracker("exp", new Uri("http://mlflow.test:5000"), http));
        await using Study study = await Study.Builder("mlflow-down").UseStorage(new InMemoryStorage()).WithSeed(1).CreateAsync();

        OptimizeResult result = await new StudyRunner(study, options).RunAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>([trial.SuggestFloat("x", 0, 1)]));

        result.TrialsStarted.ShouldBe(2);
        server.Requests.Count.ShouldBe(1);
        log.ToString().ShouldContain("tracker MlflowTracker failed on study_started");
    }

    /// <summary>Records each request as "METHOD path?query body" and answers like an MLflow server.</summary>
    private sealed class FakeMlflow(bool experimentExists) : HttpMessageHandler
    {
        private int _runs;

        public List<string> Requests { get; } = [];

        public bool Fail { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery} {body}");
            if (Fail)
            {
                return Json(HttpStatusCode.ServiceUnavailable, "{}");
            }

            return request.RequestUri.AbsolutePath switch
            {
                "/api/2.0/mlflow/experiments/get-by-name" => experimentExists
                    ? Json(HttpStatusCode.OK, """{"experiment":{"experiment_id":"3","name":"exp"}}""")
                    : Json(HttpStatusCode.NotFound, """{"error_code":"RESOURCE_DOES_NOT_EXIST"}"""),
                "/api/2.0/mlflow/experiments/create" => Json(HttpStatusCode.OK, """{"experiment_id":"7"}"""),
                "/api/2.0/mlflow/runs/create" => Json(HttpStatusCode.OK, "{\"run\":{\"info\":{\"run_id\":\"run-" + ++_runs + "\"}}}"),
                _ => Json(HttpStatusCode.OK, "{}"),
            };
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
            new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
