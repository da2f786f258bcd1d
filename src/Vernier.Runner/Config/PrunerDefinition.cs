using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>The pruner of a study, which stops unpromising trials from their intermediate values.</summary>
/// <remarks>
/// In a file: <c>pruner: none</c>, or <c>pruner: { name: NAME, option: value }</c>. The names and
/// option keys the loader accepts are those of the pruners this build has (the config catalog):
/// today only <c>none</c>. Option values are passed to the pruner, which checks their ranges.
/// </remarks>
public sealed record PrunerDefinition
{
    /// <summary>The pruner's name.</summary>
    /// <remarks>The default value is <c>none</c>: no trial is pruned.</remarks>
    public string Name { get; init; } = "none";

    /// <summary>The pruner's options as plain values, by their names in the file.</summary>
    /// <remarks>The default value is empty: the pruner's own defaults.</remarks>
    public ImmutableSortedDictionary<string, object?> Options { get; init; } = ImmutableSortedDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal);
}
