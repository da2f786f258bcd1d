using System.Text.Json;
using Vernier.Runner.Config;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Objectives;

/// <summary><c>objective: { callable: "module:function" }</c>: a Python function run per trial through the bridge, end to end with a real interpreter.</summary>
public sealed class PythonCallableTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task NumberReturned_IsTheObjectiveValue_AndTheFunctionGetsTheParametersAsADict()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(
            """
            def objective(params):
                assert isinstance(params, dict), type(params)
                return (params["x"] - 1) ** 2 + (0 if params["opt"] == "adam" else 10) + params["n"]
            """,
            "objective",
            trials: 3);

        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        foreach (FrozenTrial trial in trials)
        {
            double x = (double)trial.Params["x"]!;
            trial.Value.ShouldNotBeNull().ShouldBe((x - 1) * (x - 1) + ((string)trial.Params["opt"]! == "adam" ? 0 : 10) + (long)trial.Params["n"]!, 1e-9);
        }
    }

    [Fact]
    public async Task DictReturned_GivesOneMetricPerKey_AndTheObjectiveMetricIsTheNamedOne()
    {
        FrozenTrial trial = (await RunAsync(
            """
            def objective(params):
                return {"loss": params["x"] * 2, "acc": 0.75, "val/top1": float("nan")}
            """,
            "objective",
            extraObjectiveKeys: "metric: loss")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Complete);
        trial.Value.ShouldNotBeNull().ShouldBe((double)trial.Params["x"]! * 2, 1e-9);
        IReadOnlyDictionary<string, double> metrics = StudyOutputs.MetricsOf(trial);
        metrics["acc"].ShouldBe(0.75);
        double.IsNaN(metrics["val/top1"]).ShouldBeTrue();
    }

    [Fact]
    public async Task TupleReturned_GivesTheMetricsInOrder_ForSeveralObjectives()
    {
        FrozenTrial trial = (await RunAsync(
            "def objective(params):\n    return (1.5, 2)\n",
            "objective",
            extraObjectiveKeys: "metrics: [loss, latency]")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Complete);
        trial.Values.ShouldBe([1.5, 2.0]);
    }

    [Fact]
    public async Task Exception_FailsTheTrialWithTheTracebacksTail()
    {
        FrozenTrial trial = (await RunAsync(
            """
            def objective(params):
                raise ValueError("the learning rate %.3f diverged" % params["x"])
            """,
            "objective")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldNotBeNull().ShouldStartWith("exited with code 1; last lines of stderr:");
        trial.FailReason.ShouldContain("in objective");
        trial.FailReason.ShouldContain("ValueError: the learning rate");
        trial.FailReason.ShouldNotContain("vernier_callable.py"); // the bridge's own frames are left out
        trial.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("exit_code");
    }

    [Fact]
    public async Task NoneReturned_FailsTheTrialSayingWhatToReturn()
    {
        FrozenTrial trial = (await RunAsync("def objective(params):\n    pass\n", "objective")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldNotBeNull().ShouldContain("vernier: model:objective returned None; return a number (the metric 'value'), or a dict of metrics");
    }

    [Fact]
    public async Task MissingFunction_FailsTheTrialListingTheModulesFunctions()
    {
        FrozenTrial trial = (await RunAsync("def objective(params):\n    return 1\n", "objectiv")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldNotBeNull().ShouldContain("has no function 'objectiv'; it defines: objective");
    }

    [Fact]
    public async Task TrialArgument_ReportsIntermediateValues_AndKnowsItsNumberAndParameters()
    {
        FrozenTrial trial = (await RunAsync(
            """
            def objective(params, trial):
                assert trial.params == params and trial.number == 0, trial
                trial.report(0, 0.9)
                trial.report(1, value=0.7, acc=0.5)
                trial.report(2, loss=0.6)
                return {"loss": 0.5}
            """,
            "objective",
            extraObjectiveKeys: "metric: loss")).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Complete);
        trial.IntermediateValues.ShouldBe(new Dictionary<long, double> { [0] = 0.9, [1] = 0.7, [2] = 0.6 });
    }

    [Fact]
    public async Task TrialKeyword_IsPassedByName()
    {
        FrozenTrial trial = (await RunAsync("def objective(params, *, trial):\n    return trial.number + 4\n", "objective")).ShouldHaveSingleItem();

        trial.Value.ShouldBe(4);
    }

    [Fact]
    public async Task Pruning_StopsTheProcessAndRecordsThePrunedTrialWithItsReports()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(
            """
            import time

            def objective(params, trial):
                trial.report(0, 5.0)
                time.sleep(60)
                return 5.0
            """,
            "objective",
            configure: builder => builder.WithPruner(new AlwaysPrunePruner()),
            extraObjectiveKeys: "grace_period: 1");

        FrozenTrial trial = trials.ShouldHaveSingleItem();
        trial.State.ShouldBe(TrialState.Pruned);
        trial.LastIntermediateValue.ShouldBe(KeyValuePair.Create(0L, 5.0));
    }

    [Fact]
    public async Task MissingModule_StopsTheStudyBeforeAnyTrialWithAClearError()
    {
        StudyDefinition definition = await WriteStudyAsync("def objective(params):\n    return 1\n", "modle:objective", "");

        VernierException error = Should.Throw<VernierException>(() => StudyComposition.CreateObjective(definition, _temp.Combine("trials")));

        error.Message.ShouldStartWith("objective.callable: cannot import module 'modle' for callable 'modle:objective': no file modle.py (or package modle/) in the working directory ");
    }

    [Fact]
    public async Task InterpreterNotFound_StopsTheStudyNamingThePythonKey()
    {
        StudyDefinition definition = await WriteStudyAsync("def objective(params):\n    return 1\n", "model:objective", "python: python2.4-nowhere", python: null);

        VernierException error = Should.Throw<VernierException>(() => StudyComposition.CreateObjective(definition, _temp.Combine("trials")));

        error.Message.ShouldBe("objective.python: the Python interpreter 'python2.4-nowhere' was not found on PATH; install Python 3.8 or later, or set 'python' in 'objective' to the interpreter to use (e.g. python: .venv/bin/python).");
    }

    [Fact]
    public async Task ModuleInAPackage_IsImportedFromTheWorkingDirectory()
    {
        Directory.CreateDirectory(_temp.Combine("study", "pkg"));
        await File.WriteAllTextAsync(_temp.Combine("study", "pkg", "__init__.py"), "");
        await File.WriteAllTextAsync(_temp.Combine("study", "pkg", "sub.py"), "def f(params):\n    return 3\n");
        StudyDefinition definition = await WriteStudyAsync(moduleSource: null, "pkg.sub:f", "");

        FrozenTrial trial = (await RunStudyAsync(definition, 1, null)).ShouldHaveSingleItem();

        trial.Value.ShouldBe(3);
    }

    [Fact]
    public void FindPythonInterpreter_DefaultIsPython3OnThePathTheTrialsGet()
    {
        string folder = Path.GetDirectoryName(Python.Interpreter)!;
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ callable: 'm:f', env: {{ PATH: {JsonSerializer.Serialize(folder)} }} }}\n", "study.yaml");

        StudyComposition.FindPythonInterpreter(definition).ShouldBe(Path.Combine(folder, "python3"));
        StudyComposition.CreateCommandRunner(definition).ShouldNotBeNull().Metric.ShouldBe("value");
    }

    private async Task<IReadOnlyList<FrozenTrial>> RunAsync(string moduleSource, string function, int trials = 1, Func<StudyBuilder, StudyBuilder>? configure = null, string extraObjectiveKeys = "")
    {
        StudyDefinition definition = await WriteStudyAsync(moduleSource, $"model:{function}", extraObjectiveKeys);
        return await RunStudyAsync(definition, trials, configure);
    }

    private async Task<IReadOnlyList<FrozenTrial>> RunStudyAsync(StudyDefinition definition, int trials, Func<StudyBuilder, StudyBuilder>? configure)
    {
        StudyBuilder builder = StudyComposition.CreateBuilder(definition, new InMemoryStorage());
        await using Study study = await (configure?.Invoke(builder) ?? builder).CreateAsync();
        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, _temp.Combine("trials")), new OptimizeOptions { NTrials = trials, SearchSpace = definition.Space });
        return await study.GetTrialsAsync();
    }

    private async Task<StudyDefinition> WriteStudyAsync(string? moduleSource, string callable, string extraObjectiveKeys, string? python = "")
    {
        string folder = _temp.Combine("study");
        Directory.CreateDirectory(folder);
        if (moduleSource is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "model.py"), moduleSource);
        }

        string interpreter = python == "" ? $"python: {JsonSerializer.Serialize(Python.Interpreter)}" : "";
        string objectiveKeys = string.Join("\n", new[] { $"callable: \"{callable}\"", interpreter, extraObjectiveKeys }.Where(k => k.Length > 0).Select(k => "  " + k));
        string file = Path.Combine(folder, "study.yaml");
        await File.WriteAllTextAsync(file, $$"""
            space:
              - { name: x, type: float, low: 0, high: 2 }
              - { name: opt, type: categorical, choices: [sgd, adam] }
              - { name: n, type: int, low: 1, high: 3 }
            strategy: { name: random, seed: 3 }
            objective:
            {{objectiveKeys}}
            """);
        return StudyDefinitionLoader.Load(file);
    }
}
