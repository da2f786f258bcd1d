namespace Vernier.Pruners;

/// <summary>The options of <see cref="HyperbandPruner"/>. Every option has a documented default; the pruner validates them when it is created.</summary>
public sealed class HyperbandPrunerOptions
{
    /// <summary>The smallest resource (step) a trial gets before it can be pruned, ≥ 1. Config key: <c>min_resource</c>. The default value is 1.</summary>
    public long MinResource { get; set; } = 1;

    /// <summary>
    /// The largest resource (step) a trial can use, ≥ <see cref="MinResource"/>. Config key:
    /// <c>max_resource</c>. The default value is <see langword="null"/> ("auto"): the number of steps
    /// of the first complete trial (its last step + 1), as in Optuna. Until a trial completes, nothing is pruned.
    /// </summary>
    public long? MaxResource { get; set; }

    /// <summary>η, shared by every bracket's successive halving, at least 2. Config key: <c>reduction_factor</c>. The default value is 3.</summary>
    public int ReductionFactor { get; set; } = 3;

    internal void Validate()
    {
        if (MinResource < 1)
        {
            throw new ArgumentException($"min_resource must be at least 1; got {MinResource}.", nameof(MinResource));
        }

        if (MaxResource is { } max && max < MinResource)
        {
            throw new ArgumentException($"max_resource must be at least min_resource ({MinResource}) or null (auto); got {max}.", nameof(MaxResource));
        }

        if (ReductionFactor < 2)
        {
            throw new ArgumentException($"reduction_factor must be at least 2; got {ReductionFactor}.", nameof(ReductionFactor));
        }
    }
}
