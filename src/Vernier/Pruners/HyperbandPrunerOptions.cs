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

    /// <summary>
    /// Whether the sampler sees only the trials of the asked trial's own bracket (one model per
    /// bracket, as Optuna's TPE with <c>HyperbandPruner</c>) rather than every trial. Config key:
    /// <c>bracket_history</c>. The default value is <see langword="true"/>. Per-bracket models pay a
    /// sampler's startup trials once per bracket and learn each from a fraction of the trials; with a
    /// budget of a few dozen trials per bracket, <see langword="false"/> (one model of every trial,
    /// pruned trials ranked by the step they reached) usually finds better values.
    /// </summary>
    public bool BracketHistory { get; set; } = true;

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
