using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Samplers.Qmc;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Qmc;

public class QmcSamplerTests
{
    private static readonly SearchSpace Square = new(
    [
        new ParameterSpec("x", new FloatDistribution(0, 1)),
        new ParameterSpec("y", new FloatDistribution(0, 1)),
    ]);

    [Fact]
    public async Task TrialN_TakesPointN_InNameOrder()
    {
        var sampler = new QmcSampler(new QmcSamplerOptions { Scramble = false });
        IReadOnlyList<FrozenTrial> trials = await RunAsync(sampler, Square, 8, seed: 1);
        for (int n = 1; n < 8; n++)
        {
            double[] point = SobolSequence.Point(n, 2, null);
            ((double)trials[n].Params["x"]!).ShouldBe(point[0]);
            ((double)trials[n].Params["y"]!).ShouldBe(point[1]);
        }
    }

    [Fact]
    public async Task Categorical_TakesTheChoiceOfItsInterval()
    {
        var space = new SearchSpace(
        [
            new ParameterSpec("a", new CategoricalDistribution(["p", "q", "r", "s"])),
            new ParameterSpec("b", new IntDistribution(0, 3)),
        ]);
        IReadOnlyList<FrozenTrial> trials = await RunAsync(new QmcSampler(new QmcSamplerOptions { Scramble = false }), space, 8, seed: 1);
        for (int n = 1; n < 8; n++)
        {
            double[] point = SobolSequence.Point(n, 2, null);
            trials[n].Parameters["a"].InternalValue.ShouldBe(Math.Floor(point[0] * 4));
            trials[n].Parameters["b"].InternalValue.ShouldBe(UnitScale.FromUnit(space.Find("b")!.Distribution, point[1]));
        }
    }

    [Theory]
    [InlineData(QmcSequence.Sobol)]
    [InlineData(QmcSequence.Halton)]
    public async Task Covers_TheSquare_MoreEvenlyThanRandom(QmcSequence sequence)
    {
        // 64 trials on an 8 x 8 grid of cells: random draws leave about 23 cells empty; the first 64
        // Sobol points fill every cell (but trial 0's, which is random); Halton's base 3 does not
        // align with the cells, so it leaves some, yet clearly fewer than random.
        for (ulong seed = 1; seed <= 3; seed++)
        {
            int qmcEmpty = EmptyCells(await RunAsync(new QmcSampler(new QmcSamplerOptions { Sequence = sequence }), Square, 64, seed));
            int randomEmpty = EmptyCells(await RunAsync(new RandomSampler(), Square, 64, seed));
            qmcEmpty.ShouldBeLessThanOrEqualTo(sequence == QmcSequence.Sobol ? 1 : 15, $"seed {seed}");
            randomEmpty.ShouldBeGreaterThan(17, $"seed {seed}");
        }
    }

    [Fact]
    public async Task ParametersOutsideTheFirstCompleteTrial_AreSampledIndependently()
    {
        var sampler = new QmcSampler();
        await using Study study = await Study.Builder("qmc-dbr").WithSampler(sampler).WithSeed(4).CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 2 });
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("z", 0, 1), new OptimizeOptions { NTrials = 5 });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        trials.Skip(2).Select(t => (double)t.Params["z"]!).Distinct().Count().ShouldBe(5);
    }

    [Fact]
    public void Options_RejectAnUnknownSequence()
    {
        Should.Throw<ArgumentException>(() => new QmcSampler(new QmcSamplerOptions { Sequence = (QmcSequence)7 }))
            .Message.ShouldContain("sobol or halton");
    }

    [Fact]
    public void Options_DefaultToScrambledSobol()
    {
        var options = new QmcSamplerOptions();
        options.Sequence.ShouldBe(QmcSequence.Sobol);
        options.Scramble.ShouldBeTrue();
        new QmcSampler().Name.ShouldBe("qmc");
    }

    private static int EmptyCells(IReadOnlyList<FrozenTrial> trials)
    {
        var occupied = new HashSet<(int, int)>();
        foreach (FrozenTrial trial in trials)
        {
            occupied.Add(((int)((double)trial.Params["x"]! * 8), (int)((double)trial.Params["y"]! * 8)));
        }

        return 64 - occupied.Count;
    }

    private static async Task<IReadOnlyList<FrozenTrial>> RunAsync(Sampler sampler, SearchSpace space, int count, ulong seed)
    {
        await using Study study = await Study.Builder("qmc").WithSampler(sampler).WithSeed(seed).CreateAsync();
        await study.OptimizeAsync(t => 0.0, new OptimizeOptions { NTrials = count, SearchSpace = space });
        return await study.GetTrialsAsync();
    }
}
