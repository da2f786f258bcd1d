using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Samplers.Population;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Population;

/// <summary>The assignment rules, on hand-built histories.</summary>
public class PopulationPlannerTests
{
    private static readonly FloatDistribution Lr = new(1e-4, 1, log: true);
    private static readonly FloatDistribution Unit = new(0, 1);
    private static readonly IntDistribution Units = new(1, 100);
    private static readonly CategoricalDistribution Optimizer = new(["sgd", "adam", "rmsprop", "adagrad", "lamb"]);

    private static ImmutableDictionary<string, TrialParameter> Params(double lr = 0.01, double unit = 0.5, long units = 10, int optimizer = 2) =>
        ImmutableDictionary<string, TrialParameter>.Empty
            .Add("lr", new TrialParameter(Lr, lr))
            .Add("unit", new TrialParameter(Unit, unit))
            .Add("units", new TrialParameter(Units, units))
            .Add("optimizer", new TrialParameter(Optimizer, optimizer));

    /// <summary>Builds the history as a list of trials, numbered in order.</summary>
    private sealed class History
    {
        public List<FrozenTrial> Trials { get; } = [];

        public FrozenTrial Add(int member, long start, long end, TrialState state, double? value = null, int? restore = null, int generation = 0,
            ImmutableDictionary<string, TrialParameter>? parameters = null)
        {
            var segment = new PopulationSegment { Member = member, Generation = generation, StartStep = start, EndStep = end, RestoreFromTrial = restore };
            var trial = new FrozenTrial
            {
                TrialId = Trials.Count + 1,
                Number = Trials.Count,
                State = state,
                Values = value is double v ? [v] : [],
                Parameters = parameters ?? Params(),
                SystemAttributes = segment.ToAttributes().ToImmutableDictionary(),
            };
            Trials.Add(trial);
            return trial;
        }

        /// <summary>Adds one complete first segment (0 → 10) per value, members 0, 1, ….</summary>
        public History Generation0(params double[] values)
        {
            for (int m = 0; m < values.Length; m++)
            {
                Add(m, 0, 10, TrialState.Complete, values[m]);
            }

            return this;
        }
    }

    private static SamplerContext Context(History history, ulong seed = 1, StudyDirection direction = StudyDirection.Minimize, int? number = null) =>
        new(seed, [direction], new FrozenTrial { TrialId = 1000, Number = number ?? history.Trials.Count, State = TrialState.Running }, history.Trials);

    private static PopulationAssignment Plan(History history, PopulationSamplerOptions options, ulong seed = 1, StudyDirection direction = StudyDirection.Minimize) =>
        PopulationPlanner.Plan(Context(history, seed, direction), options);

