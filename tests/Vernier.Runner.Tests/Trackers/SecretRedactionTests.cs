using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

public sealed class SecretRedactionTests : IDisposable
{
    private const string Secret = "s3cr3t-value-42";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("token")]
    [InlineData("HF_TOKEN")]
    [InlineData("wandb_api_key")]
    [InlineData("apiKey")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("db-password")]
    [InlineData("PASSWD")]
    [InlineData("auth")]
    [InlineData("HFToken")]
    [InlineData("gcp.credentials")]
    [InlineData("apikey")]
    public void IsSecret_NamesWithASecretPart_AreSecrets(string name) => SecretNames.IsSecret(name).ShouldBeTrue();

    [Theory]
    [InlineData("keyboard")]
    [InlineData("monkey")]
    [InlineData("max_tokens")]
    [InlineData("author")]
    [InlineData("lr")]
    [InlineData("tokenizer")]
    [InlineData("passage_len")]
    [InlineData("")]
    public void IsSecret_OtherNames_AreNot(string name) => SecretNames.IsSecret(name).ShouldBeFalse();

    [Fact]
    public async Task RunAsync_SecretsInParametersAndAttributes_NeverReachATracker()
    {
        await using Study study = await Study.Builder("secrets").UseStorage(new InMemoryStorage()).WithSeed(1).CreateAsync();
        var space = new SearchSpace(
        [
            new ParameterSpec("lr", new FloatDistribution(0, 1)),
            new ParameterSpec("wandb_api_key", new CategoricalDistribution([Secret])),
        ]);
        string events = _temp.Combine("events.jsonl");
        string rows = _temp.Combine("rows.csv");
        var console = new StringWriter();
        var recording = new CapturingTracker();
        var options = new StudyRunnerOptions { TotalTrials = 2, SearchSpace = space, MetricNames = ["token_accuracy"] };
        options.Trackers.Add(new JsonlTracker(events));
        options.Trackers.Add(new CsvTracker(rows));
        options.Trackers.Add(new ConsoleTracker(console));
        options.Trackers.Add(recording);

        await new StudyRunner(study, options).RunAsync((trial, _) =>
        {
            trial.SetUserAttribute("env", new Dictionary<string, object> { ["HF_TOKEN"] = Secret, ["OMP_NUM_THREADS"] = "1", ["nested"] = new Dictionary<string, string> { ["dbPassword"] = Secret } });
            trial.SetUserAttribute("github_token", Secret);
            trial.SetSystemAttribute("credentials", new[] { Secret });
            trial.SetUserAttribute("metrics", new Dictionary<string, double> { ["token_accuracy"] = 0.5 });
            trial.Report(0.5, 0);
            return Task.FromResult<IReadOnlyList<double>>([0.5]);
        });

        // The study itself keeps the values; no tracker ever saw them.
        (await study.GetTrialsAsync())[0].Params["wandb_api_key"].ShouldBe(Secret);
        string everything = await File.ReadAllTextAsync(events) + await File.ReadAllTextAsync(rows) + console + string.Join("\n", recording.Seen);
        everything.ShouldNotContain(Secret);
        everything.ShouldContain(SecretNames.Mask);
        JsonObject finished = (await File.ReadAllLinesAsync(events)).Select(l => JsonNode.Parse(l)!.AsObject()).First(l => l["event"]!.GetValue<string>() == "trial_finished");
        finished["trial"]!["user_attrs"]!["env"]!["OMP_NUM_THREADS"]!.GetValue<string>().ShouldBe("1");
        finished["trial"]!["user_attrs"]!["metrics"]!["token_accuracy"]!.GetValue<double>().ShouldBe(0.5);
        finished["trial"]!["params"]!["lr"]!.GetValue<double>().ShouldBeInRange(0, 1);
    }

    /// <summary>Keeps every event as JSON-ish text, the parameters and attributes included.</summary>
    private sealed class CapturingTracker : ITrialTracker
    {
        public List<string> Seen { get; } = [];

        public void StudyStarted(StudyStartedEvent started) =>
            Seen.Add(string.Join(",", started.Space?.Parameters.Select(p => $"{p.Name}={p.Distribution}") ?? []));

        public void TrialStarted(TrialStartedEvent started) => Seen.Add(string.Join(",", started.Parameters.Select(p => $"{p.Key}={p.Value}")));

        public void IntermediateValue(IntermediateValueEvent value) => Seen.Add(value.ToString());

        public void TrialFinished(TrialFinishedEvent finished) => Seen.Add(Vernier.Runner.Outputs.TrialJson.ToJson(finished.Trial).ToJsonString());

        public void StudyFinished(StudyFinishedEvent finished) => Seen.Add(finished.Best is null ? "" : Vernier.Runner.Outputs.TrialJson.ToJson(finished.Best).ToJsonString());
    }
}
