namespace Vernier.Pruners;

/// <summary>The options of <see cref="WilcoxonPruner"/>. Every option has a documented default; the pruner validates them when it is created.</summary>
public sealed class WilcoxonPrunerOptions
{
    /// <summary>
    /// A trial is pruned when the one-sided p-value that it is not worse than the best trial falls
    /// strictly below this, between 0 and 1. Larger values prune more aggressively. As the test is
    /// repeated after every step, expect roughly twice this rate of good trials pruned by mistake.
    /// Config key: <c>p_threshold</c>. The default value is 0.1.
    /// </summary>
    public double PValueThreshold { get; set; } = 0.1;

    /// <summary>
    /// No trial is pruned until it shares at least this many steps (instances) with the best trial,
    /// at least 0. Config key: <c>n_startup_steps</c>. The default value is 2.
    /// </summary>
    public int StartupSteps { get; set; } = 2;

    internal void Validate()
    {
        if (!(PValueThreshold is >= 0 and <= 1))
        {
            throw new ArgumentException($"p_threshold must be between 0 and 1; got {PValueThreshold}.", nameof(PValueThreshold));
        }

        if (StartupSteps < 0)
        {
            throw new ArgumentException($"n_startup_steps must be at least 0; got {StartupSteps}.", nameof(StartupSteps));
        }
    }
}
