using Vernier.Samplers;
using Vernier.Samplers.Population;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Population;

public class PopulationSamplerTests
{
    /// <summary>
    /// A toy training run whose best learning rate falls as the loss falls (a schedule helps):
    /// each step multiplies the loss by 1 − gain, where the gain peaks when log10(lr) is near
    /// log10(0.1 · √loss). A fixed learning rate stalls; population based training can anneal it.
    /// </summary>
    private static double TrainStep(double loss, double lr)
    {
        double distance = Math.Log10(lr) - Math.Log10(0.1 * Math.Sqrt(loss));
        return loss * (1 - (0.2 * Math.Exp(-distance * distance)));
    }

    /// <summary>Runs the objective of the docs: restore, train the segment's steps, checkpoint, return.</summary>
    private static async Task<(double Best, IReadOnlyList<FrozenTrial> Trials)> RunToyAsync(Sampler sampler, ulong seed, int trials, long stepsPerTrial)
    {
        await using Study study = await Study.Builder("toy").WithSampler(sampler).WithSeed(seed).CreateAsync();
        var checkpoints = new Dictionary<int, double>();
        await study.OptimizeAsync(
            trial =>
            {
                double lr = trial.SuggestFloat("lr", 1e-5, 1, log: true);
                PopulationSegment? segment = trial.Population;
                long start = segment?.StartStep ?? 0, end = segment?.EndStep ?? stepsPerTrial;
                double loss = segment?.RestoreFromTrial is int parent ? checkpoints[parent] : 1.0;
                for (long step = start + 1; step <= end; step++)
                {
                    loss = TrainStep(loss, lr);
                    trial.Report(loss, step);
                }

                checkpoints[trial.Number] = loss;
                return loss;
            },
            new OptimizeOptions { NTrials = trials });
        IReadOnlyList<FrozenTrial> all = await study.GetTrialsAsync();
        return (all.Where(t => t.State == TrialState.Complete).Min(t => t.Value!.Value), all);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [Fact]
    public async Task Toy_SameTotalSteps_PopulationBeatsRandomSearchMedian()
    {
        // 800 training steps each: 8 members × 100 steps in segments of 10, or 8 random runs of 100 steps.
        var population = new List<double>();
        var random = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var pbt = new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 8, PerturbationInterval = 10, MaxSteps = 100 });
            population.Add((await RunToyAsync(pbt, seed, trials: 1000, stepsPerTrial: 10)).Best);
            random.Add((await RunToyAsync(new RandomSampler(), seed, trials: 8, stepsPerTrial: 100)).Best);
        }

        Median(population).ShouldBeLessThan(Median(random) / 10, $"population {string.Join(", ", population)} vs random {string.Join(", ", random)}");
    }

    [Fact]
    public async Task Study_MaxSteps_StopsWhenEveryMemberHasTrainedThemAndChainsSegments()
    {
        var sampler = new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 4, PerturbationInterval = 10, MaxSteps = 30 });
        (_, IReadOnlyList<FrozenTrial> trials) = await RunToyAsync(sampler, seed: 3, trials: 1000, stepsPerTrial: 10);
        // At least 3 segments per member; exploits can skip (copying a member further on) or repeat steps.
        trials.Count.ShouldBeGreaterThan(4);
        var segments = trials.Select(t => PopulationSegment.Of(t).ShouldNotBeNull()).ToList();
        segments.Select(s => s.Member).Distinct().Order().ShouldBe([0, 1, 2, 3]);
        segments.ShouldAllBe(s => s.EndStep - s.StartStep == 10);
        foreach (var (trial, segment) in trials.Zip(segments))
        {
            if (segment.RestoreFromTrial is int parent)
            {
                parent.ShouldBeLessThan(trial.Number);
                PopulationSegment parentSegment = segments[parent];
                parentSegment.EndStep.ShouldBe(segment.StartStep);
                parentSegment.Generation.ShouldBe(segment.Generation - 1);
                (segment.Exploited ? segment.DonorMember : segment.Member).ShouldBe(parentSegment.Member);
            }
            else
            {
                segment.StartStep.ShouldBe(0);
                segment.Generation.ShouldBe(0);
            }

            trial.IntermediateValues.Keys.ShouldBe(Enumerable.Range((int)segment.StartStep + 1, 10).Select(i => (long)i));
        }

        segments.ShouldContain(s => s.Exploited);
        foreach (var (trial, segment) in trials.Zip(segments).Where(p => p.Second.Exploited))
        {
            // The recorded parameters are the ones the trial ran with; the old ones are the member's previous ones.
            segment.NewParameters.ShouldNotBeNull()["lr"].ShouldBe(trial.Params["lr"]);
            FrozenTrial previous = trials.Last(t => t.Number < trial.Number && segments[t.Number].Member == segment.Member && t.State == TrialState.Complete);
            segment.OldParameters.ShouldNotBeNull()["lr"].ShouldBe(previous.Params["lr"]);
        }

        segments.GroupBy(s => s.Member).ShouldAllBe(g => g.Max(s => s.EndStep) == 30);
    }

    [Fact]
    public async Task Study_SameSeedAndResults_SameLineage()
    {
        static string Lineage(IReadOnlyList<FrozenTrial> trials) => string.Join(
            "|",
            trials.Select(t => PopulationSegment.Of(t) is { } s ? $"{s.Member},{s.StartStep},{s.RestoreFromTrial},{s.Exploited},{s.DonorMember},{t.Params["lr"]}" : "-"));

        var options = new PopulationSamplerOptions { PopulationSize = 4, PerturbationInterval = 5 };
        string first = Lineage((await RunToyAsync(new PopulationSampler(options), seed: 11, trials: 40, stepsPerTrial: 5)).Trials);
        string second = Lineage((await RunToyAsync(new PopulationSampler(options), seed: 11, trials: 40, stepsPerTrial: 5)).Trials);
        string other = Lineage((await RunToyAsync(new PopulationSampler(options), seed: 12, trials: 40, stepsPerTrial: 5)).Trials);
        second.ShouldBe(first);
        other.ShouldNotBe(first);
    }

    [Fact]
    public async Task Trial_Population_IsTheSegmentStoredWithTheTrial()
    {
        await using Study study = await Study.Builder("segment").WithSampler(new PopulationSampler()).WithSeed(1).CreateAsync();
        Trial trial = await study.AskAsync();
        PopulationSegment segment = trial.Population.ShouldNotBeNull();
        segment.ShouldBe(new PopulationSegment { Member = 0, Generation = 0, StartStep = 0, EndStep = 10 });
        FrozenTrial stored = (await study.GetTrialsAsync()).Single();
        PopulationSegment.Of(stored).ShouldBe(segment);
    }

    [Fact]
    public async Task DefineByRun_ParameterTheDonorLacks_IsDrawnAtRandomInItsRange()
    {
        var sampler = new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 2, PerturbationInterval = 1 });
        await using Study study = await Study.Builder("new-param").WithSampler(sampler).WithSeed(6).CreateAsync();
        await study.OptimizeAsync(
            trial =>
            {
                double x = trial.SuggestFloat("x", 0, 1);
                // A parameter that appears only from trial 4 on: continuations and exploits have no value for it.
                return trial.Number >= 4 ? x + trial.SuggestInt("extra", 3, 9) : x;
            },
            new OptimizeOptions { NTrials = 10 });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        trials.Where(t => t.Number >= 4).ShouldAllBe(t => (long)t.Params["extra"]! >= 3 && (long)t.Params["extra"]! <= 9);
        trials.Where(t => t.Number >= 2).ShouldAllBe(t => PopulationSegment.Of(t)!.RestoreFromTrial != null);
    }

    [Fact]
    public async Task Trial_Population_IsNullForOtherSamplers()
    {
        await using Study study = await Study.Builder("other").WithSampler(new RandomSampler()).CreateAsync();
        (await study.AskAsync()).Population.ShouldBeNull();
    }

    [Fact]
    public async Task ParallelWorkers_MoreThanThePopulation_WaitInsteadOfFailing()
    {
        var sampler = new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 2, PerturbationInterval = 5, MaxSteps = 20 });
        await using Study study = await Study.Builder("parallel").WithSampler(sampler).WithSeed(2).CreateAsync();
        OptimizeResult result = await study.OptimizeAsync(
            async (trial, cancellationToken) =>
            {
                trial.SuggestFloat("x", 0, 1);
                await Task.Delay(5, cancellationToken);
                return trial.Population!.EndStep * (double)trial.Params["x"]!;
            },
            new OptimizeOptions { NTrials = 100, MaxConcurrency = 4 });
        result.StopReason.ShouldBe(OptimizeStopReason.SamplerExhausted);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        trials.GroupBy(t => PopulationSegment.Of(t)!.Member).Select(g => g.Max(t => PopulationSegment.Of(t)!.EndStep)).ShouldBe([20, 20]);
    }

    [Theory]
    [InlineData(nameof(PopulationSamplerOptions.PopulationSize))]
    [InlineData(nameof(PopulationSamplerOptions.PerturbationInterval))]
    [InlineData(nameof(PopulationSamplerOptions.MaxSteps))]
    [InlineData(nameof(PopulationSamplerOptions.QuantileFraction))]
    [InlineData(nameof(PopulationSamplerOptions.ResampleProbability))]
    [InlineData(nameof(PopulationSamplerOptions.PerturbationFactors))]
    [InlineData(nameof(PopulationSamplerOptions.Mutations))]
    public void Options_OutOfRange_ThrowNamingTheOption(string option)
    {
        var options = new PopulationSamplerOptions();
        switch (option)
        {
            case nameof(PopulationSamplerOptions.PopulationSize): options.PopulationSize = 1; break;
            case nameof(PopulationSamplerOptions.PerturbationInterval): options.PerturbationInterval = 0; break;
            case nameof(PopulationSamplerOptions.MaxSteps): options.MaxSteps = 0; break;
            case nameof(PopulationSamplerOptions.QuantileFraction): options.QuantileFraction = 0.6; break;
            case nameof(PopulationSamplerOptions.ResampleProbability): options.ResampleProbability = 1.5; break;
            case nameof(PopulationSamplerOptions.PerturbationFactors): options.PerturbationFactors = [1.2, -1]; break;
            case nameof(PopulationSamplerOptions.Mutations): options.Mutations = [""]; break;
        }

        Should.Throw<ArgumentException>(() => new PopulationSampler(options)).Message.ShouldContain(option);
    }
}
