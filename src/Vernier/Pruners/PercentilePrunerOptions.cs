namespace Vernier.Pruners;

/// <summary>Options of the <see cref="PercentilePruner"/> and, without <see cref="Percentile"/>, of the <see cref="MedianPruner"/>.</summary>
public sealed class PercentilePrunerOptions
{
    /// <summary>
    /// The percentile (0–100) of the other trials' values at the same step that the trial must
    /// beat: with 25, a minimizing trial is stopped unless it is among the best quarter. The
    /// default value is 50 (the median).
    /// </summary>
    public double Percentile { get; set; } = 50;

    /// <summary>No trial is pruned until this many trials have completed. The default value is 5.</summary>
    public int StartupTrials { get; set; } = 5;

    /// <summary>No trial is pruned before it reports this step. The default value is 0.</summary>
    public long WarmupSteps { get; set; }

    /// <summary>Pruning is checked only at steps WarmupSteps, WarmupSteps + IntervalSteps, …. The default value is 1 (every step).</summary>
    public long IntervalSteps { get; set; } = 1;

    /// <summary>No trial is pruned at a step fewer than this many completed trials reported. The default value is 1.</summary>
    public int MinTrials { get; set; } = 1;

    internal void Validate()
    {
        if (Percentile is < 0 or > 100 || double.IsNaN(Percentile))
        {
            throw new ArgumentException($"Percentile must be between 0 and 100, got {Percentile}.");
        }

        if (StartupTrials < 0 || WarmupSteps < 0 || IntervalSteps < 1 || MinTrials < 1)
        {
            throw new ArgumentException(
                $"StartupTrials and WarmupSteps must be ≥ 0 and IntervalSteps and MinTrials ≥ 1, got {StartupTrials}, {WarmupSteps}, {IntervalSteps}, {MinTrials}.");
        }
    }
}
