using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Tests.SearchSpaces;

public class SearchSpaceTests
{
    private static readonly CategoricalDistribution Optimizers = new(["adam", "sgd"]);

    private static SearchSpace OptimizerSpace() => new(
        [
            new ParameterSpec("momentum", new FloatDistribution(0, 0.9, step: 0.3), Condition.Equal("opt", "sgd")),
            new ParameterSpec("opt", Optimizers),
            new ParameterSpec("lr", new FloatDistribution(0.001, 0.1, log: true)),
        ]);

    [Fact]
    public void Parameters_AreOrderedAfterThoseTheirConditionsRead() =>
        OptimizerSpace().Parameters.Select(p => p.Name).ShouldBe(["opt", "momentum", "lr"]);

    [Fact]
    public void Sample_ConditionalParameter_PresentOnlyWhenConditionHolds()
    {
        SearchSpace space = OptimizerSpace();
        for (int seed = 0; seed < 50; seed++)
        {
            var rng = new RandomStream((ulong)seed);
            var chosen = space.Sample((_, d, _) => Vernier.Samplers.RandomSampler.Draw(rng, d));
            chosen.ContainsKey("momentum").ShouldBe((string)chosen["opt"].Value! == "sgd");
        }
    }

    [Fact]
    public void Sample_FixedValueUnderCondition_OverridesTheDraw()
    {
        var space = new SearchSpace(
            [new ParameterSpec("opt", Optimizers), new ParameterSpec("momentum", new FloatDistribution(0, 0.99))],
            [new FixedValue(Condition.Equal("opt", "adam"), "momentum", 0.0)]);
        var adam = space.Sample((name, d, _) => name == "opt" ? 0 : 0.5);
        adam["momentum"].Value.ShouldBe(0.0);
        var sgd = space.Sample((name, d, _) => name == "opt" ? 1 : 0.5);
        sgd["momentum"].Value.ShouldBe(0.5);
    }

    [Fact]
    public void FindViolation_MatchesForbiddenCombinationOnly()
    {
        var space = new SearchSpace(
            [new ParameterSpec("opt", Optimizers), new ParameterSpec("lr", new FloatDistribution(0.001, 1))],
            [new ForbiddenCombination(Condition.All(Condition.Equal("opt", "sgd"), Condition.Compare("lr", Comparison.GreaterThan, 0.5)))]);
        space.FindViolation(new Dictionary<string, object?> { ["opt"] = "sgd", ["lr"] = 0.7 }).ShouldNotBeNull();
        space.FindViolation(new Dictionary<string, object?> { ["opt"] = "adam", ["lr"] = 0.7 }).ShouldBeNull();
        space.FindViolation(new Dictionary<string, object?> { ["opt"] = "sgd", ["lr"] = 0.3 }).ShouldBeNull();
    }

    [Theory]
    [InlineData("dup")]
    [InlineData("unknown-condition")]
    [InlineData("impossible-value")]
    [InlineData("cycle")]
    [InlineData("fixed-outside")]
    [InlineData("fixed-unknown")]
    [InlineData("compare-categorical")]
    public void Constructor_InconsistentSpace_ThrowsNamingTheProblem(string problem)
    {
        var (build, message) = problem switch
        {
            "dup" => ((Func<SearchSpace>)(() => new SearchSpace([new("a", Optimizers), new("a", Optimizers)])), "parameter 'a' is declared more than once."),
            "unknown-condition" => (() => new SearchSpace([new("m", new FloatDistribution(0, 1), Condition.Equal("opt", "sgd"))]),
                "the condition of parameter 'm' reads 'opt', which is not a declared parameter."),
            "impossible-value" => (() => new SearchSpace([new("opt", Optimizers), new("m", new FloatDistribution(0, 1), Condition.Equal("opt", "rmsprop"))]),
                "the condition of parameter 'm' compares 'opt' with rmsprop, which 'opt' can never take (categorical[adam, sgd])."),
            "cycle" => (() => new SearchSpace([new("a", Optimizers, Condition.Equal("b", "adam")), new("b", Optimizers, Condition.Equal("a", "adam"))]),
                "conditions form a cycle: a -> b -> a."),
            "fixed-outside" => (() => new SearchSpace([new("opt", Optimizers), new("m", new FloatDistribution(0.1, 1))], [new FixedValue(Condition.Equal("opt", "adam"), "m", 0.0)]),
                "constraint 'opt == adam -> m = 0': 0 is outside float[0.1, 1]."),
            "fixed-unknown" => (() => new SearchSpace([new("opt", Optimizers)], [new FixedValue(Condition.Equal("opt", "adam"), "m", 0.0)]),
                "constraint 'opt == adam -> m = 0' fixes 'm', which is not a declared parameter."),
            _ => (() => new SearchSpace([new("opt", Optimizers)], [new ForbiddenCombination(Condition.Compare("opt", Comparison.GreaterThan, 1))]),
                "constraint 'forbid opt > 1' compares the categorical 'opt' with a number; use == or in."),
        };
        Should.Throw<ArgumentException>(build).Message.ShouldBe(message);
    }

