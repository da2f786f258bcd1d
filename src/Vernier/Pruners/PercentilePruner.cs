using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>
/// Stops a trial whose best intermediate value so far is worse than a percentile of the values
/// the completed trials reported at the same step, as Optuna's <c>PercentilePruner</c>.
/// </summary>
/// <remarks>
/// <para>Config name: <c>percentile</c>, options <c>percentile</c>, <c>n_startup_trials</c>,
/// <c>n_warmup_steps</c>, <c>interval_steps</c>, <c>n_min_trials</c>.</para>
/// <para>NaN: a trial whose reported values are all NaN is pruned (it has diverged); NaN values of
/// other trials are left out of the percentile. A step at which fewer than
/// <see cref="PercentilePrunerOptions.MinTrials"/> completed trials reported never prunes. Only the
/// first objective is used.</para>
/// </remarks>
/// <example><code>Study.Builder("s").WithPruner(new PercentilePruner(new PercentilePrunerOptions { Percentile = 25 }))</code></example>
public sealed class PercentilePruner : Pruner
{
    private readonly PercentilePrunerOptions _options;

    /// <summary>Creates the pruner with default options (the median).</summary>
    public PercentilePruner()
        : this(new PercentilePrunerOptions())
    {
    }

    /// <summary>Creates the pruner.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public PercentilePruner(PercentilePrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "percentile";

    /// <summary>The options.</summary>
    public PercentilePrunerOptions Options => _options;

    /// <inheritdoc />
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Trial.LastIntermediateValue is not { Key: long step })
        {
            return false;
        }

        if (step < _options.WarmupSteps || (step - _options.WarmupSteps) % _options.IntervalSteps != 0)
        {
            return false;
        }

        List<FrozenTrial> completed = [.. context.History.Where(t => t.State == TrialState.Complete)];
        if (completed.Count < _options.StartupTrials)
        {
            return false;
        }

        StudyDirection direction = context.Directions[0];
        double best = BestSoFar(context.Trial, direction);
        if (double.IsNaN(best))
        {
            return true;
        }

        List<double> atStep = [.. completed.Select(t => t.IntermediateValues.TryGetValue(step, out double v) ? v : double.NaN).Where(v => !double.IsNaN(v))];
        if (atStep.Count < _options.MinTrials)
        {
            return false;
        }

        // For maximization the bar is the mirrored percentile: "top 25 %" is the 75th percentile of values.
        double percentile = direction == StudyDirection.Minimize ? _options.Percentile : 100 - _options.Percentile;
        double bar = Percentile(atStep, percentile);
        return direction.IsBetter(bar, best);
    }

    /// <summary>The best of a trial's reported values (NaN left out), or NaN if it has none.</summary>
    internal static double BestSoFar(FrozenTrial trial, StudyDirection direction)
    {
        double best = double.NaN;
        foreach (double value in trial.IntermediateValues.Values)
        {
            if (!double.IsNaN(value) && (double.IsNaN(best) || direction.IsBetter(value, best)))
            {
                best = value;
            }
        }

        return best;
    }

    /// <summary>The linear-interpolation percentile (as numpy's default) of non-empty values.</summary>
    internal static double Percentile(List<double> values, double percentile)
    {
        values.Sort();
        double rank = percentile / 100 * (values.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, values.Count - 1);
        return values[below] + (rank - below) * (values[above] - values[below]);
    }
}
