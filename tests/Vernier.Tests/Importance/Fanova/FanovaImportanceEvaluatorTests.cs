using Vernier.Distributions;
using Vernier.Importance;
using Vernier.Importance.Fanova;
using Vernier.Trials;
using static Vernier.Tests.Importance.Fanova.SyntheticStudy;

namespace Vernier.Tests.Importance.Fanova;

public class FanovaImportanceEvaluatorTests
{
    private static readonly FloatDistribution Unit = new(0, 1);

    private static IReadOnlyList<ParameterImportance> Evaluate(IReadOnlyList<FrozenTrial> trials, ulong seed = 0, int trees = 32) =>
        new FanovaImportanceEvaluator(new FanovaOptions { Seed = seed, Trees = trees }).Evaluate(new ImportanceRequest { Trials = trials });

    private static string[] Ranking(IReadOnlyList<ParameterImportance> importances) => [.. importances.Select(p => p.Name)];

    [Fact]
    public void Evaluate_DominantParameterFirst_NoEffectParameterLast()
    {
        var trials = Draw(200, [("big", Unit), ("none", Unit), ("small", Unit)],
            v => [10 * Number(v, "big") * Number(v, "big") + Number(v, "small")]);

        var importances = Evaluate(trials);

        Ranking(importances).ShouldBe(["big", "small", "none"]);
        importances[0].Importance.ShouldBeGreaterThan(0.8);
        importances[^1].Importance.ShouldBeLessThan(0.05);
        importances.Sum(p => p.Importance).ShouldBe(1, 1e-9);
    }

    [Fact]
    public void Evaluate_LogScaleParameter_IsMeasuredOnItsLogScale()
    {
        // The effect lives in the lower decades, which a linear measure would nearly ignore.
        var trials = Draw(200, [("lr", new FloatDistribution(1e-5, 1e-1, log: true)), ("momentum", Unit), ("seed", Unit)],
            v => [Math.Pow(Math.Log10(Number(v, "lr")) + 4, 2) + 0.5 * Number(v, "momentum")]);

        Ranking(Evaluate(trials)).ShouldBe(["lr", "momentum", "seed"]);
    }

    [Fact]
    public void Evaluate_IntParameter_RanksByItsEffect()
    {
        var trials = Draw(200, [("layers", new IntDistribution(1, 8)), ("noise", Unit), ("width", new IntDistribution(16, 256))],
            v => [Math.Abs(Number(v, "layers") - 3) + 0.002 * Number(v, "width")]);

        Ranking(Evaluate(trials)).ShouldBe(["layers", "width", "noise"]);
    }

    [Fact]
    public void Evaluate_CategoricalParameter_RanksByItsEffect()
    {
        var optimizers = new CategoricalDistribution(["sgd", "adam", "rmsprop", "adagrad"]);
        double[] penalty = [4, 0, 1, 3];
        var trials = Draw(200, [("optimizer", optimizers), ("dropout", Unit), ("unused", new CategoricalDistribution([true, false]))],
            v => [penalty[optimizers.IndexOf(v["optimizer"])] + Number(v, "dropout")]);

        var importances = Evaluate(trials);

        Ranking(importances).ShouldBe(["optimizer", "dropout", "unused"]);
        importances[^1].Importance.ShouldBeLessThan(0.05);
    }

    [Fact]
    public void Evaluate_ConditionalParameterInHalfTheTrials_GetsItsShare()
    {
        // depth exists only for the tree model, in about half the trials (mean 2 there, against 3 for linear); noise does nothing.
        var model = new CategoricalDistribution(["linear", "tree"]);
        var trials = Draw(300, [("model", model), ("depth", Unit), ("noise", Unit)],
            v => [v["model"] is "tree" ? 4 * Number(v, "depth") : 3],
            present: (v, name) => name != "depth" || v["model"] is "tree");
        trials.Count(t => t.Parameters.ContainsKey("depth")).ShouldBeInRange(100, 200);

        var importances = Evaluate(trials);

        Ranking(importances)[^1].ShouldBe("noise");
        importances.Single(p => p.Name == "depth").Importance.ShouldBeGreaterThan(0.3);
        importances.Single(p => p.Name == "noise").Importance.ShouldBeLessThan(0.05);
    }

    [Fact]
    public void Evaluate_ObjectiveIndex_RanksForThatObjective()
    {
        var trials = Draw(150, [("x", Unit), ("z", Unit)], v => [Number(v, "x"), 3 * Number(v, "z")]);
        var evaluator = new FanovaImportanceEvaluator(new FanovaOptions { Trees = 16 });

        evaluator.Evaluate(new ImportanceRequest { Trials = trials, ObjectiveIndex = 0 })[0].Name.ShouldBe("x");
        evaluator.Evaluate(new ImportanceRequest { Trials = trials, ObjectiveIndex = 1 })[0].Name.ShouldBe("z");
    }

