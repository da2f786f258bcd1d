using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>The sampling strategy of a study: which sampler, its seed and its options.</summary>
/// <remarks>
/// In a file: <c>strategy: random</c>, or <c>strategy: { name: grid }</c>, or
/// <c>strategy: { name: random, seed: 42 }</c>, or <c>strategy: { name: gp, n_startup_trials: 10 }</c>.
/// The names and option keys the loader accepts are listed in its catalog (<c>random</c>,
/// <c>grid</c>, <c>gp</c>, …), so that a misspelt option is reported with its position.
/// </remarks>
public sealed record StrategyDefinition
{
    /// <summary>The sampler's name: <c>random</c>, <c>grid</c> or <c>gp</c>.</summary>
    /// <remarks>The default value is <c>random</c>.</remarks>
    public string Name { get; init; } = "random";

    /// <summary>The study seed from which every trial's random stream derives.</summary>
    /// <remarks>The default value is <see langword="null"/>: the caller picks a seed (and should record it).</remarks>
    public ulong? Seed { get; init; }

    /// <summary>The sampler's other options as plain values (string, long, double, bool), by their names in the file.</summary>
    /// <remarks>The default value is empty.</remarks>
    public ImmutableSortedDictionary<string, object?> Options { get; init; } = ImmutableSortedDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal);
}
