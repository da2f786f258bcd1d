namespace Vernier.Pruners;

/// <summary>
/// Stops a trial whose best intermediate value so far is worse than the median of the values the
/// completed trials reported at the same step: the <see cref="PercentilePruner"/> at 50, as
/// Optuna's <c>MedianPruner</c>. The usual first choice.
/// </summary>
/// <remarks>Config name: <c>median</c>, options <c>n_startup_trials</c>, <c>n_warmup_steps</c>, <c>interval_steps</c>, <c>n_min_trials</c>.</remarks>
/// <example><code>Study.Builder("s").WithPruner(new MedianPruner())</code></example>
public sealed class MedianPruner : Pruner
{
    private readonly PercentilePruner _percentile;

    /// <summary>Creates the pruner with default options.</summary>
    public MedianPruner()
        : this(new PercentilePrunerOptions())
    {
    }

    /// <summary>Creates the pruner; <see cref="PercentilePrunerOptions.Percentile"/> must be left at 50.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range, or the percentile is not 50.</exception>
    public MedianPruner(PercentilePrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Percentile != 50)
        {
            throw new ArgumentException($"the median pruner's percentile is 50, got {options.Percentile}; use PercentilePruner for another.");
        }

        _percentile = new PercentilePruner(options);
    }

    /// <inheritdoc />
    public override string Name => "median";

    /// <summary>The options.</summary>
    public PercentilePrunerOptions Options => _percentile.Options;

    /// <inheritdoc />
    public override bool Prune(PrunerContext context) => _percentile.Prune(context);
}
