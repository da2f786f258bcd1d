using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers.Nsga2;

/// <summary>
/// The NSGA-II multi-objective genetic algorithm of Deb, Pratap, Agarwal and Meyarivan, "A fast
/// and elitist multiobjective genetic algorithm: NSGA-II" (IEEE Trans. Evol. Comput., 2002):
/// generations of trials, each child bred from two parents chosen by binary tournament from an
/// elite population kept by non-dominated sorting and crowding distance. It also works with one
/// objective, as a plain elitist genetic algorithm.
/// </summary>
/// <remarks>
/// <para>Config name: <c>nsga2</c>, options <c>population_size</c>, <c>mutation_prob</c>,
/// <c>crossover</c> (<c>uniform</c>, <c>sbx</c>, <c>blx</c>), <c>crossover_prob</c>,
/// <c>swapping_prob</c>.</para>
/// <para>Generation 0 is random. A new trial joins the latest generation until that generation has
/// <see cref="Nsga2SamplerOptions.PopulationSize"/> complete trials, then starts the next; its
/// generation is stored as the system attribute <c>nsga2:generation</c>. The parents of generation
/// g+1 come from P(g): the best population-size trials of P(g−1) ∪ (generation g's complete
/// trials), ranked by constrained non-dominated sorting (a feasible trial beats an infeasible one;
/// of two infeasible ones the smaller total violation wins; see
/// <see cref="Trial.ReportConstraints"/>) and crowding distance. The first trial of each generation
/// stores the trial numbers of P(g) as <c>nsga2:population</c>, so later asks read it instead of
/// replaying every generation, and a resumed study continues exactly. Complete trials of a
/// generation that finish after the next one has started are not used.</para>
/// <para>The jointly varied parameters are those every member of the parents' population shares
/// (<see cref="IntersectionSearchSpace"/> over it); the others, and mutated ones, are drawn uniformly as by
/// <see cref="RandomSampler"/>. Each trial's random stream derives from its own number, so parallel
/// asks breed different children.</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("zdt").WithDirections(StudyDirection.Minimize, StudyDirection.Minimize).WithSampler(new Nsga2Sampler()).CreateAsync();</code></example>
public sealed class Nsga2Sampler : Sampler
{
    private readonly Nsga2SamplerOptions _options;

    /// <summary>Creates a sampler with the default options.</summary>
    public Nsga2Sampler()
        : this(new Nsga2SamplerOptions())
    {
    }

    /// <summary>Creates a sampler with the given options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public Nsga2Sampler(Nsga2SamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "nsga2";

    /// <summary>The options in use.</summary>
    public Nsga2SamplerOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>
    /// Reads the history once: records the trial's generation (and, for the first trial of a
    /// generation, its parents' population) and returns the parameters every member of that
    /// population shares, together with what it found, for <see cref="SampleRelative"/>.
    /// </remarks>
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Nsga2Analysis analysis = Nsga2Population.Analyze(context.History, _options.PopulationSize, context.Directions);
        context.SetTrialSystemAttribute(Nsga2Population.GenerationAttribute, JsonSerializer.SerializeToElement(analysis.Generation));
        if (analysis.Generation == 0)
        {
            return ImmutableDictionary<string, ParameterDistribution>.Empty;
        }

        if (!analysis.Stored)
        {
            int[] numbers = [.. analysis.Population.Select(t => t.Number)];
            context.SetTrialSystemAttribute(Nsga2Population.PopulationAttribute, JsonSerializer.SerializeToElement(numbers));
        }

        return new Nsga2RelativeSpace(IntersectionSearchSpace.Compute(analysis.Population), analysis);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(searchSpace);
        Nsga2Analysis analysis = searchSpace is Nsga2RelativeSpace relative
            ? relative.Analysis
            : Nsga2Population.Analyze(context.History, _options.PopulationSize, context.Directions);
        if (analysis.Generation == 0 || searchSpace.Count == 0)
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        KeyValuePair<string, ParameterDistribution>[] space = [.. searchSpace.OrderBy(p => p.Key, StringComparer.Ordinal)];
        List<FrozenTrial> parents = analysis.Population.FindAll(t => HasAll(t, space));
        if (parents.Count == 0)
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        var (rank, crowding) = Nsga2Population.RankAndCrowding(parents, context.Directions);
        Randomness.RandomStream random = context.CreateRandom("nsga2");
        int first = Nsga2Population.Tournament(rank, crowding, random);
        int second = Nsga2Population.Tournament(rank, crowding, random, exclude: first);
        context.SetTrialSystemAttribute(Nsga2Population.ParentsAttribute, JsonSerializer.SerializeToElement(new[] { parents[first].Number, parents[second].Number }));

        double mutation = _options.MutationProbability ?? 1.0 / space.Length;
        return Nsga2Variation.Child(space, parents[first], parents[second], _options, mutation, random);
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RandomSampler.Draw(context.CreateRandom("param:" + name), distribution);
    }

    private static bool HasAll(FrozenTrial trial, KeyValuePair<string, ParameterDistribution>[] space)
    {
        foreach (var (name, distribution) in space)
        {
            if (!trial.Parameters.TryGetValue(name, out TrialParameter? parameter) || !parameter.Distribution.Equals(distribution))
            {
                return false;
            }
        }

        return true;
    }
}
