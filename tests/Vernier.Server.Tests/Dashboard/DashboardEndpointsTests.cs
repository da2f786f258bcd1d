using System.Net;
using System.Text.Json;
using Vernier.Server.Dashboard;
using Vernier.Server.Tests.Jobs;
using Vernier.Server.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Tests.Dashboard;

public sealed class DashboardEndpointsTests
{
    [Fact]
    public async Task Root_ServesTheDashboardPageAndItsScripts()
    {
        await using ServerHost host = await ServerHost.StartAsync();

        HttpResponseMessage page = await host.Client.GetAsync("/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        string html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("/dashboard/app.js");
        html.ShouldContain("/dashboard/echarts.min.js");
        (await host.Client.GetStringAsync("/dashboard/app.js")).ShouldContain("/api/studies/");
        (await host.Client.GetStringAsync("/dashboard/echarts.min.js")).ShouldContain("echarts");
        (await host.Client.GetAsync("/dashboard/secret.txt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Overview_GivesCountsBestParametersAndTheHistoryChart()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0]);

        JsonElement body = await (await host.Client.GetAsync("/api/studies/mlp/overview")).JsonAsync();

        body.GetProperty("study").GetProperty("trial_counts").GetProperty("complete").GetInt32().ShouldBe(3);
        body.GetProperty("study").GetProperty("best_value").GetDouble().ShouldBe(1.0);
        body.GetProperty("best")[0].GetProperty("number").GetInt32().ShouldBe(1);
        body.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()).ShouldBe(["act", "x"]);
        body.GetProperty("has_intermediate_values").GetBoolean().ShouldBeTrue();
        body.GetProperty("job_id").ValueKind.ShouldBe(JsonValueKind.Null);
        body.GetProperty("history").GetProperty("kind").GetString().ShouldBe("history");
        body.GetProperty("history").GetProperty("option").GetProperty("series").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("history")]
    [InlineData("parallel-coordinates")]
    [InlineData("slice")]
    [InlineData("intermediate-values")]
    [InlineData("edf")]
    [InlineData("timeline")]
    [InlineData("importance")]
    public async Task Plot_GivesAnEChartsOption(string kind)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0, 5.0, 4.0]);

        JsonElement body = await (await host.Client.GetAsync($"/api/studies/mlp/plots/{kind}")).JsonAsync();

