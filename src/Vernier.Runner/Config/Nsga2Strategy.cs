using System.Globalization;
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
            PopulationSize = options.TryGetValue("population_size", out object? size) ? Integer("population_size", size) : defaults.PopulationSize,
            MutationProbability = options.TryGetValue("mutation_prob", out object? mutation) && mutation is not null ? Number("mutation_prob", mutation) : null,
            Crossover = options.TryGetValue("crossover", out object? crossover) ? Crossover(crossover) : defaults.Crossover,
            CrossoverProbability = options.TryGetValue("crossover_prob", out object? crossoverProb) ? Number("crossover_prob", crossoverProb) : defaults.CrossoverProbability,
            SwappingProbability = options.TryGetValue("swapping_prob", out object? swapping) ? Number("swapping_prob", swapping) : defaults.SwappingProbability,
        });
    }

    private static int Integer(string key, object? value) => value switch
    {
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => throw new ArgumentException($"{key} must be an integer, got '{Format(value)}'."),
    };

    private static double Number(string key, object? value) => value switch
    {
        long l => l,
        double d => d,
        _ => throw new ArgumentException($"{key} must be a number, got '{Format(value)}'."),
    };

    private static Nsga2Crossover Crossover(object? value) => (value as string)?.ToLowerInvariant() switch
    {
        "uniform" => Nsga2Crossover.Uniform,
        "sbx" => Nsga2Crossover.Sbx,
        "blx" or "blx_alpha" => Nsga2Crossover.Blx,
        _ => throw new ArgumentException($"crossover must be uniform, sbx or blx, got '{Format(value)}'."),
    };

    private static string Format(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
}
