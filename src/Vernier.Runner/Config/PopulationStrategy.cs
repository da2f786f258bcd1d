using Vernier.Samplers.Population;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>population</c> sampler (population based training) from a study file's strategy options.</summary>
internal static class PopulationStrategy
{
    public static readonly string[] OptionKeys =
        ["max_steps", "mutations", "perturbation_factors", "perturbation_interval", "population_size", "quantile_fraction", "resample_probability"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static PopulationSampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new PopulationSamplerOptions();
        return new PopulationSampler(new PopulationSamplerOptions
        {
            PopulationSize = StrategyOptions.Int(options, "population_size", defaults.PopulationSize),
            PerturbationInterval = Long(options, "perturbation_interval") ?? defaults.PerturbationInterval,
            MaxSteps = Long(options, "max_steps"),
            QuantileFraction = StrategyOptions.Double(options, "quantile_fraction", defaults.QuantileFraction),
            ResampleProbability = StrategyOptions.Double(options, "resample_probability", defaults.ResampleProbability),
            PerturbationFactors = List(options, "perturbation_factors", "numbers", v => v switch
            {
                long l => (double)l,
                double d => d,
                _ => null as double?,
            }) is { } factors ? [.. factors.Select(f => f!.Value)] : defaults.PerturbationFactors,
            Mutations = List(options, "mutations", "parameter names", v => v as string) is { } names ? [.. names.Select(n => n!)] : null,
        });
    }

    private static long? Long(IReadOnlyDictionary<string, object?> options, string key) =>
        !options.TryGetValue(key, out object? value) || value is null ? null
        : value switch
        {
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            _ => throw new ArgumentException($"option '{key}' must be an integer, got {Distributions.CategoricalDistribution.FormatChoice(value)}."),
        };

    private static List<T>? List<T>(IReadOnlyDictionary<string, object?> options, string key, string what, Func<object?, T?> convert)
    {
        if (!options.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        if (value is not IReadOnlyList<object?> items)
        {
            throw new ArgumentException($"option '{key}' must be a list of {what}, e.g. [a, b].");
        }

        var result = new List<T>(items.Count);
        foreach (object? item in items)
        {
            result.Add(convert(item) ?? throw new ArgumentException($"option '{key}' must be a list of {what}, got {Distributions.CategoricalDistribution.FormatChoice(item)} in it."));
        }

        return result;
    }

}