        body.GetProperty("kind").GetString().ShouldBe(kind);
        body.GetProperty("option").ValueKind.ShouldBe(JsonValueKind.Object);
        body.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Plot_OfManyTrials_IsCappedOnTheServer()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "big", [.. Enumerable.Range(0, 3000).Select(i => (double)(i % 97))]);

        JsonElement body = await (await host.Client.GetAsync("/api/studies/big/plots/slice?params=x")).JsonAsync();

        body.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ShouldContain(n => n!.Contains("sampl", StringComparison.OrdinalIgnoreCase));
        int points = body.GetProperty("option").GetProperty("series").EnumerateArray().Sum(s => s.TryGetProperty("data", out JsonElement d) ? d.GetArrayLength() : 0);
        points.ShouldBeLessThanOrEqualTo(2100);
    }

    [Fact]
    public async Task Plot_BadInputs_Are400NamingTheField()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [1.0, 2.0]);

        (await (await host.Client.GetAsync("/api/studies/mlp/plots/pie")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString().ShouldBe("kind");
        (await (await host.Client.GetAsync("/api/studies/mlp/plots/history?objective=3")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString().ShouldBe("objective");
        (await (await host.Client.GetAsync("/api/studies/mlp/plots/history?objective=x")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString().ShouldBe("objective");
        (await (await host.Client.GetAsync("/api/studies/mlp/plots/slice?params=nope")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString().ShouldBe("params");
        (await host.Client.GetAsync("/api/studies/none/plots/history")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("ped-anova")]
    [InlineData("fanova")]
    public async Task Importance_RanksTheParametersMostImportantFirst(string evaluator)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("imp").UseStorage(host.Storage).WithSeed(3).CreateAsync();
        var space = new SearchSpaces.SearchSpace([
            new SearchSpaces.ParameterSpec("big", new Distributions.FloatDistribution(0, 1)),
            new SearchSpaces.ParameterSpec("small", new Distributions.FloatDistribution(0, 1))]);
        for (int i = 0; i < 60; i++)
        {
            Trial trial = await study.AskAsync(space);
            await study.TellAsync(trial, 10 * (double)trial.Parameters["big"].Value! + 0.01 * (double)trial.Parameters["small"].Value!);
        }

        JsonElement body = await (await host.Client.GetAsync($"/api/studies/imp/importance?evaluator={evaluator}")).JsonAsync();

        body.GetProperty("evaluator").GetString().ShouldBe(evaluator);
        body.GetProperty("trials_used").GetInt32().ShouldBe(60);
        JsonElement ranked = body.GetProperty("importances");
        ranked[0].GetProperty("name").GetString().ShouldBe("big");
        ranked.EnumerateArray().Sum(i => i.GetProperty("importance").GetDouble()).ShouldBe(1.0, 1e-9);
    }

    [Fact]
    public async Task Importance_UnknownEvaluator_Is400()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [1.0, 2.0]);

        JsonElement problem = await (await host.Client.GetAsync("/api/studies/mlp/importance?evaluator=magic")).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe("evaluator");
        problem.GetProperty("detail").GetString()!.ShouldContain("ped-anova");
    }

    [Fact]
    public async Task Table_FiltersByStateSearchesSortsAndPages()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0]);

        JsonElement complete = await (await host.Client.GetAsync("/api/studies/mlp/table?state=complete&sort=value&page_size=2")).JsonAsync();
        complete.GetProperty("total").GetInt32().ShouldBe(3);
        complete.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).ShouldBe([1, 2]);

        JsonElement search = await (await host.Client.GetAsync("/api/studies/mlp/table?q=memory")).JsonAsync();
        search.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("state").GetString()).ShouldBe(["failed"]);

        JsonElement byNumber = await (await host.Client.GetAsync("/api/studies/mlp/table?q=%232")).JsonAsync();
        byNumber.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).ShouldContain(2);

        (await (await host.Client.GetAsync("/api/studies/mlp/table?sort=height")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString().ShouldBe("sort");
    }

    [Fact]
    public async Task Aggregates_ShareOneReadOfTheStudyForAFewSeconds()
    {
        var time = new ManualTime();
        await using ServerHost host = await ServerHost.StartAsync(configure: o => new VernierServerOptions { Storage = o.Storage, TimeProvider = time });
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0]);
        (await (await host.Client.GetAsync("/api/studies/mlp/overview")).JsonAsync()).GetProperty("study").GetProperty("trial_counts").GetProperty("complete").GetInt32().ShouldBe(2);

        Trial late = await study.AskAsync();
        await study.TellAsync(late, 0.5);
        (await (await host.Client.GetAsync("/api/studies/mlp/table?state=complete")).JsonAsync()).GetProperty("total").GetInt32().ShouldBe(2);

        time.Advance(StudySnapshotCache.Lifetime + TimeSpan.FromSeconds(1));
        (await (await host.Client.GetAsync("/api/studies/mlp/table?state=complete")).JsonAsync()).GetProperty("total").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Logs_OfAJobTrial_GiveTheTailOfItsOutput_AndOtherwise404()
    {
        using var kit = new JobTestKit();
        await using ServerHost host = await ServerHost.StartAsync(configure: o => new VernierServerOptions { Storage = o.Storage, AllowCommands = true, ArtifactsRoot = kit.ArtifactsRoot });
        JsonElement job = await JobTestKit.CreateAsync(host, kit.Request(name: "logs", samples: 1, concurrency: 1));
        string id = job.GetProperty("id").GetString()!;
        await JobTestKit.StartAsync(host, id);
        await JobTestKit.PollAsync(host, id, j => JobTestKit.Status(j) == "completed");

        JsonElement logs = await (await host.Client.GetAsync("/api/studies/logs/trials/0/logs")).JsonAsync();
        logs.GetProperty("stdout").GetString()!.ShouldContain("METRIC accuracy=");
        logs.GetProperty("truncated").GetBoolean().ShouldBeFalse();

        (await (await host.Client.GetAsync("/api/studies/logs/trials/7/logs")).ProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain("no logs");
        await using Study plain = await ApiClient.SeedAsync(host.Storage, "plain", [1.0]);
        (await (await host.Client.GetAsync("/api/studies/plain/trials/0/logs")).ProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain("not run by a tuning job");
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
