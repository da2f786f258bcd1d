using System.Collections.Immutable;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Samplers;
using Vernier.SearchSpaces;

namespace Vernier.Bench.Samplers;

/// <summary>
/// The benchmark's sampler names. A plain name (<c>random</c>, <c>tpe</c>, …) is any sampler this build registers in
/// <see cref="StudyComposition.SamplerNames"/>, built with its defaults; a variant is a benchmark name for one of them
/// with options. The variant table is the only place that knows sampler option keys; the Optuna script uses the same
/// names for its counterparts.
/// </summary>
internal static class SamplerVariants
{
    /// <summary>Variant name → (registered sampler, options in the study-file spelling).</summary>
    public static readonly IReadOnlyDictionary<string, (string Sampler, ImmutableSortedDictionary<string, object?> Options)> Table =
        new Dictionary<string, (string, ImmutableSortedDictionary<string, object?>)>(StringComparer.Ordinal)
        {
            ["tpe-multivariate"] = ("tpe", Options(("multivariate", true))),
            ["qmc-unscrambled"] = ("qmc", Options(("scramble", false))),
        };

    /// <summary>Every name this build can run: the registered samplers, then the variants of registered samplers.</summary>
    public static IReadOnlyList<string> AvailableNames =>
        [.. StudyComposition.SamplerNames, .. Table.Where(v => StudyComposition.SamplerNames.Contains(v.Value.Sampler)).Select(v => v.Key)];

    /// <summary>The default benchmark set: every available name except the grid (none of the functions has a finite grid).</summary>
    public static IReadOnlyList<string> DefaultNames => [.. AvailableNames.Where(n => n != "grid")];

    /// <summary>The strategy a benchmark name stands for.</summary>
    public static StrategyDefinition Strategy(string name) =>
        Table.TryGetValue(name, out var variant)
            ? new StrategyDefinition { Name = variant.Sampler, Options = variant.Options }
            : new StrategyDefinition { Name = name };

    /// <summary>Creates the sampler for a benchmark name through the runner's composition, as a study file would.</summary>
    /// <exception cref="VernierException">The name is unknown to this build, or the sampler does not suit the space.</exception>
    public static Sampler Create(string name, SearchSpace space) => StudyComposition.CreateSampler(Strategy(name), space);

    private static ImmutableSortedDictionary<string, object?> Options(params (string Key, object? Value)[] options) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, options.Select(o => KeyValuePair.Create(o.Key, o.Value)));
}
