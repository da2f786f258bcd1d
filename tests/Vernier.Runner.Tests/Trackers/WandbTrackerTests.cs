using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

/// <summary>The wandb tracker against a fake <c>wandb</c> Python module that records every call it gets.</summary>
public sealed class WandbTrackerTests : IDisposable
{
    private const string FakeWandb = """
        import json, os

        def _record(call, **fields):
            with open(os.environ["FAKE_WANDB_LOG"], "a") as f:
                f.write(json.dumps(dict(call=call, **fields)) + "\n")

        class _Summary(dict):
            def __setitem__(self, key, value):
                super().__setitem__(key, value)
                _record("summary", run=self.run, key=key, value=value)

        class Run:
            def __init__(self, name):
                self.name = name
                self.summary = _Summary()
                self.summary.run = name

            def log(self, data, step=None):
                _record("log", run=self.name, data=data, step=step)

            def finish(self, exit_code=None):
                _record("finish", run=self.name, exit_code=exit_code)

        def init(**kwargs):
            if os.environ.get("FAKE_WANDB_OLD") and not isinstance(kwargs.get("reinit"), bool):
                raise ValueError("reinit must be a bool in this version")
            _record("init", kwargs=kwargs, mode=os.environ.get("WANDB_MODE"))
            return Run(kwargs.get("name"))

        def log(data, step=None):
            _record("log", run=None, data=data, step=step)
        """;

    private static readonly SearchSpace Space = new(
    [
        new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam"])),
        new ParameterSpec("lr", new FloatDistribution(0.01, 0.1, step: 0.01)),
    ]);

    private readonly TempDirectory _temp = new();

    public WandbTrackerTests()
    {
        Directory.CreateDirectory(_temp.Combine("fake", "wandb"));
        File.WriteAllText(_temp.Combine("fake", "wandb", "__init__.py"), FakeWandb);
        Directory.CreateDirectory(_temp.Combine("empty"));
    }

    public void Dispose() => _temp.Dispose();

    private string CallsPath => _temp.Combine("calls.jsonl");

