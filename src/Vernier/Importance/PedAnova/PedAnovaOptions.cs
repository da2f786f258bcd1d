namespace Vernier.Importance.PedAnova;

/// <summary>
/// The options of <see cref="PedAnovaImportanceEvaluator"/>. Every option has a documented default
/// (the defaults of Optuna's <c>PedAnovaImportanceEvaluator</c>); the evaluator validates them when it is created.
/// </summary>
public sealed class PedAnovaOptions
{
    /// <summary>
    /// The share of trials that count as good (γ′ in the paper): the importances say which parameters
    /// mattered to reach the best <c>TargetQuantile</c> of the results. Must be in (0, 1) and smaller than
    /// <see cref="RegionQuantile"/>. The default value is 0.1 (the top 10%).
    /// </summary>
    public double TargetQuantile { get; set; } = 0.1;

    /// <summary>
    /// The share of trials that form the baseline the good trials are compared with (γ in the paper):
    /// 1 compares them with every trial; 0.5 measures importance within the better half only. Must be
    /// in (0, 1]. The default value is 1.0 (the baseline is all trials).
    /// </summary>
    public double RegionQuantile { get; set; } = 1.0;

    /// <summary>
    /// The fewest good trials the estimate uses: when the target quantile holds fewer, the best
    /// <c>MinTopTrials</c> trials are the good ones. A parameter that fewer than <c>MinTopTrials</c>
    /// trials have, or whose good trials would be all its baseline trials, gets importance 0.
    /// Must be at least 1. The default value is 2.
    /// </summary>
    public int MinTopTrials { get; set; } = 2;

    /// <summary>
    /// How many points of a numeric parameter's range the densities are compared at (integers and stepped
    /// floats with fewer values than this are compared at each value). Must be at least 2. The default value is 50.
    /// </summary>
    public int GridPoints { get; set; } = 50;

    /// <summary>
    /// The weight of the uniform prior mixed into each density, next to a weight of 1 per trial; it keeps
    /// the densities positive and damps the noise of few good trials. Must be positive and finite. The default value is 1.0.
    /// </summary>
    public double PriorWeight { get; set; } = 1.0;

    /// <summary>
    /// Whether a parameter is judged over the part of its range (or the choices) the baseline trials
    /// actually visited, rather than over its whole declared range: the importances then describe the
    /// search as it went, and a range widened or narrowed mid-study does not skew them. The default value
    /// is <see langword="true"/>.
    /// </summary>
    public bool EvaluateOnLocal { get; set; } = true;

    internal void Validate()
    {
        if (!(TargetQuantile > 0 && TargetQuantile < 1))
        {
            throw new ArgumentException($"TargetQuantile must be in (0, 1), got {TargetQuantile}.");
        }

        if (!(RegionQuantile > 0 && RegionQuantile <= 1))
        {
            throw new ArgumentException($"RegionQuantile must be in (0, 1], got {RegionQuantile}.");
        }

        if (TargetQuantile >= RegionQuantile)
        {
            throw new ArgumentException($"TargetQuantile ({TargetQuantile}) must be smaller than RegionQuantile ({RegionQuantile}): the good trials are a part of the baseline.");
        }

        if (MinTopTrials < 1)
        {
            throw new ArgumentException($"MinTopTrials must be at least 1, got {MinTopTrials}.");
        }

        if (GridPoints < 2)
        {
            throw new ArgumentException($"GridPoints must be at least 2, got {GridPoints}.");
        }

        if (!(PriorWeight > 0) || double.IsInfinity(PriorWeight))
        {
            throw new ArgumentException($"PriorWeight must be a positive finite number, got {PriorWeight}.");
        }
    }
}
