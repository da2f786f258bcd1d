using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Server.Tests.Support;
using static Vernier.Server.Tests.Jobs.JobTestKit;

namespace Vernier.Server.Tests.Jobs;

public sealed class TuningJobValidationTests : IDisposable
{
    private readonly JobTestKit _kit = new();

    private Task<ServerHost> StartHostAsync(bool allowCommands = true, Dictionary<string, string>? templates = null) =>
        ServerHost.StartAsync(null, o => new VernierServerOptions
        {
            Storage = o.Storage,
            AllowCommands = allowCommands,
            CommandTemplates = templates ?? [],
            ArtifactsRoot = _kit.ArtifactsRoot,
        });

    public static TheoryData<string, string, string> BadRequests => new()
    {
        // case, JSON path to change = new value (as JSON; "-" removes the field), field expected in errors
        { "missing name", "name=-", "name" },
        { "missing dataset_key", "dataset_key=-", "dataset_key" },
        { "missing base_model_id", "base_model_id=-", "base_model_id" },
        { "missing metric_name", "metric_name=-", "metric_name" },
        { "missing search_space", "search_space=-", "search_space" },
        { "missing num_samples", "num_samples=-", "num_samples" },
        { "name not a string", "name=42", "name" },
        { "unknown type", "search_space.learning_rate={\"type\": \"logunifrom\", \"min\": 0.1, \"max\": 1}", "search_space.learning_rate" },
        { "min greater than max", "search_space.learning_rate={\"type\": \"uniform\", \"min\": 2, \"max\": 1}", "search_space.learning_rate" },
        { "loguniform min zero", "search_space.learning_rate={\"type\": \"loguniform\", \"min\": 0, \"max\": 1}", "search_space.learning_rate" },
        { "loguniform min negative", "search_space.learning_rate={\"type\": \"loguniform\", \"min\": -1, \"max\": 1}", "search_space.learning_rate" },
        { "empty choice list", "search_space.batch_size={\"type\": \"choice\", \"values\": []}", "search_space.batch_size" },
        { "randint empty range", "search_space.layers={\"type\": \"randint\", \"min\": 3, \"max\": 3}", "search_space.layers" },
        { "no type", "search_space.layers={\"min\": 3, \"max\": 5}", "search_space.layers" },
        { "empty search space", "search_space={}", "search_space" },
        { "search space a list", "search_space=[1, 2]", "search_space" },
        { "num_samples zero", "num_samples=0", "num_samples" },
        { "num_samples negative", "num_samples=-3", "num_samples" },
        { "num_samples fractional", "num_samples=2.5", "num_samples" },
        { "max_concurrent_trials zero", "max_concurrent_trials=0", "max_concurrent_trials" },
        { "metric_mode other", "metric_mode=\"maximize\"", "metric_mode" },
        { "bad metric name", "metric_name=\"step\"", "metric_name" },
        { "unknown field", "max_trials=3", "max_trials" },
        { "unknown sampler", "sampler=\"tpee\"", "sampler" },
        { "unknown sampler option", "sampler={\"name\": \"tpe\", \"n_startup\": 3}", "sampler.n_startup" },
        { "unknown pruner", "pruner=\"medain\"", "pruner" },
        { "negative seed", "seed=-1", "seed" },
        { "zero timeout", "timeout=0", "timeout" },
        { "dataset_key with shell characters", "dataset_key=\"x; rm -rf /\"", "dataset_key" },
        { "reserved parameter name", "search_space.dataset_key={\"type\": \"choice\", \"values\": [1]}", "search_space.dataset_key" },
        { "placeholder that is no parameter", "objective={\"command\": \"python3 train.py --x={nope}\"}", "objective" },
        { "unknown objective key", "objective={\"command\": \"true\", \"shell\": true}", "objective.shell" },
        { "objective with template and command", "objective={\"command\": \"true\", \"template\": \"x\"}", "objective" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Create_BadInput_IsRejectedNamingTheFieldAndStoresNothing(string name, string change, string field)
    {
        await using ServerHost host = await StartHostAsync();
        JsonObject request = _kit.Request();
        Apply(request, change);

        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());

        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{name}: {body}");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using JsonDocument problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe(400);
        problem.RootElement.GetProperty("errors").TryGetProperty(field, out JsonElement messages).ShouldBeTrue($"{name}: {body}");
        messages[0].GetString().ShouldNotBeNullOrWhiteSpace();
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty(name);
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Create_MalformedJson_IsBadRequestAndStoresNothing(string body)
    {
        await using ServerHost host = await StartHostAsync();
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("errors").TryGetProperty("body", out _).ShouldBeTrue();
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_NotAnObject_IsBadRequest()
    {
        await using ServerHost host = await StartHostAsync();
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", "[1, 2]");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"body\"");
    }

    [Fact]
    public async Task Create_SeveralBadFields_NamesEachOne()
    {
        await using ServerHost host = await StartHostAsync();
        JsonObject request = _kit.Request();
        request["num_samples"] = 0;
        request["metric_mode"] = "up";
        request.Remove("dataset_key");
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problem.RootElement.GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(["dataset_key", "metric_mode", "num_samples"]);
    }

    [Fact]
    public async Task Create_DuplicateName_IsConflictNamingTheNameAndStoresNothingMore()
    {
        await using ServerHost host = await StartHostAsync();
        await CreateAsync(host, _kit.Request(name: "same"));
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", _kit.Request(name: "same").ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
        (await host.Storage.GetStudiesAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Create_CommandWithoutAllowCommands_IsForbiddenExplainingBothWaysAndStoresNothing()
    {
        await using ServerHost host = await StartHostAsync(allowCommands: false, templates: new() { ["train"] = "python3 train.py" });
        foreach (JsonNode objective in new JsonNode[] { new JsonObject { ["command"] = _kit.Command }, JsonValue.Create("python3 evil.py")! })
        {
            JsonObject request = _kit.Request(change: r => r["objective"] = objective);
            HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            string body = await response.Content.ReadAsStringAsync();
            body.ShouldContain("--allow-commands");
            body.ShouldContain("--command-template");
            body.ShouldContain("train");
        }

        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_NoObjectiveAndNoDefaultTemplate_IsBadRequest()
    {
        await using ServerHost host = await StartHostAsync(allowCommands: false);
        JsonObject request = _kit.Request(change: r => r.Remove("objective"));
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"objective\"");
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_UnknownTemplate_IsBadRequestListingTheServersTemplates()
    {
        await using ServerHost host = await StartHostAsync(allowCommands: false, templates: new() { ["train"] = "python3 train.py" });
        JsonObject request = _kit.Request(change: r => r["objective"] = new JsonObject { ["template"] = "evil" });
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        string body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("objective.template");
        body.ShouldContain("train");
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_TemplateJobWithShellCharactersInAChoice_IsBadRequest()
    {
        await using ServerHost host = await StartHostAsync(allowCommands: false, templates: new() { ["train"] = "python3 train.py" });
        JsonObject request = _kit.Request(change: r =>
        {
            r["objective"] = new JsonObject { ["template"] = "train" };
            r["search_space"]!["opt"] = new JsonObject { ["type"] = "choice", ["values"] = new JsonArray("adam", "$(reboot)") };
        });
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("search_space.opt");
    }

    [Fact]
    public async Task Create_VernierTypesAndTheDefaultTemplate_AreAccepted()
    {
        await using ServerHost host = await StartHostAsync(allowCommands: false, templates: new() { ["default"] = "python3 train.py" });
        JsonObject request = _kit.Request(change: r =>
        {
            r.Remove("objective");
            r["search_space"] = new JsonObject
            {
                ["learning_rate"] = new JsonObject { ["type"] = "float", ["low"] = 1e-5, ["high"] = 1e-2, ["log"] = true },
                ["batch_size"] = new JsonObject { ["type"] = "int", ["low"] = 4, ["high"] = 64, ["step"] = 4 },
                ["opt"] = new JsonObject { ["type"] = "categorical", ["choices"] = new JsonArray("adam", "sgd") },
                ["momentum"] = new JsonObject { ["type"] = "uniform", ["min"] = 0, ["max"] = 0.9, ["when"] = new JsonObject { ["opt"] = "sgd" } },
                ["epochs"] = 3,
            };
        });
        JsonElement job = await CreateAsync(host, request);
        Status(job).ShouldBe("created");
        job.TryGetProperty("objective", out JsonElement objective).ShouldBeTrue();
        objective.ValueKind.ShouldBe(JsonValueKind.Null);
    }

    /// <summary>Applies "path=json" to the request ("-" removes); the path is dotted.</summary>
    private static void Apply(JsonObject request, string change)
    {
        int equals = change.IndexOf('=');
        string[] path = change[..equals].Split('.');
        string value = change[(equals + 1)..];
        JsonObject parent = request;
        foreach (string key in path[..^1])
        {
            parent = parent[key]!.AsObject();
        }

        if (value == "-")
        {
            parent.Remove(path[^1]);
        }
        else
        {
            parent[path[^1]] = JsonNode.Parse(value);
        }
    }

    public void Dispose() => _kit.Dispose();
}