    [Fact]
    public void Evaluate_TargetFunction_RanksForTheTarget()
    {
        var trials = Draw(150, [("x", Unit), ("z", Unit)], v => [Number(v, "x")]);
        var evaluator = new FanovaImportanceEvaluator(new FanovaOptions { Trees = 16 });

        var importances = evaluator.Evaluate(new ImportanceRequest { Trials = trials, Target = t => (double)t.Params["z"]! });

        importances[0].Name.ShouldBe("z");
    }

    [Fact]
    public void Evaluate_ParameterSubset_RanksOnlyThoseParameters()
    {
        var trials = Draw(100, [("a", Unit), ("b", Unit), ("c", Unit)], v => [Number(v, "a") + 2 * Number(v, "c")]);
        var evaluator = new FanovaImportanceEvaluator(new FanovaOptions { Trees = 16 });

        var importances = evaluator.Evaluate(new ImportanceRequest { Trials = trials, Parameters = ["a", "b"] });

        Ranking(importances).ShouldBe(["a", "b"]);
        importances.Sum(p => p.Importance).ShouldBe(1, 1e-9);
    }

    [Fact]
    public void Evaluate_SameSeed_GivesTheSameImportances()
    {
        var trials = Draw(120, [("a", Unit), ("b", Unit), ("c", new CategoricalDistribution(["p", "q", "r"]))],
            v => [Number(v, "a") * Number(v, "b") + (v["c"] is "q" ? 0.5 : 0)]);

        Evaluate(trials, seed: 7).ShouldBe(Evaluate(trials, seed: 7));
        Evaluate(trials, seed: 7).ShouldNotBe(Evaluate(trials, seed: 8));
    }

    [Fact]
    public void Evaluate_UnknownParameter_ThrowsNamingIt()
    {
        var trials = Draw(20, [("a", Unit)], v => [Number(v, "a")]);

        var error = Should.Throw<ArgumentException>(() =>
            new FanovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = trials, Parameters = ["a", "learning_rate"] }));

        error.Message.ShouldContain("learning_rate");
    }

    [Fact]
    public void Evaluate_FewerThanTwoCompleteTrials_GivesZeros()
    {
        var trials = Draw(3, [("a", Unit), ("b", Unit)], v => [Number(v, "a")]);
        trials = [trials[0], trials[1] with { State = TrialState.Failed, Values = [] }, trials[2] with { State = TrialState.Pruned }];

        var importances = new FanovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = trials });

        importances.Select(p => p.Name).Order().ShouldBe(["a", "b"]);
        importances.ShouldAllBe(p => p.Importance == 0);
    }

    [Fact]
    public void Evaluate_ConstantTarget_GivesZeros()
    {
        var trials = Draw(50, [("a", Unit), ("b", Unit)], _ => [1.5]);

        new FanovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = trials }).ShouldAllBe(p => p.Importance == 0);
    }

    [Fact]
    public void Evaluate_CancelledToken_Throws()
    {
        var trials = Draw(50, [("a", Unit)], v => [Number(v, "a")]);

        Should.Throw<OperationCanceledException>(() =>
            new FanovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = trials }, new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(nameof(FanovaOptions.Trees))]
    [InlineData(nameof(FanovaOptions.MaxDepth))]
    [InlineData(nameof(FanovaOptions.MinSamplesSplit))]
    [InlineData(nameof(FanovaOptions.MinSamplesLeaf))]
    [InlineData(nameof(FanovaOptions.MaxFeatures))]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(string option)
    {
        var options = new FanovaOptions();
        switch (option)
        {
            case nameof(FanovaOptions.Trees): options.Trees = 0; break;
            case nameof(FanovaOptions.MaxDepth): options.MaxDepth = 0; break;
            case nameof(FanovaOptions.MinSamplesSplit): options.MinSamplesSplit = 1; break;
            case nameof(FanovaOptions.MinSamplesLeaf): options.MinSamplesLeaf = 0; break;
            default: options.MaxFeatures = 1.5; break;
        }

        Should.Throw<ArgumentOutOfRangeException>(() => new FanovaImportanceEvaluator(options)).Message.ShouldContain(option);
    }

    [Fact]
    public void Options_Defaults_MirrorOptuna()
    {
        var options = new FanovaOptions();

        (options.Trees, options.MaxDepth, options.MinSamplesSplit, options.MinSamplesLeaf, options.MaxFeatures, options.Bootstrap, options.Seed)
            .ShouldBe((64, 64, 2, 1, 1.0, true, 0UL));
    }
}
