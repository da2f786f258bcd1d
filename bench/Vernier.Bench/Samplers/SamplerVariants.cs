using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Samplers;
using Vernier.SearchSpaces;

namespace Vernier.Bench.Samplers;

/// <summary>
/// The benchmark's sampler names. A plain name (<c>random</c>, <c>tpe</c>, …) is any sampler this build registers in
/// <see cref="StudyComposition.SamplerNames"/>, built with its defaults; a variant is a benchmark name for one of them
/// with options, written as the <c>strategy:</c> block of a study file and read by the study-file loader, so that option
/// keys and values are checked (a misspelt key fails instead of being ignored). This table is the only place that knows
/// sampler options; the Optuna script uses the same names for its counterparts.
/// </summary>
internal static class SamplerVariants
{
    /// <summary>Variant name → (registered sampler, its <c>strategy:</c> block in YAML flow style).</summary>
    public static readonly IReadOnlyDictionary<string, (string Sampler, string Strategy)> Table =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["tpe-multivariate"] = ("tpe", "{ name: tpe, multivariate: true }"),
            ["qmc-unscrambled"] = ("qmc", "{ name: qmc, scramble: false }"),
        };

    /// <summary>Every name this build can run: the registered samplers, then the variants of registered samplers.</summary>
    public static IReadOnlyList<string> AvailableNames =>
        [.. StudyComposition.SamplerNames, .. Table.Where(v => StudyComposition.SamplerNames.Contains(v.Value.Sampler)).Select(v => v.Key)];

    /// <summary>The default benchmark set: every available name except the grid (none of the functions has a finite grid).</summary>
    public static IReadOnlyList<string> DefaultNames => [.. AvailableNames.Where(n => n != "grid")];

    /// <summary>The strategy a benchmark name stands for.</summary>
    /// <exception cref="VernierException">A variant's options are not what its sampler accepts.</exception>
    public static StrategyDefinition Strategy(string name)
    {
        if (!Table.TryGetValue(name, out var variant))
        {
            return new StrategyDefinition { Name = name };
        }

        string study = "space: { x: { type: float, low: 0, high: 1 } }\nobjective: { command: [a], metric: m }\nstrategy: " + variant.Strategy + "\n";
        try
        {
            return StudyDefinitionLoader.Parse(study, $"variant {name}").Strategy;
        }
        catch (ConfigException e)
        {
            throw new VernierException($"the benchmark variant '{name}' ({variant.Strategy}) does not load: {e.Message}", e);
        }
    }

    /// <summary>Creates the sampler for a benchmark name through the runner's composition, as a study file would.</summary>
    /// <exception cref="VernierException">The name is unknown to this build, or the sampler does not suit the space.</exception>
    public static Sampler Create(string name, SearchSpace space) => StudyComposition.CreateSampler(Strategy(name), space);
}
