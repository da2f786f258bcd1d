using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>The sampling strategy of a study: which sampler, its seed and its options.</summary>
/// <remarks>
/// In a file: <c>strategy: tpe</c>, or <c>strategy: { name: tpe, seed: 42, multivariate: true }</c>.
/// Each sampler declares its name and option keys in the loader's catalog, so that a misspelt
/// option is reported with its position; <c>docs/study-files.md</c> lists them.
/// </remarks>
public sealed record StrategyDefinition
{
    /// <summary>The sampler's name: <c>random</c>, <c>grid</c>, <c>qmc</c>, <c>nsga2</c>, … (see <see cref="StudyComposition.SamplerNames"/>).</summary>
    /// <remarks>The default value is <c>auto</c>: a sampler chosen from the objectives, the space and the history.</remarks>
    public string Name { get; init; } = "auto";

    /// <summary>The study seed from which every trial's random stream derives.</summary>
    /// <remarks>The default value is <see langword="null"/>: the caller picks a seed (and should record it).</remarks>
    public ulong? Seed { get; init; }

    /// <summary>The sampler's other options as plain values (string, long, double, bool), by their names in the file.</summary>
    /// <remarks>The default value is empty.</remarks>
    public ImmutableSortedDictionary<string, object?> Options { get; init; } = ImmutableSortedDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal);
}
