using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Samplers;
using Vernier.Samplers.Nsga2;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Tests.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Nsga2;

public class Nsga2SamplerTests
{
    private const int Variables = 6;

    private static readonly SearchSpace ZdtSpace = new([.. Enumerable.Range(0, Variables).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(0, 1)))]);

    [Fact]
    public async Task Generations_AreNumberedAndTheirPopulationsStored()
    {
        IReadOnlyList<FrozenTrial> trials = await RunZdt1Async(new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 5 }), 20, seed: 3);
        trials.Select(Generation).ShouldBe([.. Enumerable.Range(0, 20).Select(n => n / 5)]);
        for (int g = 1; g < 4; g++)
        {
            FrozenTrial first = trials[g * 5];
            int[] population = first.SystemAttributes["nsga2:population"].Deserialize<int[]>()!;
            population.Length.ShouldBe(5);
            population.ShouldAllBe(n => n < g * 5);
            trials.Skip(g * 5 + 1).Take(4).ShouldAllBe(t => !t.SystemAttributes.ContainsKey("nsga2:population"));
            foreach (FrozenTrial child in trials.Skip(g * 5).Take(5))
            {
                child.SystemAttributes["nsga2:parents"].Deserialize<int[]>()!.ShouldAllBe(p => population.Contains(p));
            }
        }
    }

    [Fact]
    public async Task Generation_WaitsForEnoughCompleteTrials()
    {
        await using Study study = await Study.Builder("nsga2-failures").WithDirections(StudyDirection.Minimize, StudyDirection.Minimize)
            .WithSampler(new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 4 })).WithSeed(1).CreateAsync();
        await study.OptimizeAsync(
            (trial, _) => trial.Number % 2 == 0 ? throw new InvalidOperationException("boom") : Task.FromResult<IReadOnlyList<double>>(Zdt1(trial.Params)),
            new OptimizeOptions { NTrials = 12, SearchSpace = ZdtSpace });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(Generation).ShouldBe([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    }

    [Fact]
    public async Task Zdt1_HypervolumeClearlyBeatsRandom()
    {
        const int budget = 300;
        double[] nsga = new double[3];
        double[] random = new double[3];
        for (int s = 0; s < 3; s++)
        {
            ulong seed = (ulong)(s + 1);
            nsga[s] = Hypervolume(await RunZdt1Async(new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 30 }), budget, seed));
            random[s] = Hypervolume(await RunZdt1Async(new RandomSampler(), budget, seed));
        }

        for (int s = 0; s < 3; s++)
        {
            nsga[s].ShouldBeGreaterThan(random[s] + 0.5, $"seed {s + 1}: NSGA-II {nsga[s]:F3} vs random {random[s]:F3}");
        }
    }

    [Fact]
    public async Task SingleObjective_WorksAsAGeneticAlgorithmAndBeatsRandom()
    {
        var space = new SearchSpace([.. Enumerable.Range(0, 4).Select(i => new ParameterSpec($"x{i}", new FloatDistribution(-5, 5)))]);
        static double Sphere(IReadOnlyDictionary<string, object?> p) => p.Values.Sum(v => (double)v! * (double)v!);
        var ga = new List<double>();
        var rs = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            ga.Add(await BestAsync(new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 20 }), seed));
            rs.Add(await BestAsync(new RandomSampler(), seed));
        }

        ga.Order().ElementAt(2).ShouldBeLessThan(rs.Order().ElementAt(2));

        async Task<double> BestAsync(Sampler sampler, ulong seed)
        {
            await using Study study = await Study.Builder("sphere").WithSampler(sampler).WithSeed(seed).CreateAsync();
            await study.OptimizeAsync(t => Sphere(t.Params), new OptimizeOptions { NTrials = 200, SearchSpace = space });
            return (await study.GetBestTrialAsync())!.Value!.Value;
        }
    }

    [Fact]
    public void Tournament_InfeasibleParentLoses_EvenWithBetterValues()
    {
        FrozenTrial[] population =
        [
            ParetoFrontTests.Trial(0, 0, 0, constraints: [1.0]),
            ParetoFrontTests.Trial(1, 5, 5, constraints: [-1.0]),
        ];
        var (rank, crowding) = Nsga2Population.RankAndCrowding(population, [StudyDirection.Minimize, StudyDirection.Minimize]);
        for (int i = 0; i < 50; i++)
        {
            Nsga2Population.Tournament(rank, crowding, RandomStream.Derive(1, i, "t")).ShouldBe(1);
        }
    }

    [Fact]
    public void Tournament_LessViolatedInfeasibleParentWins()
    {
        FrozenTrial[] population =
        [
            ParetoFrontTests.Trial(0, 0, 0, constraints: [3.0]),
            ParetoFrontTests.Trial(1, 5, 5, constraints: [0.5]),
        ];
        var (rank, crowding) = Nsga2Population.RankAndCrowding(population, [StudyDirection.Minimize, StudyDirection.Minimize]);
        for (int i = 0; i < 20; i++)
        {
            Nsga2Population.Tournament(rank, crowding, RandomStream.Derive(2, i, "t")).ShouldBe(1);
        }
    }

    [Fact]
    public void Tournament_WithExclusion_NeverReturnsTheExcluded()
    {
        int[] rank = [0, 0, 1, 2];
        double[] crowding = [1, 2, 3, 4];
        for (int i = 0; i < 100; i++)
        {
            Nsga2Population.Tournament(rank, crowding, RandomStream.Derive(3, i, "t"), exclude: 1).ShouldNotBe(1);
        }
    }

    [Fact]
    public void Survivors_KeepTheBestFrontsAndTheFrontsExtremes()
    {
        var candidates = new List<FrozenTrial>
        {
            ParetoFrontTests.Trial(0, 0, 10), ParetoFrontTests.Trial(1, 1, 9), ParetoFrontTests.Trial(2, 1.1, 8.9),
            ParetoFrontTests.Trial(3, 5, 5), ParetoFrontTests.Trial(4, 10, 0),
            ParetoFrontTests.Trial(5, 20, 20), ParetoFrontTests.Trial(6, 6, 6, constraints: [1]),
        };
        List<FrozenTrial> survivors = Nsga2Population.Survivors(candidates, 4, [StudyDirection.Minimize, StudyDirection.Minimize]);
        // The first front is 0..4; of its members 1 (between 0 and 2) is the most crowded and is dropped.
        survivors.Select(t => t.Number).ShouldBe([0, 2, 3, 4]);
    }

    [Fact]
    public async Task Constraints_LaterParentsAreFeasible_AndTheEliteHugsTheBoundary()
    {
        var space = new SearchSpace([new ParameterSpec("x", new FloatDistribution(0, 1)), new ParameterSpec("y", new FloatDistribution(0, 1))]);
        await using Study study = await Study.Builder("constrained").WithDirections(StudyDirection.Minimize, StudyDirection.Minimize)
            .WithSampler(new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 10 })).WithSeed(5).CreateAsync();
        await study.OptimizeAsync(
            (trial, _) =>
            {
                double x = (double)trial.Params["x"]!, y = (double)trial.Params["y"]!;
                trial.ReportConstraints(0.6 - x - y); // feasible when x + y ≥ 0.6: the unconstrained optimum (0, 0) is forbidden
                return Task.FromResult<IReadOnlyList<double>>([x, y]);
            },
            new OptimizeOptions { NTrials = 100, SearchSpace = space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        static double Sum(FrozenTrial t) => (double)t.Params["x"]! + (double)t.Params["y"]!;
        double Median(IEnumerable<FrozenTrial> some) => some.Where(t => t.IsFeasible).Select(Sum).Order().ToArray() is { Length: > 0 } s ? s[s.Length / 2] : double.NaN;
        double early = Median(trials.Take(10));
        FrozenTrial[] elite = [.. trials[90].SystemAttributes["nsga2:population"].Deserialize<int[]>()!.Select(n => trials[n])];
        elite.Length.ShouldBe(10);
        elite.ShouldAllBe(t => t.IsFeasible);
        Median(elite).ShouldBeLessThan(early - 0.2, $"generation 0 median x + y: {early}; elite {string.Join(" ", elite.Select(t => $"({t.Params["x"]:F2},{t.Params["y"]:F2})"))}");
        foreach (FrozenTrial trial in trials.Skip(70))
        {
            int[] parents = trial.SystemAttributes["nsga2:parents"].Deserialize<int[]>()!;
            parents.ShouldAllBe(p => trials[p].IsFeasible);
        }
    }

    [Fact]
    public void Options_AreValidated()
    {
        Should.Throw<ArgumentException>(() => new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 1 })).Message.ShouldContain("population_size");
        Should.Throw<ArgumentException>(() => new Nsga2Sampler(new Nsga2SamplerOptions { MutationProbability = 1.5 })).Message.ShouldContain("mutation_prob");
        Should.Throw<ArgumentException>(() => new Nsga2Sampler(new Nsga2SamplerOptions { CrossoverProbability = -0.1 })).Message.ShouldContain("crossover_prob");
        Should.Throw<ArgumentException>(() => new Nsga2Sampler(new Nsga2SamplerOptions { SwappingProbability = double.NaN })).Message.ShouldContain("swapping_prob");
        Should.Throw<ArgumentException>(() => new Nsga2Sampler(new Nsga2SamplerOptions { Crossover = (Nsga2Crossover)9 })).Message.ShouldContain("uniform, sbx or blx");
        var defaults = new Nsga2SamplerOptions();
        (defaults.PopulationSize, defaults.MutationProbability, defaults.Crossover, defaults.CrossoverProbability, defaults.SwappingProbability)
            .ShouldBe((50, (double?)null, Nsga2Crossover.Uniform, 0.9, 0.5));
    }

    [Theory]
    [InlineData(Nsga2Crossover.Sbx)]
    [InlineData(Nsga2Crossover.Blx)]
    public void Blend_StaysInTheUnitInterval(Nsga2Crossover crossover)
    {
        var random = new RandomStream(4);
        for (int i = 0; i < 1000; i++)
        {
            double a = random.NextDouble(), b = random.NextDouble();
            Nsga2Variation.Blend(crossover, a, b, random).ShouldBeInRange(0, 1);
        }
    }

    private static int Generation(FrozenTrial trial) => trial.SystemAttributes["nsga2:generation"].GetInt32();

    private static double[] Zdt1(IReadOnlyDictionary<string, object?> p)
    {
        double f1 = (double)p["x0"]!;
        double sum = 0;
        for (int i = 1; i < Variables; i++)
        {
            sum += (double)p[$"x{i}"]!;
        }

        double g = 1 + 9 * sum / (Variables - 1);
        return [f1, g * (1 - Math.Sqrt(f1 / g))];
    }

    private static async Task<IReadOnlyList<FrozenTrial>> RunZdt1Async(Sampler sampler, int count, ulong seed)
    {
        await using Study study = await Study.Builder("zdt1").WithDirections(StudyDirection.Minimize, StudyDirection.Minimize)
            .WithSampler(sampler).WithSeed(seed).CreateAsync();
        await study.OptimizeAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>(Zdt1(trial.Params)), new OptimizeOptions { NTrials = count, SearchSpace = ZdtSpace });
        return await study.GetTrialsAsync();
    }

    /// <summary>The area dominated by the front and bounded by the reference point (1, 10).</summary>
    private static double Hypervolume(IReadOnlyList<FrozenTrial> trials)
    {
        const double r1 = 1, r2 = 10;
        var front = ParetoFront.Of(trials, [StudyDirection.Minimize, StudyDirection.Minimize])
            .Select(t => (F1: t.Values[0], F2: t.Values[1])).Where(p => p.F1 < r1 && p.F2 < r2).OrderBy(p => p.F1).ToList();
        double volume = 0, previousF2 = r2;
        foreach (var (f1, f2) in front)
        {
            volume += (r1 - f1) * (previousF2 - f2);
            previousF2 = f2;
        }

        return volume;
    }
}
