namespace Vernier.Pruners;

/// <summary>
/// Stops a trial whose latest intermediate value is NaN or outside [lower, upper], as Optuna's
/// <c>ThresholdPruner</c>: for runs that diverge or are clearly hopeless.
/// </summary>
/// <remarks>Config name: <c>threshold</c>, options <c>lower</c>, <c>upper</c>, <c>n_warmup_steps</c>, <c>interval_steps</c>.</remarks>
/// <example><code>Study.Builder("s").WithPruner(new ThresholdPruner(upper: 10))</code></example>
public sealed class ThresholdPruner : Pruner
{
    /// <summary>Creates the pruner.</summary>
    /// <param name="lower">Prune below this value; null for no lower bound.</param>
    /// <param name="upper">Prune above this value; null for no upper bound.</param>
    /// <param name="warmupSteps">No pruning before this step. The default value is 0.</param>
    /// <param name="intervalSteps">Check only every this many steps after the warm-up. The default value is 1.</param>
    /// <exception cref="ArgumentException">No bound, lower above upper, a NaN bound, or a negative warm-up or interval below 1.</exception>
    public ThresholdPruner(double? lower = null, double? upper = null, long warmupSteps = 0, long intervalSteps = 1)
    {
        if (lower is null && upper is null)
        {
            throw new ArgumentException("give a lower bound, an upper bound or both.");
        }

        if (lower is double l && double.IsNaN(l) || upper is double u && double.IsNaN(u) || lower > upper)
        {
            throw new ArgumentException($"the bounds must be numbers with lower ≤ upper, got {lower} and {upper}.");
        }

        if (warmupSteps < 0 || intervalSteps < 1)
        {
            throw new ArgumentException($"warmupSteps must be ≥ 0 and intervalSteps ≥ 1, got {warmupSteps} and {intervalSteps}.");
        }

        Lower = lower;
        Upper = upper;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
    }

    /// <inheritdoc />
    public override string Name => "threshold";

    /// <summary>The lower bound, or null.</summary>
    public double? Lower { get; }

    /// <summary>The upper bound, or null.</summary>
    public double? Upper { get; }

    /// <summary>No pruning before this step.</summary>
    public long WarmupSteps { get; }

    /// <summary>Checked only every this many steps after the warm-up.</summary>
    public long IntervalSteps { get; }

    /// <inheritdoc />
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Trial.LastIntermediateValue is not { } last || last.Key < WarmupSteps || (last.Key - WarmupSteps) % IntervalSteps != 0)
        {
            return false;
        }

        return double.IsNaN(last.Value) || last.Value < Lower || last.Value > Upper;
    }
}
