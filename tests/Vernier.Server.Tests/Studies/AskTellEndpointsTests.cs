using System.Net;
using System.Text.Json;
using Vernier.Server.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Tests.Studies;

public sealed class AskTellEndpointsTests
{
    [Fact]
    public async Task CreateStudy_CreatesItWithTheDirections()
    {
        await using ServerHost host = await ServerHost.StartAsync();

        HttpResponseMessage response = await host.Client.PostJsonAsync("/api/studies", """{"name": "api", "directions": ["maximize", "minimize"]}""");

        JsonElement body = await response.JsonAsync(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe("/api/studies/api");
        body.GetProperty("directions").EnumerateArray().Select(d => d.GetString()).ShouldBe(["maximize", "minimize"]);
        (await host.Storage.FindStudyAsync("api"))!.Directions.ShouldBe([StudyDirection.Maximize, StudyDirection.Minimize]);
    }

    [Fact]
    public async Task CreateStudy_Existing_Is409UnlessLoadIfExists()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        (await host.Client.PostJsonAsync("/api/studies", """{"name": "api"}""")).StatusCode.ShouldBe(HttpStatusCode.Created);

        JsonElement conflict = await (await host.Client.PostJsonAsync("/api/studies", """{"name": "api"}""")).ProblemAsync(HttpStatusCode.Conflict);
        conflict.GetProperty("field").GetString().ShouldBe("name");
        (await host.Client.PostJsonAsync("/api/studies", """{"name": "api", "load_if_exists": true}""")).StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonElement other = await (await host.Client.PostJsonAsync("/api/studies", """{"name": "api", "directions": ["maximize"], "load_if_exists": true}"""))
            .ProblemAsync(HttpStatusCode.Conflict);
        other.GetProperty("field").GetString().ShouldBe("directions");
        (await host.Storage.GetStudiesAsync()).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"directions": ["minimize"]}""", "name")]
    [InlineData("""{"name": "x", "directions": ["down"]}""", "directions[0]")]
    [InlineData("""{"name": "x", "directions": []}""", "directions")]
    [InlineData("""{"name": "x", "directions": "minimize"}""", "directions")]
    [InlineData("""{"name": "x", "load_if_exists": "yes"}""", "load_if_exists")]
    [InlineData("""{"name": "x", """, "body")]
    public async Task CreateStudy_BadBody_Is400NamingTheFieldAndStoresNothing(string json, string field)
    {
        await using ServerHost host = await ServerHost.StartAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies", json)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe(field);
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ask_WithDistributions_ChoosesParametersInThem()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();

        JsonElement asked = await (await host.Client.PostJsonAsync("/api/studies/api/ask", """
            {"distributions": {"lr": {"type": "float", "low": 0.001, "high": 0.1, "log": true}, "act": {"type": "categorical", "choices": ["relu", "tanh"]}}}
            """)).JsonAsync();

        asked.GetProperty("number").GetInt32().ShouldBe(0);
        asked.GetProperty("params").GetProperty("lr").GetDouble().ShouldBeInRange(0.001, 0.1);
        new[] { "relu", "tanh" }.ShouldContain(asked.GetProperty("params").GetProperty("act").GetString());
        FrozenTrial stored = (await study.GetTrialsAsync())[0];
        stored.State.ShouldBe(TrialState.Running);
        stored.Params.Keys.Order().ShouldBe(["act", "lr"]);
    }

    [Fact]
    public async Task Ask_WithoutBody_StartsATrialWithNoParameters()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();

        JsonElement asked = await (await host.Client.PostAsync("/api/studies/api/ask", null)).JsonAsync();

        asked.GetProperty("number").GetInt32().ShouldBe(0);
        asked.GetProperty("params").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Ask_BadDistribution_Is400NamingTheParameterAndStoresNothing()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies/api/ask", """
            {"distributions": {"lr": {"type": "float", "low": 1, "high": 0.1}}}
            """)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe("distributions.lr");
        (await study.GetTrialsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ask_StudyWithStoredDefinition_UsesItsSearchSpace()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("stored").UseStorage(host.Storage).WithSeed(5).CreateAsync();
        const string text = """
            name: stored
            space:
              - { name: depth, type: int, low: 2, high: 6 }
              - { name: opt, type: categorical, choices: [adam, sgd] }
            strategy: { name: random, seed: 5 }
            objective: { command: [bash, -c, 'echo METRIC loss=1'], pass_parameters: none, metric: loss }
            """;
        await host.Storage.SetStudyAttributeAsync(study.StudyId, Vernier.Storage.AttributeScope.System, "study_definition",
            JsonSerializer.SerializeToElement(new { file = "/tmp/stored.yaml", text, config_hash = "x" }));

        JsonElement asked = await (await host.Client.PostAsync("/api/studies/stored/ask", null)).JsonAsync();

        asked.GetProperty("params").GetProperty("depth").GetInt32().ShouldBeInRange(2, 6);
        new[] { "adam", "sgd" }.ShouldContain(asked.GetProperty("params").GetProperty("opt").GetString());
    }

    [Fact]
    public async Task Ask_StoredDefinitionThatNoLongerReads_Is409AndStartsNothing()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("stored").UseStorage(host.Storage).CreateAsync();
        await host.Storage.SetStudyAttributeAsync(study.StudyId, Vernier.Storage.AttributeScope.System, "study_definition",
            JsonSerializer.SerializeToElement(new { file = "/tmp/stored.yaml", text = "space: [", config_hash = "x" }));

        await (await host.Client.PostAsync("/api/studies/stored/ask", null)).ProblemAsync(HttpStatusCode.Conflict);

        (await study.GetTrialsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ask_UnknownStudy_Is404()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await (await host.Client.PostAsync("/api/studies/nope/ask", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ReportThenTell_RecordsTheTrial()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await host.Client.PostAsync("/api/studies/api/ask", null);

        JsonElement reported = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/report", """{"step": 3, "value": 0.5}""")).JsonAsync();
        JsonElement told = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/tell", """{"values": [0.25]}""")).JsonAsync();

        reported.GetProperty("last_intermediate_value").GetProperty("step").GetInt64().ShouldBe(3);
        told.GetProperty("state").GetString().ShouldBe("complete");
        FrozenTrial stored = (await study.GetTrialsAsync())[0];
        stored.State.ShouldBe(TrialState.Complete);
        stored.Values.ShouldBe([0.25]);
        stored.IntermediateValues[3].ShouldBe(0.5);
    }

    [Theory]
    [InlineData("""{"state": "pruned"}""", TrialState.Pruned, null)]
    [InlineData("""{"state": "failed", "reason": "CUDA out of memory"}""", TrialState.Failed, "CUDA out of memory")]
    public async Task Tell_PrunedOrFailed_RecordsTheState(string json, TrialState state, string? reason)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await study.AskAsync();

        JsonElement told = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/tell", json)).JsonAsync();

        told.GetProperty("state").GetString().ShouldBe(state.ToWireName());
        FrozenTrial stored = (await study.GetTrialsAsync())[0];
        stored.State.ShouldBe(state);
        stored.FailReason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("""{"values": [1, 2]}""", "values")]
    [InlineData("""{}""", "values")]
    [InlineData("""{"values": [1], "state": "pruned"}""", "values")]
    [InlineData("""{"state": "complete"}""", "state")]
    [InlineData("""{"state": "failed"}""", "reason")]
    [InlineData("""{"values": ["high"]}""", "values[0]")]
    [InlineData("""{"values": [1,""", "values[1]")]
    public async Task Tell_BadBody_Is400NamingTheFieldAndLeavesTheTrialRunning(string json, string field)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await study.AskAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/tell", json)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe(field);
        (await study.GetTrialsAsync())[0].State.ShouldBe(TrialState.Running);
    }

    [Fact]
    public async Task Tell_FinishedTrial_Is409AndKeepsTheFirstResult()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await study.TellAsync(await study.AskAsync(), 1.0);

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/tell", """{"values": [2.0]}""")).ProblemAsync(HttpStatusCode.Conflict);

        problem.GetProperty("detail").GetString()!.ShouldContain("already complete");
        (await study.GetTrialsAsync())[0].Values.ShouldBe([1.0]);
    }

    [Fact]
    public async Task Tell_UnknownTrial_Is404()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies/api/trials/7/tell", """{"values": [2.0]}""")).ProblemAsync(HttpStatusCode.NotFound);

        problem.GetProperty("field").GetString().ShouldBe("number");
    }

    [Theory]
    [InlineData("""{"value": 1}""", "step")]
    [InlineData("""{"step": -1, "value": 1}""", "step")]
    [InlineData("""{"step": 1}""", "value")]
    [InlineData("""{"step": 1.5, "value": 1}""", "step")]
    public async Task Report_BadBody_Is400AndStoresNothing(string json, string field)
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await study.AskAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/report", json)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("field").GetString().ShouldBe(field);
        (await study.GetTrialsAsync())[0].IntermediateValues.ShouldBeEmpty();
    }

    [Fact]
    public async Task Report_FinishedTrial_Is409()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("api").UseStorage(host.Storage).CreateAsync();
        await study.TellAsync(await study.AskAsync(), 1.0);

        await (await host.Client.PostJsonAsync("/api/studies/api/trials/0/report", """{"step": 1, "value": 1}""")).ProblemAsync(HttpStatusCode.Conflict);

        (await study.GetTrialsAsync())[0].IntermediateValues.ShouldBeEmpty();
    }
}
