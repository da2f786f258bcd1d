using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>The pruner of a study, which stops unpromising trials from their intermediate values.</summary>
/// <remarks>
/// In a file: <c>pruner: median</c>, or <c>pruner: { name: median, n_warmup_steps: 5 }</c>. The
/// loader accepts <c>none</c>, <c>median</c> (<c>n_startup_trials</c>, <c>n_warmup_steps</c>,
/// <c>interval_steps</c>), <c>successive_halving</c> (<c>min_resource</c>, <c>reduction_factor</c>,
/// <c>min_early_stopping_rate</c>) and <c>hyperband</c> (<c>min_resource</c>, <c>max_resource</c>,
/// <c>reduction_factor</c>), with Optuna's option names; the pruner checks the values' ranges.
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
