using Vernier.Samplers.Nsga2;

namespace Vernier.Runner.Config;

/// <summary>
/// Builds the <c>nsga2</c> sampler from a study file's strategy options (<c>population_size</c>,
/// <c>mutation_prob</c>, <c>crossover</c>, <c>crossover_prob</c>, <c>swapping_prob</c>).
/// </summary>
internal static class Nsga2Strategy
{
    public static readonly string[] OptionKeys = ["crossover", "crossover_prob", "mutation_prob", "population_size", "swapping_prob"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static Nsga2Sampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new Nsga2SamplerOptions();
        return new Nsga2Sampler(new Nsga2SamplerOptions
        {
            PopulationSize = StrategyOptions.Int(options, "population_size", defaults.PopulationSize),
            MutationProbability = StrategyOptions.NullableDouble(options, "mutation_prob"),
            Crossover = StrategyOptions.Choice(options, "crossover", defaults.Crossover, ("uniform", Nsga2Crossover.Uniform), ("sbx", Nsga2Crossover.Sbx), ("blx", Nsga2Crossover.Blx), ("blx_alpha", Nsga2Crossover.Blx)),
            CrossoverProbability = StrategyOptions.Double(options, "crossover_prob", defaults.CrossoverProbability),
            SwappingProbability = StrategyOptions.Double(options, "swapping_prob", defaults.SwappingProbability),
        });
    }
}
