namespace Vernier.Pruners;

/// <summary>The options of <see cref="SuccessiveHalvingPruner"/>. Every option has a documented default; the pruner validates them when it is created.</summary>
public sealed class SuccessiveHalvingPrunerOptions
{
    /// <summary>
    /// The step of the first rung (before <see cref="MinEarlyStoppingRate"/> is applied), ≥ 1.
    /// Config key: <c>min_resource</c>. The default value is <see langword="null"/> ("auto"): the
    /// last step (0-based) of the first complete trial divided by 100 (integer division), at least 1,
    /// as in Optuna: 300 steps (0…299) give 2. Until a trial completes, nothing is pruned.
    /// </summary>
    public long? MinResource { get; set; }

    /// <summary>
    /// η: rung k is at step MinResource·η^(MinEarlyStoppingRate+k), and a trial reaching a rung goes
    /// on only when it is in the top 1/η of the values recorded at that rung. At least 2. Config key:
    /// <c>reduction_factor</c>. The default value is 4.
    /// </summary>
    public int ReductionFactor { get; set; } = 4;

    /// <summary>
    /// s: shifts every rung up by the factor η^s (larger values prune later and less). At least 0.
    /// Config key: <c>min_early_stopping_rate</c>. The default value is 0.
    /// </summary>
    public int MinEarlyStoppingRate { get; set; }

    /// <summary>
    /// How many trials (this one included) must have reached a rung before any trial is promoted
    /// past it; trials reaching the rung earlier are pruned. At least 0. Config key:
    /// <c>bootstrap_count</c>. The default value is 0.
    /// </summary>
    public int BootstrapCount { get; set; }

    internal void Validate()
    {
        if (MinResource is < 1)
        {
            throw new ArgumentException($"min_resource must be at least 1 or null (auto); got {MinResource}.", nameof(MinResource));
        }

        if (ReductionFactor < 2)
        {
            throw new ArgumentException($"reduction_factor must be at least 2; got {ReductionFactor}.", nameof(ReductionFactor));
        }

        if (MinEarlyStoppingRate < 0)
        {
            throw new ArgumentException($"min_early_stopping_rate must be at least 0; got {MinEarlyStoppingRate}.", nameof(MinEarlyStoppingRate));
        }

        if (BootstrapCount < 0)
        {
            throw new ArgumentException($"bootstrap_count must be at least 0; got {BootstrapCount}.", nameof(BootstrapCount));
        }
    }
}
