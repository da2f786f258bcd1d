using Vernier.Distributions;
using Vernier.Importance;
using Vernier.Importance.PedAnova;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Tests.Importance.PedAnova.SyntheticTrials;

namespace Vernier.Tests.Importance.PedAnova;

public class PedAnovaImportanceEvaluatorTests
{
    private static readonly FloatDistribution Wide = new(-5, 5);

    private static IReadOnlyList<ParameterImportance> Evaluate(
        IReadOnlyList<FrozenTrial> trials,
        StudyDirection direction = StudyDirection.Minimize,
        PedAnovaOptions? options = null,
        IReadOnlyList<string>? parameters = null) =>
        new PedAnovaImportanceEvaluator(options ?? new PedAnovaOptions())
            .Evaluate(new ImportanceRequest { Trials = trials, Direction = direction, Parameters = parameters });

    private static List<FrozenTrial> Quadratic(int count = 300, ulong seed = 1) => Make(
        count,
        r => new() { ["x"] = Float(r, Wide), ["y"] = Float(r, Wide), ["z"] = Float(r, Wide) },
        p => [(double)p["x"] * (double)p["x"] + (0.1 * (double)p["y"] * (double)p["y"])],
        seed);

    [Fact]
    public void Evaluate_DominantParameterFirst_NoEffectParameterLast()
    {
        IReadOnlyList<ParameterImportance> result = Evaluate(Quadratic());

        result.Select(p => p.Name).ShouldBe(["x", "y", "z"]);
        result[0].Importance.ShouldBeGreaterThan(0.6);
        result[2].Importance.ShouldBeLessThan(0.1);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Evaluate_ImportancesAreNonNegative_SumToOne_AndSortedDescending(ulong seed)
    {
        IReadOnlyList<ParameterImportance> result = Evaluate(Quadratic(120, seed));

        result.ShouldAllBe(p => p.Importance >= 0);
        result.Sum(p => p.Importance).ShouldBe(1, 1e-12);
        result.Select(p => p.Importance).ShouldBe(result.Select(p => p.Importance).OrderDescending());
    }

    [Fact]
    public void Evaluate_LogScaleParameter_IsJudgedOnTheLogScale()
    {
        // The optimum is at 1e-3: on a linear scale every good value is crowded into the bottom 0.1% of the range.
        var lr = new FloatDistribution(1e-6, 1, log: true);
        List<FrozenTrial> trials = Make(
            200,
            r => new() { ["lr"] = Float(r, lr), ["noise"] = Float(r, Unit) },
            p => [Math.Pow(Math.Log10((double)p["lr"]) + 3, 2)]);

        IReadOnlyList<ParameterImportance> result = Evaluate(trials);

        result[0].Name.ShouldBe("lr");
        result[0].Importance.ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void Evaluate_IntegerParameter_IsComparedAtEachValue()
    {
        var units = new IntDistribution(1, 8);
        List<FrozenTrial> trials = Make(
            200,
            r => new() { ["units"] = Int(r, units), ["noise"] = Float(r, Unit) },
            p => [Math.Pow((long)p["units"] - 6, 2) + (0.5 * (double)p["noise"])]);

        IReadOnlyList<ParameterImportance> result = Evaluate(trials);

        result.Select(p => p.Name).ShouldBe(["units", "noise"]);
        result[0].Importance.ShouldBeGreaterThan(0.7);
    }

    [Fact]
    public void Evaluate_CategoricalParameter_IsComparedByChoiceFrequencies()
    {
        var optimizer = new CategoricalDistribution(["sgd", "adam", "rmsprop"]);
        List<FrozenTrial> trials = Make(
            200,
            r => new() { ["optimizer"] = Choice(r, optimizer), ["noise"] = Float(r, Unit) },
            p => [(string)p["optimizer"] switch { "adam" => 0, "rmsprop" => 1, _ => 2 }]);

        IReadOnlyList<ParameterImportance> result = Evaluate(trials);

        result.Select(p => p.Name).ShouldBe(["optimizer", "noise"]);
        result[0].Importance.ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void Evaluate_ConditionalParameter_IsJudgedOnTheTrialsThatHaveIt()
    {
        // lr_sgd decides the result of the sgd trials; lr_adam has no effect on the adam trials.
        var optimizer = new CategoricalDistribution(["sgd", "adam"]);
        List<FrozenTrial> trials = Make(
            300,
            r =>
            {
                var p = new Dictionary<string, (ParameterDistribution, object)> { ["optimizer"] = Choice(r, optimizer) };
                p[(string)p["optimizer"].Item2 == "sgd" ? "lr_sgd" : "lr_adam"] = Float(r, Unit);
                return p;
            },
            p => [p.TryGetValue("lr_sgd", out object? lr) ? 10 * Math.Abs((double)lr - 0.3) : 1]);

        IReadOnlyList<ParameterImportance> result = Evaluate(trials);

        result.Select(p => p.Name).ShouldContain("lr_adam");
        result[0].Name.ShouldBe("lr_sgd");
        result.Single(p => p.Name == "lr_adam").Importance.ShouldBeLessThan(result.Single(p => p.Name == "lr_sgd").Importance / 5);
    }

    [Fact]
    public void Evaluate_Direction_DecidesWhichTrialsAreGood()
    {
        // Low values come from x < 0.5 (x decides them); high values from x ≥ 0.5 with a large y (y decides most).
        List<FrozenTrial> trials = Make(
            400,
            r => new() { ["x"] = Float(r, Unit), ["y"] = Float(r, Unit) },
            p => [(double)p["x"] < 0.5 ? 0.01 * (double)p["x"] : 1 + (double)p["y"]]);

        Evaluate(trials, StudyDirection.Minimize)[0].Name.ShouldBe("x");
        Evaluate(trials, StudyDirection.Maximize)[0].Name.ShouldBe("y");
    }

    [Fact]
    public void Evaluate_MaximizingAnObjective_EqualsMinimizingItsNegation()
    {
        List<FrozenTrial> trials = Quadratic(150);
        List<FrozenTrial> negated = [.. trials.Select(t => t with { Values = [-t.Values[0]] })];

        Evaluate(negated, StudyDirection.Maximize).ShouldBe(Evaluate(trials, StudyDirection.Minimize));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Evaluate_TooFewTrials_GivesAllZeros(int count)
    {
        IReadOnlyList<ParameterImportance> result = Evaluate(Quadratic(count));

        result.Count.ShouldBe(count == 0 ? 0 : 3);
        result.ShouldAllBe(p => p.Importance == 0);
    }

    [Fact]
    public void Evaluate_ConstantTarget_GivesAllZeros()
    {
        List<FrozenTrial> trials = [.. Quadratic(50).Select(t => t with { Values = [4.2] })];

        Evaluate(trials).ShouldAllBe(p => p.Importance == 0);
    }

    [Fact]
    public void Evaluate_ParameterThatNeverVaried_HasImportanceZero()
    {
        var fixedInt = new IntDistribution(3, 3);
        List<FrozenTrial> trials = Make(
            100,
            r => new() { ["x"] = Float(r, Unit), ["k"] = (fixedInt, 3L) },
            p => [(double)p["x"]]);

        IReadOnlyList<ParameterImportance> result = Evaluate(trials);

        result.Select(p => (p.Name, p.Importance)).ShouldBe([("x", 1.0), ("k", 0.0)]);
    }

    [Fact]
    public void Evaluate_IgnoresTrialsThatAreNotCompleteOrHaveNoFiniteValue()
    {
        List<FrozenTrial> trials = Quadratic(200);
        List<FrozenTrial> noisy =
        [
            .. trials,
            .. trials.Take(50).Select(t => t with { Number = t.Number + 1000, State = TrialState.Failed, Values = [] }),
            .. trials.Skip(50).Take(50).Select(t => t with { Number = t.Number + 2000, Values = [double.NaN] }),
        ];

        Evaluate(noisy).ShouldBe(Evaluate(trials));
    }

    [Fact]
    public void Evaluate_NamedParameters_RanksOnlyThose()
    {
        IReadOnlyList<ParameterImportance> result = Evaluate(Quadratic(), parameters: ["z", "y"]);

        result.Select(p => p.Name).ShouldBe(["y", "z"]);
        result.Sum(p => p.Importance).ShouldBe(1, 1e-12);
    }

    [Fact]
    public void Evaluate_UnknownParameter_Throws()
    {
        Should.Throw<ArgumentException>(() => Evaluate(Quadratic(20), parameters: ["w"])).Message.ShouldContain("'w'");
    }

    [Fact]
    public void Evaluate_OnTheWholeDeclaredRange_StillRanksTheDominantParameterFirst()
    {
        IReadOnlyList<ParameterImportance> result = Evaluate(Quadratic(), options: new PedAnovaOptions { EvaluateOnLocal = false });

        result.Select(p => p.Name).ShouldBe(["x", "y", "z"]);
    }

    [Fact]
    public void Evaluate_WithinTheBetterHalf_MeasuresWhatMattersThere()
    {
        // x separates the better half from the worse; within the better half only y matters.
        List<FrozenTrial> trials = Make(
            400,
            r => new() { ["x"] = Float(r, Unit), ["y"] = Float(r, Unit) },
            p => [((double)p["x"] < 0.5 ? 0 : 10) + (double)p["y"]]);

        double overall = Evaluate(trials).Single(p => p.Name == "x").Importance;
        double withinBetterHalf = Evaluate(trials, options: new PedAnovaOptions { RegionQuantile = 0.5 }).Single(p => p.Name == "x").Importance;

        overall.ShouldBeGreaterThan(0.1);
        withinBetterHalf.ShouldBeLessThan(0.05);
    }

    [Fact]
    public void Evaluate_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Should.Throw<OperationCanceledException>(() => new PedAnovaImportanceEvaluator()
            .Evaluate(new ImportanceRequest { Trials = Quadratic(20) }, cancelled.Token));
    }

    [Fact]
    public void Options_Defaults_MirrorOptuna()
    {
        var options = new PedAnovaOptions();

        (options.TargetQuantile, options.RegionQuantile, options.MinTopTrials, options.GridPoints, options.PriorWeight, options.EvaluateOnLocal)
            .ShouldBe((0.1, 1.0, 2, 50, 1.0, true));
    }

    [Theory]
    [InlineData(0.0, 1.0, 2, 50, 1.0, "TargetQuantile")]
    [InlineData(1.0, 1.0, 2, 50, 1.0, "TargetQuantile")]
    [InlineData(0.5, 0.5, 2, 50, 1.0, "smaller than RegionQuantile")]
    [InlineData(0.1, 1.5, 2, 50, 1.0, "RegionQuantile")]
    [InlineData(0.1, 1.0, 0, 50, 1.0, "MinTopTrials")]
    [InlineData(0.1, 1.0, 2, 1, 1.0, "GridPoints")]
    [InlineData(0.1, 1.0, 2, 50, 0.0, "PriorWeight")]
    [InlineData(0.1, 1.0, 2, 50, double.PositiveInfinity, "PriorWeight")]
    public void Constructor_InvalidOption_ThrowsNamingIt(double target, double region, int minTop, int grid, double prior, string named)
    {
        var options = new PedAnovaOptions { TargetQuantile = target, RegionQuantile = region, MinTopTrials = minTop, GridPoints = grid, PriorWeight = prior };

        Should.Throw<ArgumentException>(() => new PedAnovaImportanceEvaluator(options)).Message.ShouldContain(named);
    }

    [Fact]
    public void Constructor_CopiesTheOptions()
    {
        var options = new PedAnovaOptions();
        var evaluator = new PedAnovaImportanceEvaluator(options);
        List<FrozenTrial> trials = Quadratic(100);
        IReadOnlyList<ParameterImportance> before = evaluator.Evaluate(new ImportanceRequest { Trials = trials });

        options.TargetQuantile = 0.5;

        evaluator.Evaluate(new ImportanceRequest { Trials = trials }).ShouldBe(before);
    }
}
