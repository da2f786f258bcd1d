using Vernier.Runner.Config;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Config;

/// <summary>The objective keys repeats, seeds and aggregate, and the top-level outputs.</summary>
public sealed class RepeatKeysTests
{
    private static StudyDefinition Parse(string objectiveExtra, string kind = "command: [python3, train.py]", string top = "", string space = "x: { type: float, low: 0, high: 1 }") =>
        StudyDefinitionLoader.Parse($"space: {{ {space} }}\nobjective: {{ {kind}, metric: loss{objectiveExtra} }}\n{top}", "study.yaml");

    [Fact]
    public void Parse_NoRepeatKeys_IsOneRunWithoutSeed()
    {
        TrialRepeats repeats = Parse("").Objective.Repeats;

        repeats.ShouldBe(new TrialRepeats());
        repeats.HasSeeds.ShouldBeFalse();
    }

    [Fact]
    public void Parse_RepeatsAndAggregate_AreRead()
    {
        TrialRepeats repeats = Parse(", repeats: 3, aggregate: median").Objective.Repeats;

        repeats.Count.ShouldBe(3);
        repeats.Aggregate.ShouldBe(RunAggregate.Median);
        repeats.Seeds.ShouldBeEmpty();
        repeats.HasSeeds.ShouldBeTrue();
    }

    [Fact]
    public void Parse_SeedList_SetsRepeatsToItsLength()
    {
        TrialRepeats repeats = Parse(", seeds: [1, 2, 3, 4]").Objective.Repeats;

        repeats.Count.ShouldBe(4);
        repeats.Seeds.ShouldBe([1L, 2, 3, 4]);
    }

    [Fact]
    public void Parse_SeedListAndMatchingRepeats_IsAccepted() => Parse(", repeats: 2, seeds: [7, 8]").Objective.Repeats.Count.ShouldBe(2);

    [Fact]
    public void Parse_SeedsGenerate_GeneratesOneSeedPerRun()
    {
        TrialRepeats repeats = Parse(", seeds: generate").Objective.Repeats;

        repeats.GenerateSeeds.ShouldBeTrue();
        repeats.Count.ShouldBe(1);
        repeats.SeedsFor(1, 0)!.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(", repeats: 0", "study.yaml:2:67: 'repeats' must be between 1 and 1000, got 0; the number of times each trial runs the command")]
    [InlineData(", repeats: 3, seeds: [1, 2]", "study.yaml:2:77: 'seeds' lists 2 seeds but 'repeats' is 3; give one seed per run, or leave 'repeats' out")]
    [InlineData(", seeds: [1, 2, 1]", "study.yaml:2:72: seed 1 is listed twice in 'seeds'")]
    [InlineData(", seeds: []", "'seeds' is empty")]
    [InlineData(", seeds: random", "'seeds' must be a list of integers or 'generate', got 'random'; write seeds: [1, 2, 3] (one per run), or seeds: generate")]
    [InlineData(", seeds: [1.5]", "a seed")]
    [InlineData(", aggregate: avg", "unknown aggregate 'avg'")]
    [InlineData(", aggregate: meen", "unknown aggregate 'meen'; did you mean 'mean'? allowed: mean, median, min, max")]
    [InlineData(", repeats: many", "'repeats'")]
    public void Parse_BadRepeatKey_NamesTheProblem(string extra, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(extra));

        error.Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData(", repeats: 2", "'repeats' applies only to a command objective")]
    [InlineData(", seeds: [1]", "'seeds' applies only to a command objective")]
    [InlineData(", aggregate: max", "'aggregate' applies only to a command objective")]
    public void Parse_RepeatKeysForACallable_AreRefused(string extra, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(extra, "callable: \"a.dll:N.T.M\""));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_ParameterNamedSeedWithRunSeeds_IsRefused()
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(", seeds: generate", space: "seed: { type: int, low: 0, high: 9 }"));

        error.Message.ShouldContain("the space has a parameter 'seed', but with 'repeats' or 'seeds' each run gets its own seed");
    }

    [Fact]
    public void Parse_ParameterNamedSeedWithoutRunSeeds_IsAnOrdinaryParameter() =>
        Parse("", space: "seed: { type: int, low: 0, high: 9 }").Space.Find("seed").ShouldNotBeNull();

    [Fact]
    public void Parse_RepeatsWithThePopulationStrategy_IsRefused()
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(", repeats: 2", top: "strategy: pbt\n"));

        error.Message.ShouldContain("'repeats' cannot be combined with the population strategy");
    }

    [Fact]
    public void Parse_RunsCsvMetrics_AreReadInOrder() =>
        Parse("", top: "outputs: { runs_csv: { metrics: [val_acc, loss, epoch_time] } }\n").RunsCsvMetrics.ShouldBe(["val_acc", "loss", "epoch_time"]);

    [Fact]
    public void Parse_EmptyRunsCsvMetrics_MeansNoMetricColumns() =>
        Parse("", top: "outputs: { runs_csv: { metrics: [] } }\n").RunsCsvMetrics.ShouldBe([]);

    [Fact]
    public void Parse_NoOutputs_KeepsEveryMetricColumn() => Parse("").RunsCsvMetrics.ShouldBeNull();

    [Theory]
    [InlineData("outputs: { runs_cvs: {} }", "unknown key 'runs_cvs' in 'outputs'; did you mean 'runs_csv'?")]
    [InlineData("outputs: { runs_csv: { metric: [a] } }", "unknown key 'metric' in 'outputs.runs_csv'; did you mean 'metrics'?")]
    [InlineData("outputs: { runs_csv: { metrics: val_loss } }", "'metrics' in 'outputs.runs_csv' must be a list")]
    [InlineData("outputs: { runs_csv: { metrics: [a, a] } }", "metric 'a' is listed twice in 'outputs.runs_csv.metrics'")]
    [InlineData("outputs: { runs_csv: { metrics: [step] } }", "'step' cannot be a metric name")]
    public void Parse_BadOutputs_NamesTheKey(string top, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse("", top: top + "\n"));

        error.Message.ShouldContain(expected);
    }
}
