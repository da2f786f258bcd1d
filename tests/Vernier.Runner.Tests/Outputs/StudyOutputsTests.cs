using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Runner.Tests.Support.TrialFactory;

namespace Vernier.Runner.Tests.Outputs;

public sealed class StudyOutputsTests : IDisposable
{
    private const string MessyReason = "exited with code 1; last lines of stderr:\n  \"oops\", said the script, then\r\n  bye, \"\"done\"\"";

    private static readonly FloatDistribution Lr = new(1e-4, 1, log: true);
    private static readonly IntDistribution Layers = new(1, 8);
    private static readonly CategoricalDistribution Opt = new(["adam", "sgd"]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void BestJson_SingleObjective_DescribesTheBestCompleteTrial()
    {
        FrozenTrial[] trials =
        [
            Complete(0, 0.7, P("lr", Lr, 0.1)),
            Trial(1, TrialState.Failed, P("lr", Lr, 0.001)),
            Complete(2, 0.25, P("lr", Lr, 0.01), P("opt", Opt, "adam"), P("layers", Layers, 3L)),
            Trial(3, TrialState.Running),
            Complete(4, 0.5, P("lr", Lr, 0.5)),
        ];

        JsonObject best = StudyOutputs.BestJson("mlp", [StudyDirection.Minimize], trials, ["val_loss"]);

        best.ToJsonString().ShouldBe("""
            {"study":"mlp","direction":"minimize","metric":"val_loss","trial_number":2,"value":0.25,
            "params":{"layers":3,"lr":0.01,"opt":"adam"},"complete_trials":3,"total_trials":5}
            """.ReplaceLineEndings(""));
    }

    [Fact]
    public void BestJson_Maximize_TakesTheLargestValue()
    {
        FrozenTrial[] trials = [Complete(0, 0.7), Complete(1, 0.9), Complete(2, -1)];

        JsonObject best = StudyOutputs.BestJson("s", [StudyDirection.Maximize], trials);

        best["trial_number"]!.GetValue<int>().ShouldBe(1);
        best["value"]!.GetValue<double>().ShouldBe(0.9);
        best["direction"]!.GetValue<string>().ShouldBe("maximize");
    }

    [Fact]
    public void BestJson_Tie_GoesToTheLowestTrialNumber()
    {
        FrozenTrial[] trials = [Complete(3, 0.5), Complete(0, 1.0), Complete(2, 0.5), Complete(1, 0.5)];

        StudyOutputs.BestJson("s", [StudyDirection.Minimize], trials)["trial_number"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public void BestJson_NoCompleteTrial_GivesNulls()
    {
        FrozenTrial[] trials = [Trial(0, TrialState.Failed), Trial(1, TrialState.Pruned) with { IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(0, 0.1) }];

        StudyOutputs.BestJson("s", [StudyDirection.Maximize], trials).ToJsonString().ShouldBe(
            """{"study":"s","direction":"maximize","metric":null,"trial_number":null,"value":null,"params":null,"complete_trials":0,"total_trials":2}""");
    }

    [Fact]
    public void BestJson_MultiObjective_ListsTheParetoFrontInNumberOrder()
    {
        FrozenTrial[] trials =
        [
            Complete(0, 0) with { Values = [1.0, 0.5] },                            // dominated by 1
            Complete(1, 0, P("opt", Opt, "sgd")) with { Values = [0.5, 0.5] },
            Complete(2, 0) with { Values = [0.8, 0.9] },                            // better accuracy, worse loss
            Complete(3, 0) with { Values = [0.5, 0.5] },                            // ties 1: neither dominates
            Complete(4, 0) with { Values = [0.5, 0.4] },                            // dominated by 1
            Trial(5, TrialState.Failed),
        ];

        JsonObject best = StudyOutputs.BestJson("mo", [StudyDirection.Minimize, StudyDirection.Maximize], trials, ["loss", "acc"]);

        best.ToJsonString().ShouldBe("""
            {"study":"mo","directions":["minimize","maximize"],"metrics":["loss","acc"],"best_trials":[
            {"trial_number":1,"values":[0.5,0.5],"params":{"opt":"sgd"}},
            {"trial_number":2,"values":[0.8,0.9],"params":{}},
            {"trial_number":3,"values":[0.5,0.5],"params":{}}],
            "complete_trials":5,"total_trials":6}
            """.ReplaceLineEndings(""));
    }

    [Fact]
    public void BestJson_MultiObjectiveWithoutCompleteTrials_HasAnEmptyFrontAndNullMetrics()
    {
        StudyOutputs.BestJson("mo", [StudyDirection.Minimize, StudyDirection.Minimize], [Trial(0, TrialState.Running)]).ToJsonString().ShouldBe(
            """{"study":"mo","directions":["minimize","minimize"],"metrics":null,"best_trials":[],"complete_trials":0,"total_trials":1}""");
    }

    [Fact]
    public void WriteRunsCsv_WritesOneColumnPerParameterAndMetricAndOneRowPerTrial()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, RunsFixture(), objectiveCount: 1);

        Csv.Parse(writer.ToString()).ShouldBe(
        [
            ["number", "state", "value", "layers", "lr", "opt", "metric_acc", "metric_val_loss", "last_step", "last_intermediate_value", "duration_s", "started_at", "completed_at", "fail_reason"],
            ["0", "complete", "0.5", "", "0.01", "adam", "0.9", "0.5", "3", "0.6", "1.5", "2026-03-01T12:00:00.0000000+00:00", "2026-03-01T12:00:01.5000000+00:00", ""],
            ["1", "failed", "", "3", "0.1", "", "", "", "", "", "0.25", "2026-03-01T12:01:00.0000000+00:00", "2026-03-01T12:01:00.2500000+00:00", MessyReason],
            ["2", "running", "", "", "", "", "", "", "", "", "", "2026-03-01T12:02:00.0000000+00:00", "", ""],
            ["3", "pruned", "", "", "", "sgd", "0.1", "", "1", "NaN", "", "", "", ""],
        ]);
    }

    [Fact]
    public void WriteRunsCsv_ChosenMetricColumns_AreTheOnlyOnesInTheirOrderAndAnUnknownOneIsEmpty()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, RunsFixture(), objectiveCount: 1, metricColumns: ["val_loss", "f1", "acc"]);

