using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

public sealed class RunNamingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly RunNaming Naming = new() { Name = "{opt}-lr{lr}", Group = "{opt}", Tags = ["sweep-a", "{opt}", "{momentum}"] };

    [Fact]
    public void Render_FillsParametersCompactly_AndBuiltIns()
    {
        var naming = new RunNaming { Name = "{study}/{trial_number}: {opt}-lr{lr}-l{layers}-w{wd}" };

        RunLabels labels = naming.Render(7, "mlp", new Dictionary<string, object?> { ["opt"] = "adam", ["lr"] = 0.001, ["layers"] = 4L, ["wd"] = 1e-5 });

        labels.Name.ShouldBe("mlp/7: adam-lr0.001-l4-w1e-05");
        labels.Group.ShouldBeNull();
        labels.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Render_AbsentConditionalParameter_RendersEmpty_AndAnEmptyTagIsLeftOut()
    {
        RunLabels labels = Naming.Render(0, "s", new Dictionary<string, object?> { ["opt"] = "adam", ["lr"] = 0.01 });

        labels.Name.ShouldBe("adam-lr0.01");
        labels.Group.ShouldBe("adam");
        labels.Tags.ShouldBe(["sweep-a", "adam"]);
    }

    [Fact]
    public void Render_DoubledBraces_AreLiteral_AndASecretParameterIsMasked()
    {
        var naming = new RunNaming { Name = "{{opt}}={opt} {api_key}" };

        naming.Render(0, "s", new Dictionary<string, object?> { ["opt"] = "sgd", ["api_key"] = "abc123" }).Name.ShouldBe("{opt}=sgd ***");
    }

    [Fact]
    public void Placeholders_ListsTheNamesUsed_NotEscapedOnes()
    {
        RunNaming.Placeholders("{opt}-{{lr}}-{trial_number}{ x}").ShouldBe(["opt", "trial_number"]);
    }

    [Fact]
    public async Task RunAsync_WithNaming_StoresTheLabels_AndShowsThemInEventsOutputsAndTheConsole()
    {
        await using Study study = await Study.Builder("naming").UseStorage(new InMemoryStorage()).WithSeed(5).CreateAsync();
        var space = new SearchSpace(
        [
            new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam"])),
            new ParameterSpec("lr", new FloatDistribution(0.001, 0.1, step: 0.001)),
        ]);
        var tracker = new LabelTracker();
        var console = new StringWriter();
        string outputs = _temp.Combine("out");
        var options = new StudyRunnerOptions
        {
            TotalTrials = 3, SearchSpace = space, Naming = Naming, OutputDirectory = outputs, Reporter = new ConsoleReporter(ConsoleReporter.CreateConsole(console)),
        };
        options.Trackers.Add(tracker);

        await new StudyRunner(study, options).RunAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>([trial.Number]));

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        foreach (FrozenTrial trial in trials)
        {
            string opt = (string)trial.Params["opt"]!;
            string name = $"{opt}-lr{Vernier.Runner.Objectives.ParameterValues.FormatDouble((double)trial.Params["lr"]!)}";
            RunLabels.Of(trial).Name.ShouldBe(name);
            RunLabels.Of(trial).Group.ShouldBe(opt);
            RunLabels.Of(trial).Tags.ShouldBe(["sweep-a", opt]);
            tracker.Started.ShouldContain($"{trial.Number} {name} {opt} sweep-a|{opt}");
            tracker.Finished.ShouldContain($"{trial.Number} {name} {opt} sweep-a|{opt}");
            console.ToString().ShouldContain($"trial {trial.Number} ({name}) value");
        }

        List<string[]> rows = Csv.Parse(await File.ReadAllTextAsync(Path.Combine(outputs, "runs.csv")));
        rows[0][..5].ShouldBe(["number", "state", "name", "group", "tags"]);
        rows[1][2].ShouldBe(RunLabels.Of(trials[0]).Name);
        rows[1][4].ShouldBe($"sweep-a|{RunLabels.Of(trials[0]).Group}");
        JsonObject first = JsonNode.Parse((await File.ReadAllLinesAsync(Path.Combine(outputs, "trials.jsonl")))[0])!.AsObject();
        first["name"]!.GetValue<string>().ShouldBe(RunLabels.Of(trials[0]).Name);
        first["group"]!.GetValue<string>().ShouldBe(RunLabels.Of(trials[0]).Group);
        first["tags"]!.AsArray().Count.ShouldBe(2);
        TrialJson.FromJson(first).UserAttributes.ShouldContainKey(RunLabels.NameAttribute);
    }

    [Fact]
    public async Task RunAsync_WithoutNaming_LeavesNoLabels_AndNoLabelColumns()
    {
        await using Study study = await Study.Builder("plain").UseStorage(new InMemoryStorage()).WithSeed(5).CreateAsync();
        var tracker = new LabelTracker();
        string outputs = _temp.Combine("plain");
        var options = new StudyRunnerOptions { TotalTrials = 1, OutputDirectory = outputs };
        options.Trackers.Add(tracker);

        await new StudyRunner(study, options).RunAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>([trial.SuggestFloat("x", 0, 1)]));

        RunLabels.Of((await study.GetTrialsAsync())[0]).IsEmpty.ShouldBeTrue();
        tracker.Started.ShouldBe(["0   "]);
        Csv.Parse(await File.ReadAllTextAsync(Path.Combine(outputs, "runs.csv")))[0].ShouldNotContain("name");
        JsonNode.Parse((await File.ReadAllLinesAsync(Path.Combine(outputs, "trials.jsonl")))[0])!["name"].ShouldBeNull();
    }

    [Fact]
    public void ConsoleTracker_ShowsTheLabels()
    {
        var output = new StringWriter();
        var tracker = new ConsoleTracker(output);

        tracker.TrialStarted(new TrialStartedEvent(2, new Dictionary<string, object?> { ["opt"] = "adam" }, TrialFactory.T0) { Name = "adam-1", Group = "adam", Tags = ["a", "b"] });

        output.ToString().ShouldBe("[tracker] trial 2 (adam-1, group adam, tags a|b) started: opt=adam" + Environment.NewLine);
    }

    private sealed class LabelTracker : ITrialTracker
    {
        public List<string> Started { get; } = [];

        public List<string> Finished { get; } = [];

        public void StudyStarted(StudyStartedEvent started)
        {
        }

        public void TrialStarted(TrialStartedEvent started) => Started.Add($"{started.Number} {started.Name} {started.Group} {string.Join("|", started.Tags)}");

        public void IntermediateValue(IntermediateValueEvent value)
        {
        }

        public void TrialFinished(TrialFinishedEvent finished) => Finished.Add($"{finished.Trial.Number} {finished.Name} {finished.Group} {string.Join("|", finished.Tags)}");

        public void StudyFinished(StudyFinishedEvent finished)
        {
        }
    }
}