    [Fact]
    public void Plan_EmptyHistory_StartsMemberZeroFromScratch()
    {
        PopulationAssignment a = Plan(new History(), new PopulationSamplerOptions { PerturbationInterval = 7 });
        a.Segment.ShouldBe(new PopulationSegment { Member = 0, Generation = 0, StartStep = 0, EndStep = 7 });
        a.Parameters.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_FewerMembersThanPopulation_StartsANewMember()
    {
        var history = new History().Generation0(1, 2);
        history.Add(2, 0, 10, TrialState.Running);
        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 4 });
        a.Segment.Member.ShouldBe(3);
        a.Segment.RestoreFromTrial.ShouldBeNull();
        a.Segment.StartStep.ShouldBe(0);
    }

    [Fact]
    public void Plan_FullPopulation_ContinuesTheFreeMemberWithFewestStepsLowestIdFirst()
    {
        var history = new History().Generation0(1, 2, 3, 4);
        history.Add(0, 10, 20, TrialState.Complete, 0.5, restore: 0, generation: 1);
        history.Add(1, 10, 20, TrialState.Running, restore: 1, generation: 1);
        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 4, QuantileFraction = 0.25 });
        // Members 2 and 3 have 10 steps, member 1 is running: member 2 (not in the bottom quantile, which is member 3).
        a.Segment.Member.ShouldBe(2);
        a.Segment.Exploited.ShouldBeFalse();
        a.Segment.RestoreFromTrial.ShouldBe(2);
        a.Segment.StartStep.ShouldBe(10);
        a.Segment.EndStep.ShouldBe(20);
        a.Segment.Generation.ShouldBe(1);
        a.Parameters.ShouldBe(history.Trials[2].Parameters);
    }

    [Fact]
    public void Plan_EveryMemberRunning_ThrowsNamingThePopulationSize()
    {
        var history = new History();
        for (int m = 0; m < 3; m++)
        {
            history.Add(m, 0, 10, TrialState.Running);
        }

        VernierException e = Should.Throw<VernierException>(() => Plan(history, new PopulationSamplerOptions { PopulationSize = 3 }));
        e.Message.ShouldContain("population_size (3)");
    }

    [Fact]
    public void IsExhausted_EveryMemberRunning_ThrowsConcurrencyLimitSoTheLoopWaits()
    {
        var history = new History();
        history.Add(0, 0, 10, TrialState.Running);
        history.Add(1, 0, 10, TrialState.Running);
        Should.Throw<ConcurrencyLimitExceededException>(() => PopulationPlanner.IsExhausted(history.Trials, new PopulationSamplerOptions { PopulationSize = 2 }));
    }

    [Theory]
    [InlineData(1, 0.25, 0)]
    [InlineData(2, 0.25, 1)]
    [InlineData(4, 0.25, 1)]
    [InlineData(5, 0.25, 2)]
    [InlineData(8, 0.25, 2)]
    [InlineData(3, 0.5, 1)]
    [InlineData(10, 0.5, 5)]
    public void QuantileCount_CeilOfFractionAtMostHalf(int ranked, double fraction, int expected) =>
        PopulationPlanner.QuantileCount(ranked, fraction).ShouldBe(expected);

    [Fact]
    public void Plan_BottomQuantileMember_ExploitsATopMember()
    {
        // Minimize: member 3 (value 4) is the bottom quantile of 4, member 0 (value 1) the top.
        var history = new History();
        history.Add(0, 0, 10, TrialState.Complete, 1, parameters: Params(lr: 0.1));
        history.Add(1, 0, 10, TrialState.Complete, 2);
        history.Add(2, 0, 10, TrialState.Complete, 3);
        history.Add(3, 0, 10, TrialState.Complete, 4, parameters: Params(lr: 0.001));
        history.Add(0, 10, 20, TrialState.Complete, 0.5, restore: 0, generation: 1, parameters: Params(lr: 0.1));
        history.Add(1, 10, 20, TrialState.Complete, 1.5, restore: 1, generation: 1);
        history.Add(2, 10, 20, TrialState.Complete, 2.5, restore: 2, generation: 1);

        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 4, Mutations = ["unit"] });
        a.Segment.Member.ShouldBe(3);
        a.Segment.Exploited.ShouldBeTrue();
        a.Segment.DonorMember.ShouldBe(0);
        a.Segment.RestoreFromTrial.ShouldBe(4);
        a.Segment.StartStep.ShouldBe(20);
        a.Segment.EndStep.ShouldBe(30);
        a.Segment.Generation.ShouldBe(2);
        a.Segment.OldParameters!["lr"].ShouldBe(0.001);
        a.Segment.NewParameters!["lr"].ShouldBe(0.1);
        a.Parameters["lr"].InternalValue.ShouldBe(0.1);
    }

    [Fact]
    public void Plan_Maximize_RanksTheOtherWay()
    {
        var history = new History().Generation0(4, 3, 2, 1);
        history.Add(1, 10, 20, TrialState.Complete, 3.5, restore: 1, generation: 1);
        history.Add(2, 10, 20, TrialState.Complete, 2.5, restore: 2, generation: 1);
        history.Add(3, 10, 20, TrialState.Complete, 1.5, restore: 3, generation: 1);

        // Member 0 is next (10 steps) and the best when maximizing: it continues.
        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 4 }, direction: StudyDirection.Maximize);
        a.Segment.Member.ShouldBe(0);
        a.Segment.Exploited.ShouldBeFalse();

        // Minimizing, member 0 (value 4) is the worst and exploits member 3 (1.5).
        PopulationAssignment b = Plan(history, new PopulationSamplerOptions { PopulationSize = 4 }, direction: StudyDirection.Minimize);
        b.Segment.Exploited.ShouldBeTrue();
        b.Segment.DonorMember.ShouldBe(3);
        b.Segment.RestoreFromTrial.ShouldBe(6);
    }

    [Fact]
    public void Plan_DonorIsDrawnFromTheWholeTopQuantile()
    {
        // 8 members, quantile 2: member 7 (worst) copies member 0 or 1, depending on the seed.
        var donors = new HashSet<int?>();
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var history = new History().Generation0(1, 2, 3, 4, 5, 6, 7, 8);
            for (int m = 0; m < 7; m++)
            {
                history.Add(m, 10, 20, TrialState.Complete, m + 1, restore: m, generation: 1);
            }

            PopulationAssignment a = Plan(history, new PopulationSamplerOptions(), seed);
            a.Segment.Member.ShouldBe(7);
            donors.Add(a.Segment.DonorMember);
        }

        donors.ShouldBe([0, 1], ignoreOrder: true);
    }

    [Fact]
    public void Explore_FactorsMultiplyAndClampToTheRange()
    {
        var donor = Params(lr: 0.9, unit: 0.95, units: 90, optimizer: 2);
        var options = new PopulationSamplerOptions { ResampleProbability = 0, PerturbationFactors = [1.2] };
        ImmutableDictionary<string, TrialParameter> up = PopulationPlanner.Explore(Context(new History()), options, donor);
        up["lr"].InternalValue.ShouldBe(1.0);
        up["unit"].InternalValue.ShouldBe(1.0);
        up["units"].InternalValue.ShouldBe(100);

        options.PerturbationFactors = [0.8];
        ImmutableDictionary<string, TrialParameter> down = PopulationPlanner.Explore(Context(new History()), options, donor);
        down["lr"].InternalValue.ShouldBe(0.72, 1e-12);
        down["unit"].InternalValue.ShouldBe(0.76, 1e-12);
        down["units"].InternalValue.ShouldBe(72);
    }

    [Fact]
    public void Explore_CategoricalMovesToANeighbouringChoiceClampedAtTheEnds()
    {
        var options = new PopulationSamplerOptions { ResampleProbability = 0 };
        var fromMiddle = new HashSet<double>();
        var fromEdge = new HashSet<double>();
        for (int n = 0; n < 60; n++)
        {
            var context = Context(new History(), number: n);
            fromMiddle.Add(PopulationPlanner.Explore(context, options, Params(optimizer: 2))["optimizer"].InternalValue);
            fromEdge.Add(PopulationPlanner.Explore(context, options, Params(optimizer: 0))["optimizer"].InternalValue);
        }

        fromMiddle.ShouldBe([1, 3], ignoreOrder: true);
        fromEdge.ShouldBe([0, 1], ignoreOrder: true);
    }

    [Fact]
    public void Explore_ResampleProbabilityOne_RedrawsFromTheDistribution()
    {
        var options = new PopulationSamplerOptions { ResampleProbability = 1 };
        var units = new HashSet<double>();
        for (int n = 0; n < 50; n++)
        {
            ImmutableDictionary<string, TrialParameter> drawn = PopulationPlanner.Explore(Context(new History(), number: n), options, Params(units: 50));
            foreach (TrialParameter p in drawn.Values)
            {
                p.Distribution.Contains(p.InternalValue).ShouldBeTrue();
            }

            units.Add(drawn["units"].InternalValue);
        }

        // Perturbation alone could only give 40 or 60.
        units.Count.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Explore_OnlyTheListedMutationsChange()
    {
        var options = new PopulationSamplerOptions { Mutations = ["lr"], ResampleProbability = 0 };
        var donor = Params();
        for (int n = 0; n < 20; n++)
        {
            ImmutableDictionary<string, TrialParameter> result = PopulationPlanner.Explore(Context(new History(), number: n), options, donor);
            result["lr"].InternalValue.ShouldNotBe(donor["lr"].InternalValue);
            result["unit"].ShouldBe(donor["unit"]);
            result["units"].ShouldBe(donor["units"]);
            result["optimizer"].ShouldBe(donor["optimizer"]);
        }
    }

    [Fact]
    public void Plan_FailedSegment_RestartsFromTheMembersLastCompleteSegment()
    {
        var history = new History().Generation0(1, 2);
        history.Add(0, 10, 20, TrialState.Failed, restore: 0, generation: 1);
        history.Add(1, 10, 20, TrialState.Complete, 1.5, restore: 1, generation: 1);
        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 2, QuantileFraction = 0.25 });

        // Member 0 still has 10 steps and is the better of the two (1 against 1.5): it continues from its own trial 0.
        a.Segment.Member.ShouldBe(0);
        a.Segment.RestoreFromTrial.ShouldBe(0);
        a.Segment.StartStep.ShouldBe(10);
        a.Segment.Exploited.ShouldBeFalse();
    }

    [Fact]
    public void Plan_MemberWithoutACompleteSegment_StartsAgainFromScratch()
    {
        var history = new History();
        history.Add(0, 0, 10, TrialState.Complete, 1);
        history.Add(1, 0, 10, TrialState.Pruned);
        PopulationAssignment a = Plan(history, new PopulationSamplerOptions { PopulationSize = 2 });
        a.Segment.Member.ShouldBe(1);
        a.Segment.Generation.ShouldBe(0);
        a.Segment.StartStep.ShouldBe(0);
        a.Segment.RestoreFromTrial.ShouldBeNull();
        a.Parameters.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_MaxSteps_ShortensTheLastSegmentAndSkipsFinishedMembers()
    {
        var options = new PopulationSamplerOptions { PopulationSize = 2, PerturbationInterval = 30, MaxSteps = 50 };
        var history = new History();
        history.Add(0, 0, 30, TrialState.Complete, 1);
        history.Add(1, 0, 30, TrialState.Complete, 2);
        history.Add(0, 30, 50, TrialState.Complete, 0.5, restore: 0, generation: 1);
        PopulationAssignment a = Plan(history, options);
        a.Segment.Member.ShouldBe(1);
        a.Segment.StartStep.ShouldBe(30);
        a.Segment.EndStep.ShouldBe(50);
        a.Segment.Exploited.ShouldBeFalse("the better member has finished, so there is nothing to copy that could still train");
        PopulationPlanner.IsExhausted(history.Trials, options).ShouldBeFalse();

        history.Add(1, 30, 50, TrialState.Complete, 0.7, restore: 0, generation: 1);
        PopulationPlanner.IsExhausted(history.Trials, options).ShouldBeTrue();
    }

    [Fact]
    public void Plan_SameSeedAndHistory_SameDecisionAndOtherSeedsVary()
    {
        History Build()
        {
            var h = new History().Generation0(1, 2, 3, 4, 5, 6, 7, 8);
            for (int m = 0; m < 7; m++)
            {
                h.Add(m, 10, 20, TrialState.Complete, m + 1, restore: m, generation: 1);
            }

            return h;
        }

        var options = new PopulationSamplerOptions();
        PopulationAssignment first = Plan(Build(), options, seed: 5);
        PopulationAssignment again = Plan(Build(), options, seed: 5);
        again.Segment.DonorMember.ShouldBe(first.Segment.DonorMember);
        again.Parameters.ShouldBe(first.Parameters);

        var others = Enumerable.Range(6, 10).Select(s => Plan(Build(), options, seed: (ulong)s).Parameters["lr"].InternalValue).Distinct().Count();
        others.ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Plan_SeveralObjectives_Throws()
    {
        var history = new History().Generation0(1, 2);
        var context = new SamplerContext(1, [StudyDirection.Minimize, StudyDirection.Minimize], new FrozenTrial { TrialId = 99, Number = 2, State = TrialState.Running }, history.Trials);
        Should.Throw<VernierException>(() => PopulationPlanner.Plan(context, new PopulationSamplerOptions { PopulationSize = 2 }));
    }

    [Fact]
    public void Segment_RoundTripsThroughAttributes()
    {
        var segment = new PopulationSegment
        {
            Member = 3,
            Generation = 4,
            StartStep = 40,
            EndStep = 50,
            RestoreFromTrial = 17,
            Exploited = true,
            DonorMember = 1,
            OldParameters = new Dictionary<string, object?> { ["lr"] = 0.1, ["opt"] = "sgd", ["n"] = 3L },
            NewParameters = new Dictionary<string, object?> { ["lr"] = 0.12, ["opt"] = "adam", ["n"] = 4L },
        };
        var trial = new FrozenTrial { TrialId = 1, Number = 0, State = TrialState.Complete, SystemAttributes = segment.ToAttributes().ToImmutableDictionary() };
        PopulationSegment read = PopulationSegment.Of(trial).ShouldNotBeNull();
        read.Member.ShouldBe(3);
        read.Generation.ShouldBe(4);
        read.StartStep.ShouldBe(40);
        read.EndStep.ShouldBe(50);
        read.Steps.ShouldBe(10);
        read.RestoreFromTrial.ShouldBe(17);
        read.Exploited.ShouldBeTrue();
        read.DonorMember.ShouldBe(1);
        read.OldParameters!["opt"].ShouldBe("sgd");
        read.NewParameters!["n"].ShouldBe(4L);
        read.NewParameters["lr"].ShouldBe(0.12);
        PopulationSegment.Of(trial with { SystemAttributes = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty }).ShouldBeNull();
    }
}
