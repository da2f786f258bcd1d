using System.Net;
using System.Text;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Tests.Support;

/// <summary>Small helpers for calling the API and seeding studies through the core.</summary>
internal static class ApiClient
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Reads a problem details answer, checking its status and content type.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement problem = document.RootElement.Clone();
        problem.GetProperty("status").GetInt32().ShouldBe((int)expected);
        return problem;
    }

    /// <summary>A single-objective study with complete trials of values x (x = the given values), one pruned and one failed trial.</summary>
    public static async Task<Study> SeedAsync(IStorage storage, string name, IReadOnlyList<double> values, StudyDirection direction = StudyDirection.Minimize)
    {
        Study study = await Study.Builder(name).UseStorage(storage).WithDirections(direction).WithSeed(1).CreateAsync();
        var space = new SearchSpaces.SearchSpace([new SearchSpaces.ParameterSpec("x", new FloatDistribution(-10, 10)), new SearchSpaces.ParameterSpec("act", new CategoricalDistribution(["relu", "tanh"]))]);
        foreach (double value in values)
        {
            Trial trial = await study.AskAsync(space);
            trial.Report(value * 2, 0);
            trial.Report(value, 1);
            await study.TellAsync(trial, value);
        }

        Trial pruned = await study.AskAsync(space);
        pruned.Report(99, 0);
        await study.TellPrunedAsync(pruned.Number);
        Trial failed = await study.AskAsync(space);
        await study.TellFailedAsync(failed.Number, "out of memory");
        return study;
    }

    public static async Task<int> TrialCountAsync(IStorage storage, string study) =>
        (await storage.GetTrialsAsync((await storage.FindStudyAsync(study))!.StudyId)).Count;
}