    [Fact]
    public void EnumerateGrid_NormalParameter_IsRefusedEvenWithAStep()
    {
        var space = new SearchSpace([new ParameterSpec("init", new NormalDistribution(0, 1, step: 0.5)), new ParameterSpec("opt", Optimizers)]);
        Should.Throw<ArgumentException>(() => space.EnumerateGrid()).Message
            .ShouldBe("grid search needs a finite set of values, but 'init' is an unbounded normal(mean 0, std 1) step 0.5: make it a stepped float or categorical.");
    }

    [Fact]
    public void EnumerateGrid_ConditionalSpace_OnlyActiveCombinations()
    {
        Should.Throw<ArgumentException>(() => OptimizerSpace().EnumerateGrid()).Message
            .ShouldBe("grid search needs a finite set of values, but 'lr' is a continuous float[0.001, 0.1] log: give it a step, or make it categorical.");

        var space = new SearchSpace(
            [
                new ParameterSpec("opt", Optimizers),
                new ParameterSpec("momentum", new FloatDistribution(0, 0.9, step: 0.3), Condition.Equal("opt", "sgd")),
                new ParameterSpec("layers", new IntDistribution(1, 3)),
            ]);
        GridEnumeration result = space.EnumerateGrid();
        result.Points.Length.ShouldBe(3 + 4 * 3); // adam × 3 layers + sgd × 4 momenta × 3 layers
        result.Points.ShouldAllBe(p => p.ContainsKey("momentum") == ((string)p["opt"].Value! == "sgd"));
    }

    [Fact]
    public void EnumerateGrid_Constraints_SkipForbiddenAndMergeFixed()
    {
        var space = new SearchSpace(
            [
                new ParameterSpec("opt", Optimizers),
                new ParameterSpec("momentum", new FloatDistribution(0, 0.9, step: 0.3)),
                new ParameterSpec("batch", new CategoricalDistribution([16, 32])),
            ],
            [
                new FixedValue(Condition.Equal("opt", "adam"), "momentum", 0.0),
                new ForbiddenCombination(Condition.All(Condition.Equal("opt", "sgd"), Condition.Equal("batch", 16))),
            ]);
        GridEnumeration result = space.EnumerateGrid();
        // adam: momentum fixed to 0 → 2 batches; 4 momenta collapse into 1 (6 merged). sgd: batch 16 forbidden (4 removed) → 4 points.
        result.Points.Length.ShouldBe(2 + 4);
        result.RewrittenCount.ShouldBe(6);
        result.ForbiddenCount.ShouldBe(4);
    }

    [Fact]
    public void Validate_ReportsEveryProblem()
    {
        var space = new SearchSpace(
            [new ParameterSpec("opt", Optimizers), new ParameterSpec("momentum", new FloatDistribution(0, 0.9), Condition.Equal("opt", "sgd"))]);
        space.Validate(new Dictionary<string, object?> { ["opt"] = "adam", ["momentum"] = 0.5, ["x"] = 1 })
            .ShouldBe(["'momentum' is given but only exists when opt == sgd.", "'x' is not a parameter of the search space."]);
        space.Validate(new Dictionary<string, object?> { ["opt"] = "sgd" }).ShouldBe(["'momentum' is missing."]);
        space.Validate(new Dictionary<string, object?> { ["opt"] = "sgd", ["momentum"] = 0.5 }).ShouldBeEmpty();
    }
}