    [Fact]
    public async Task RunAsync_FakeWandb_OneRunPerTrial_WithNameGroupTagsConfigStepsSummaryAndExitCode()
    {
        var tracker = Tracker(_temp.Combine("fake"), mode: "offline", entity: "team", tags: ["sweep-a"]);
        var log = new StringWriter();
        var options = new StudyRunnerOptions
        {
            TotalTrials = 2, SearchSpace = Space, MetricNames = ["loss"], TrackerLog = log,
            Naming = new RunNaming { Name = "{opt}-lr{lr}", Group = "{opt}", Tags = ["{opt}"] },
        };
        options.Trackers.Add(tracker);
        await using Study study = await Study.Builder("wandb-study").UseStorage(new InMemoryStorage()).WithSeed(4).CreateAsync();

        await new StudyRunner(study, options).RunAsync((trial, _) =>
        {
            trial.Report(0.9, 0);
            trial.Report(0.7, 1);
            return trial.Number == 1 ? throw new TrialFailedException("diverged") : Task.FromResult<IReadOnlyList<double>>([0.5]);
        });

        log.ToString().ShouldBeEmpty();
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        JsonObject[] calls = [.. File.ReadAllLines(CallsPath).Select(l => JsonNode.Parse(l)!.AsObject())];
        for (int number = 0; number < 2; number++)
        {
            string opt = (string)trials[number].Params["opt"]!;
            string name = RunLabels.Of(trials[number]).Name!;
            JsonObject[] mine = [.. calls.Where(c => (c["run"]?.GetValue<string>() ?? c["kwargs"]?["name"]?.GetValue<string>()) == name)];
            mine.Select(c => c["call"]!.GetValue<string>()).ShouldBe(
                ["init", "log", "log", "summary", "summary", "summary", "finish"]);
            JsonNode init = mine[0]["kwargs"]!;
            init["project"]!.GetValue<string>().ShouldBe("proj");
            init["entity"]!.GetValue<string>().ShouldBe("team");
            init["group"]!.GetValue<string>().ShouldBe(opt);
            init["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["sweep-a", opt]);
            init["config"]!["opt"]!.GetValue<string>().ShouldBe(opt);
            init["config"]!["lr"]!.GetValue<double>().ShouldBe((double)trials[number].Params["lr"]!);
            mine[0]["mode"]!.GetValue<string>().ShouldBe("offline");
            init["reinit"]!.GetValue<string>().ShouldBe("create_new");
            mine[1]["data"]!["loss"]!.GetValue<double>().ShouldBe(0.9);
            mine[1]["step"]!.GetValue<long>().ShouldBe(0);
            mine[2]["step"]!.GetValue<long>().ShouldBe(1);
            mine[^1]["exit_code"]!.GetValue<int>().ShouldBe(number == 0 ? 0 : 1);
        }

        calls.Where(c => c["call"]!.GetValue<string>() == "summary").Select(c => $"{c["key"]}={c["value"]}").ShouldBe(
            ["loss=0.5", "state=complete", $"duration_s={calls.First(c => c["key"]?.GetValue<string>() == "duration_s")["value"]}",
             "state=failed", $"duration_s={calls.Last(c => c["key"]?.GetValue<string>() == "duration_s")["value"]}", "fail_reason=diverged"],
            ignoreOrder: true);
    }

    [Fact]
    public async Task RunAsync_OlderWandbWithoutCreateNew_GetsReinitTrue()
    {
        var log = new StringWriter();
        OptimizeResult result = await RunAsync(Tracker(_temp.Combine("fake"), old: true), log);

        result.TrialsStarted.ShouldBe(2);
        log.ToString().ShouldBeEmpty();
        JsonObject[] inits = [.. File.ReadAllLines(CallsPath).Select(l => JsonNode.Parse(l)!.AsObject()).Where(c => c["call"]!.GetValue<string>() == "init")];
        inits.Length.ShouldBe(2);
        inits.ShouldAllBe(c => c["kwargs"]!["reinit"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RunAsync_WandbNotInstalled_OneWarningAndTheStudyCompletes()
    {
        var log = new StringWriter();
        OptimizeResult result = await RunAsync(Tracker(_temp.Combine("empty")), log);

        result.TrialsStarted.ShouldBe(2);
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem()
            .ShouldContain("tracker WandbTracker failed on study_started and is disabled for the rest of the run: cannot import wandb: ModuleNotFoundError");
        log.ToString().ShouldContain("pip install wandb");
    }

    [Fact]
    public async Task RunAsync_PythonMissing_OneWarningAndTheStudyCompletes()
    {
        var log = new StringWriter();
        OptimizeResult result = await RunAsync(Tracker(_temp.Combine("fake"), python: _temp.Combine("no-such-python")), log);

        result.TrialsStarted.ShouldBe(2);
        log.ToString().ShouldContain("was not found");
        File.Exists(CallsPath).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_WandbModeDisabled_StartsNoBridge()
    {
        var log = new StringWriter();
        OptimizeResult result = await RunAsync(Tracker(_temp.Combine("fake"), mode: "disabled"), log);

        result.TrialsStarted.ShouldBe(2);
        log.ToString().ShouldBeEmpty();
        File.Exists(CallsPath).ShouldBeFalse();
    }

    [Fact]
    public void Spec_Wandb_TakesProjectEntityGroupTagsAndPython()
    {
        TrackerSpec spec = TrackerSpec.Parse("wandb:project=p,entity=e,group=g,tags=a|b,python=python3");

        spec.Options.Keys.ShouldBe(["entity", "group", "project", "python", "tags"]);
        using var tracker = (WandbTracker)spec.Build(Path.GetFullPath, TextWriter.Null);
        Should.Throw<FormatException>(() => TrackerSpec.Parse("wandb:entity=e")).Message.ShouldContain("needs 'project'");
    }

    private WandbTracker Tracker(string pythonPath, string? mode = null, string? entity = null, IReadOnlyList<string>? tags = null, string? python = null, bool old = false) =>
        new("proj", entity, null, tags, python, new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = pythonPath,
            ["PYTHONNOUSERSITE"] = "1",
            ["FAKE_WANDB_LOG"] = CallsPath,
            ["WANDB_MODE"] = mode,
            ["FAKE_WANDB_OLD"] = old ? "1" : null,
        });

    private static async Task<OptimizeResult> RunAsync(WandbTracker tracker, TextWriter log)
    {
        var options = new StudyRunnerOptions { TotalTrials = 2, SearchSpace = Space, TrackerLog = log };
        options.Trackers.Add(tracker);
        await using Study study = await Study.Builder("wandb-missing").UseStorage(new InMemoryStorage()).WithSeed(4).CreateAsync();
        return await new StudyRunner(study, options).RunAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>([1]));
    }
}
