using System.Net;
using System.Text.Json;
using Vernier.Server.Tests.Support;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Tests.Studies;

public sealed class StudyReadEndpointsTests
{
    [Fact]
    public async Task ListStudies_GivesCountsBestValueAndLastActivity()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0]);
        await using Study multi = await Study.Builder("pareto").UseStorage(host.Storage).WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).CreateAsync();
        foreach ((double a, double b) in new[] { (1.0, 1.0), (2.0, 2.0), (3.0, 1.0) })
        {
            Trial trial = await multi.AskAsync();
            await multi.TellAsync(trial, [a, b]);
        }

        JsonElement list = await (await host.Client.GetAsync("/api/studies")).JsonAsync();

        list.GetArrayLength().ShouldBe(2);
        JsonElement mlp = list[0];
        mlp.GetProperty("name").GetString().ShouldBe("mlp");
        mlp.GetProperty("directions")[0].GetString().ShouldBe("minimize");
        mlp.GetProperty("trial_counts").GetProperty("complete").GetInt32().ShouldBe(3);
        mlp.GetProperty("trial_counts").GetProperty("pruned").GetInt32().ShouldBe(1);
        mlp.GetProperty("trial_counts").GetProperty("failed").GetInt32().ShouldBe(1);
        mlp.GetProperty("trial_counts").GetProperty("running").GetInt32().ShouldBe(0);
        mlp.GetProperty("best_value").GetDouble().ShouldBe(1.0);
        mlp.GetProperty("best_trial_number").GetInt32().ShouldBe(1);
        mlp.GetProperty("pareto_front_size").ValueKind.ShouldBe(JsonValueKind.Null);
        mlp.GetProperty("last_activity").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(mlp.GetProperty("created_at").GetDateTimeOffset());
        JsonElement pareto = list[1];
        pareto.GetProperty("best_value").ValueKind.ShouldBe(JsonValueKind.Null);
        pareto.GetProperty("pareto_front_size").GetInt32().ShouldBe(2); // (1,1) and (2,2); (3,1) is dominated
    }

    [Fact]
    public async Task GetStudy_IncludesUserAttributesAndStoredDefinition()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [1.0]);
        await study.SetUserAttributeAsync("team", "vision");
        await host.Storage.SetStudyAttributeAsync(study.StudyId, AttributeScope.System, "study_definition",
            JsonSerializer.SerializeToElement(new { file = "/tmp/study.yaml", text = "name: mlp", config_hash = "abc" }));

        JsonElement body = await (await host.Client.GetAsync("/api/studies/mlp")).JsonAsync();

        body.GetProperty("user_attributes").GetProperty("team").GetString().ShouldBe("vision");
        body.GetProperty("definition").GetProperty("text").GetString().ShouldBe("name: mlp");
        body.GetProperty("trial_counts").GetProperty("complete").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task GetStudy_Unknown_Is404NamingTheStudy()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        JsonElement problem = await (await host.Client.GetAsync("/api/studies/nope")).ProblemAsync(HttpStatusCode.NotFound);
        problem.GetProperty("detail").GetString()!.ShouldContain("'nope'");
        problem.GetProperty("field").GetString().ShouldBe("name");
    }

    [Fact]
    public async Task ListTrials_DefaultsToNumberOrderWithPagingFields()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0]);

        JsonElement page = await (await host.Client.GetAsync("/api/studies/mlp/trials")).JsonAsync();

        page.GetProperty("total").GetInt32().ShouldBe(5);
        page.GetProperty("page").GetInt32().ShouldBe(1);
        page.GetProperty("page_size").GetInt32().ShouldBe(100);
        JsonElement[] items = [.. page.GetProperty("items").EnumerateArray()];
        items.Select(i => i.GetProperty("number").GetInt32()).ShouldBe([0, 1, 2, 3, 4]);
        JsonElement first = items[0];
        first.GetProperty("state").GetString().ShouldBe("complete");
        first.GetProperty("values")[0].GetDouble().ShouldBe(3.0);
        first.GetProperty("params").GetProperty("act").ValueKind.ShouldBe(JsonValueKind.String);
        first.GetProperty("params").GetProperty("x").ValueKind.ShouldBe(JsonValueKind.Number);
        first.GetProperty("last_intermediate_value").GetProperty("step").GetInt64().ShouldBe(1);
        first.GetProperty("last_intermediate_value").GetProperty("value").GetDouble().ShouldBe(3.0);
        first.GetProperty("duration_seconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        items[4].GetProperty("fail_reason").GetString().ShouldBe("out of memory");
    }

    [Theory]
    [InlineData("state=complete&sort=value", new[] { 1, 2, 0 })]
    [InlineData("state=complete&sort=-value", new[] { 0, 2, 1 })]
    [InlineData("state=pruned,failed", new[] { 3, 4 })]
    [InlineData("sort=-number&page=2&page_size=2", new[] { 2, 1 })]
    [InlineData("sort=value", new[] { 1, 2, 0, 3, 4 })]
    [InlineData("page=4&page_size=2", new int[0])]
    public async Task ListTrials_FiltersSortsAndPages(string query, int[] expected)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0]);

        JsonElement page = await (await host.Client.GetAsync("/api/studies/mlp/trials?" + query)).JsonAsync();

        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()).ShouldBe(expected);
    }

    [Fact]
    public async Task ListTrials_SortByDuration_PutsTrialsWithoutOneLast()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [1.0]);
        Trial running = await study.AskAsync();

        JsonElement page = await (await host.Client.GetAsync("/api/studies/mlp/trials?sort=-duration")).JsonAsync();

        JsonElement[] items = [.. page.GetProperty("items").EnumerateArray()];
        items[^1].GetProperty("number").GetInt32().ShouldBe(running.Number);
        items[^1].GetProperty("duration_seconds").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("state=finished", "state", "unknown trial state 'finished'")]
    [InlineData("sort=speed", "sort", "unknown sort 'speed'")]
    [InlineData("page_size=1001", "page_size", "between 1 and 1000")]
    [InlineData("page_size=0", "page_size", "between 1 and 1000")]
    [InlineData("page=0", "page", "at least 1")]
    [InlineData("page=two", "page", "whole number")]
    [InlineData("page_size=1e3", "page_size", "whole number")]
    public async Task ListTrials_BadQuery_Is400NamingTheParameter(string query, string field, string message)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [1.0]);

        JsonElement problem = await (await host.Client.GetAsync("/api/studies/mlp/trials?" + query)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe(field);
        problem.GetProperty("detail").GetString()!.ShouldContain(message);
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!.ShouldContain(message);
    }

    [Fact]
    public async Task GetTrial_GivesIntermediateValuesDistributionsAndSystemAttributes()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0]);

        JsonElement trial = await (await host.Client.GetAsync("/api/studies/mlp/trials/0")).JsonAsync();

        trial.GetProperty("number").GetInt32().ShouldBe(0);
        trial.GetProperty("intermediate_values").EnumerateArray().Select(p => (p.GetProperty("step").GetInt64(), p.GetProperty("value").GetDouble()))
            .ShouldBe([(0L, 6.0), (1L, 3.0)]);
        trial.GetProperty("distributions").GetProperty("x").GetProperty("type").GetString().ShouldBe("float");
        trial.GetProperty("distributions").GetProperty("act").GetProperty("choices").GetArrayLength().ShouldBe(2);
        trial.GetProperty("system_attributes").ValueKind.ShouldBe(JsonValueKind.Object);
    }

    [Fact]
    public async Task GetTrial_UnknownNumber_Is404()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0]);

        JsonElement problem = await (await host.Client.GetAsync("/api/studies/mlp/trials/42")).ProblemAsync(HttpStatusCode.NotFound);

        problem.GetProperty("field").GetString().ShouldBe("number");
    }

    [Fact]
    public async Task GetTrial_NaNIntermediateValue_IsWrittenAsNull()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("nan").UseStorage(host.Storage).CreateAsync();
        Trial trial = await study.AskAsync();
        trial.Report(double.NaN, 0);

        JsonElement body = await (await host.Client.GetAsync("/api/studies/nan/trials/0")).JsonAsync();

        body.GetProperty("intermediate_values")[0].GetProperty("value").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Best_SingleObjective_GivesTheBestTrial()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await ApiClient.SeedAsync(host.Storage, "mlp", [3.0, 1.0, 2.0], StudyDirection.Maximize);

        JsonElement best = await (await host.Client.GetAsync("/api/studies/mlp/best")).JsonAsync();

        best.GetProperty("directions")[0].GetString().ShouldBe("maximize");
        best.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).ShouldBe([0]);
    }

    [Fact]
    public async Task Best_SeveralObjectives_GivesTheParetoFront()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("pareto").UseStorage(host.Storage).WithDirections(StudyDirection.Minimize, StudyDirection.Minimize).CreateAsync();
        foreach ((double a, double b) in new[] { (1.0, 3.0), (2.0, 2.0), (3.0, 3.0), (3.0, 1.0) })
        {
            await study.TellAsync(await study.AskAsync(), [a, b]);
        }

        JsonElement best = await (await host.Client.GetAsync("/api/studies/pareto/best")).JsonAsync();

        best.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).ShouldBe([0, 1, 3]);
    }

    [Fact]
    public async Task Best_NoCompleteTrial_IsEmpty()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("empty").UseStorage(host.Storage).CreateAsync();

        JsonElement best = await (await host.Client.GetAsync("/api/studies/empty/best")).JsonAsync();

        best.GetProperty("trials").GetArrayLength().ShouldBe(0);
    }
}