        List<string[]> rows = Csv.Parse(writer.ToString());
        rows[0][6..9].ShouldBe(["metric_val_loss", "metric_f1", "metric_acc"]);
        rows[0][9].ShouldBe("last_step");
        rows.Select(r => string.Join("|", r[6..9])).Skip(1).ShouldBe(["0.5||0.9", "||", "||", "||0.1"]);
    }

    [Fact]
    public void WriteRunsCsv_NoMetricColumnsChosen_LeavesThemOut()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, RunsFixture(), objectiveCount: 1, metricColumns: []);

        Csv.Parse(writer.ToString())[0].ShouldNotContain(h => h.StartsWith("metric_", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteRunsCsv_FailReasonWithCommasQuotesAndNewlines_IsQuotedPerRfc4180()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, [Trial(0, TrialState.Failed) with { FailReason = MessyReason }], objectiveCount: 1);

        string text = writer.ToString();
        text.ShouldContain("\"exited with code 1; last lines of stderr:\n  \"\"oops\"\", said the script, then\r\n  bye, \"\"\"\"done\"\"\"\"\"");
        List<string[]> records = Csv.Parse(text);
        records.Count.ShouldBe(2);
        records[1][^1].ShouldBe(MessyReason);
        records[1].Length.ShouldBe(records[0].Length);
    }

    [Fact]
    public void WriteRunsCsv_SeveralObjectives_HasOneValueColumnEach()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, [Complete(0, 0) with { Values = [1.5, -2] }, Trial(1, TrialState.Failed)], objectiveCount: 2);

        List<string[]> records = Csv.Parse(writer.ToString());
        records[0][..4].ShouldBe(["number", "state", "value_0", "value_1"]);
        records[1][..4].ShouldBe(["0", "complete", "1.5", "-2"]);
        records[2][..4].ShouldBe(["1", "failed", "", ""]);
    }

    [Fact]
    public void WriteRunsCsv_NoTrials_WritesTheHeaderOnly()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteRunsCsv(writer, [], objectiveCount: 1);

        Csv.Parse(writer.ToString()).ShouldBe(
            [["number", "state", "value", "last_step", "last_intermediate_value", "duration_s", "started_at", "completed_at", "fail_reason"]]);
    }

    [Fact]
    public void WriteTrialsJsonl_WritesOneTrialJsonObjectPerLine()
    {
        FrozenTrial[] trials = RunsFixture();
        var writer = new StringWriter(CultureInfo.InvariantCulture);

        StudyOutputs.WriteTrialsJsonl(writer, trials);

        string text = writer.ToString();
        text.ShouldEndWith("\n");
        string[] lines = text[..^1].Split('\n');
        lines.Length.ShouldBe(trials.Length);
        for (int i = 0; i < trials.Length; i++)
        {
            lines[i].ShouldBe(TrialJson.ToJson(trials[i]).ToJsonString());
            TrialJson.FromJson(JsonNode.Parse(lines[i])!.AsObject()).ShouldEqualTrial(trials[i]);
        }
    }

    [Fact]
    public void MetricsOf_ReadsNumbersAndNamedNonFiniteValuesFromTheMetricsAttributeAndIgnoresTheRest()
    {
        FrozenTrial trial = Trial(0, TrialState.Complete) with { UserAttributes = Attributes("""{"metrics": {"acc": 0.9, "note": "x", "n": 3}, "acc": 1}""") };

        StudyOutputs.MetricsOf(trial).ShouldBe(new Dictionary<string, double> { ["acc"] = 0.9, ["n"] = 3 }, ignoreOrder: true);
        FrozenTrial nonFinite = Trial(3, TrialState.Complete) with { UserAttributes = Attributes("""{"metrics": {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": "0.5"}}""") };
        StudyOutputs.MetricsOf(nonFinite).ShouldBe(
            new Dictionary<string, double> { ["a"] = double.NaN, ["b"] = double.PositiveInfinity, ["c"] = double.NegativeInfinity }, ignoreOrder: true);
        StudyOutputs.MetricsOf(Trial(1, TrialState.Complete) with { UserAttributes = Attributes("""{"metrics": [1, 2]}""") }).ShouldBeEmpty();
        StudyOutputs.MetricsOf(Trial(2, TrialState.Complete)).ShouldBeEmpty();
    }

    [Fact]
    public async Task WriteAllAsync_WritesBestJsonRunsCsvAndTrialsJsonl()
    {
        FrozenTrial[] trials = RunsFixture();
        string folder = _temp.Combine("out", "nested");

        await StudyOutputs.WriteAllAsync(folder, "mlp", [StudyDirection.Minimize], trials, ["val_loss"]);

        Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["best.json", "runs.csv", "trials.jsonl"]);
        string best = await File.ReadAllTextAsync(Path.Combine(folder, "best.json"));
        best.ShouldEndWith("}\n");
        best.ShouldContain("\n  \"study\": \"mlp\",\n"); // indented for people
        JsonNode.DeepEquals(JsonNode.Parse(best), StudyOutputs.BestJson("mlp", [StudyDirection.Minimize], trials, ["val_loss"])).ShouldBeTrue();

        var csv = new StringWriter(CultureInfo.InvariantCulture);
        StudyOutputs.WriteRunsCsv(csv, trials, 1);
        (await File.ReadAllTextAsync(Path.Combine(folder, "runs.csv"))).ShouldBe(csv.ToString());

        var jsonl = new StringWriter(CultureInfo.InvariantCulture);
        StudyOutputs.WriteTrialsJsonl(jsonl, trials);
        (await File.ReadAllTextAsync(Path.Combine(folder, "trials.jsonl"))).ShouldBe(jsonl.ToString());
    }

    [Fact]
    public async Task WriteAllAsync_BestPathGiven_PutsBestJsonThereOnly()
    {
        string folder = _temp.Combine("out");
        string bestPath = _temp.Combine("elsewhere", "my-best.json");

        await StudyOutputs.WriteAllAsync(folder, "s", [StudyDirection.Minimize], [Complete(0, 1.5)], bestPath: bestPath);

        Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["runs.csv", "trials.jsonl"]);
        JsonNode.Parse(await File.ReadAllTextAsync(bestPath))!["value"]!.GetValue<double>().ShouldBe(1.5);
    }

    [Fact]
    public async Task WriteAllAsync_SecondCall_ReplacesTheFilesAndLeavesNoTemporaryFiles()
    {
        string folder = _temp.Combine("out");
        await StudyOutputs.WriteAllAsync(folder, "s", [StudyDirection.Minimize], RunsFixture());

        await StudyOutputs.WriteAllAsync(folder, "s", [StudyDirection.Minimize], [Complete(0, 2)]);

        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["best.json", "runs.csv", "trials.jsonl"]);
        (await File.ReadAllLinesAsync(Path.Combine(folder, "trials.jsonl"))).Length.ShouldBe(1);
        Csv.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "runs.csv"))).Count.ShouldBe(2);
    }

    private static FrozenTrial[] RunsFixture() =>
    [
        Complete(0, 0.5, P("lr", Lr, 0.01), P("opt", Opt, "adam")) with
        {
            UserAttributes = Attributes("""{"metrics": {"val_loss": 0.5, "acc": 0.9}}"""),
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(0, 0.8).Add(3, 0.6),
        },
        Trial(1, TrialState.Failed, P("lr", Lr, 0.1), P("layers", Layers, 3L)) with
        {
            StartedAt = T0.AddMinutes(1),
            CompletedAt = T0.AddMinutes(1).AddSeconds(0.25),
            FailReason = MessyReason,
        },
        Trial(2, TrialState.Running) with { StartedAt = T0.AddMinutes(2) },
        Trial(3, TrialState.Pruned, P("opt", Opt, "sgd")) with
        {
            UserAttributes = Attributes("""{"metrics": {"acc": 0.1, "note": "not a number"}}"""),
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(1, double.NaN),
        },
    ];
}
