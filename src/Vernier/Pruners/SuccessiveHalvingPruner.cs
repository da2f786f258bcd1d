namespace Vernier.Pruners;

/// <summary>
/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
/// Hyperparameter Tuning", MLSys 2020): trials climb rungs at steps r·η^(s+k), and a trial that
/// reaches a rung goes on only when its value there is in the top 1/η of all values recorded at
/// that rung so far (its own included); otherwise it is pruned.
/// </summary>
/// <remarks>
/// <para>Config name: <c>successive_halving</c>. Only the first objective's direction is used; NaN
/// intermediate values count as the worst (a trial reporting NaN at a rung is pruned).</para>
/// <para>A trial reaches a rung at the first step it reports that is ≥ the rung's step, and its
/// value at the rung is the value reported at that step (the rung step itself when every step is
/// reported). Each rung is judged once, at the first <c>ShouldPrune()</c> call after the trial
/// reaches it (so asking less often than every <c>Report</c> only delays decisions): a call judges,
/// in order, every rung reached and not yet passed, and the number of rungs passed is stored with
/// the trial (system attribute <c>asha_passed_rungs</c>), so a promotion is final; between rungs
/// nothing is pruned. When fewer than η trials have reached a rung, a
/// trial is promoted only if no other trial there is strictly better. Every trial in the study that
/// reported values (running, complete, pruned) competes. Like every pruner it is a pure function of
/// its context (the trial's stored passed-rung count included): the rung values are recomputed from
/// the intermediate values on each call.</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("demo").WithPruner(new SuccessiveHalvingPruner()).CreateAsync();</code></example>
public sealed class SuccessiveHalvingPruner : Pruner
{
    private readonly long? _minResource;
    private readonly int _reductionFactor;
    private readonly int _minEarlyStoppingRate;
    private readonly int _bootstrapCount;

    /// <summary>Creates a pruner with the default options (auto min resource, η = 4).</summary>
    public SuccessiveHalvingPruner()
        : this(new SuccessiveHalvingPrunerOptions())
    {
    }

    /// <summary>Creates a pruner; the options are validated and copied.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SuccessiveHalvingPruner(SuccessiveHalvingPrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _minResource = options.MinResource;
        _reductionFactor = options.ReductionFactor;
        _minEarlyStoppingRate = options.MinEarlyStoppingRate;
        _bootstrapCount = options.BootstrapCount;
    }

    /// <inheritdoc />
    public override string Name => "successive_halving";

    /// <inheritdoc />
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long? minResource = _minResource ?? EstimateMinResource(context);
        return minResource is { } r
            && AshaRung.ShouldPrune(context, r, _reductionFactor, _minEarlyStoppingRate, _bootstrapCount, isCompetitor: null);
    }

    /// <summary>Auto min resource, as Optuna estimates it: the first complete trial's last step (0-based) / 100, at least 1; null before any trial completes.</summary>
    internal static long? EstimateMinResource(PrunerContext context) =>
        AshaRung.FirstCompletedStepCount(context.History) is { } steps ? Math.Max((steps - 1) / 100, 1) : null;
}
