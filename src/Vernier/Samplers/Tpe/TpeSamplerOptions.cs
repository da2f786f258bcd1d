namespace Vernier.Samplers.Tpe;

/// <summary>The options of <see cref="TpeSampler"/>. Every option has a documented default; the sampler validates them when it is created.</summary>
public sealed class TpeSamplerOptions
{
    /// <summary>
    /// How many finished (complete or pruned) trials are drawn at random before the model takes
    /// over. Config key: <c>n_startup_trials</c>. The default value is 10.
    /// </summary>
    public int StartupTrials { get; set; } = 10;

    /// <summary>
    /// How many candidates are drawn from the "good" density l(x) per choice; the one with the best
    /// ratio l(x)/g(x) is taken. Config key: <c>n_ei_candidates</c>. The default value is 24.
    /// </summary>
    public int EiCandidates { get; set; } = 24;

    /// <summary>
    /// Whether to model the parameters every finished trial shares jointly (one Parzen estimator
    /// over their intersection) instead of one at a time. Other parameters are still chosen one at
    /// a time. Config key: <c>multivariate</c>. The default value is <see langword="false"/>.
    /// </summary>
    public bool Multivariate { get; set; }

    /// <summary>
    /// With <see cref="Multivariate"/>, splits the parameters into groups that always occur
    /// together (the branches of a conditional space) and models each group jointly. Requires
    /// <see cref="Multivariate"/>. Config key: <c>group</c>. The default value is <see langword="false"/>.
    /// </summary>
    public bool Group { get; set; }

    /// <summary>
    /// Whether running trials count as bad results ("above" the split) until they finish, so that
    /// asks made in parallel spread out instead of repeating the same promising point. Config key:
    /// <c>constant_liar</c>. The default value is <see langword="true"/> (Vernier often asks in
    /// parallel; with one sequential worker there are no running trials and it changes nothing).
    /// </summary>
    public bool ConstantLiar { get; set; } = true;

    /// <summary>
    /// The weight of the prior kernel (wide, centred on the range; uniform for categoricals) next
    /// to each observation's weight of at most 1. Larger values explore more. Config key:
    /// <c>prior_weight</c>. The default value is 1.0.
    /// </summary>
    public double PriorWeight { get; set; } = 1.0;

    /// <summary>
    /// Whether the range's ends count as neighbours when a one-dimensional kernel's bandwidth is set
    /// from the distances to its neighbours (wider kernels near the ends). Config key:
    /// <c>consider_endpoints</c>. The default value is <see langword="false"/>.
    /// </summary>
    public bool ConsiderEndpoints { get; set; }

    /// <summary>
    /// How many of n considered trials form the "good" group, given n. The default value is
    /// <see langword="null"/>: min(⌈0.1 n⌉, 25), as in Optuna. Results are clipped to [0, n].
    /// </summary>
    public Func<int, int>? Gamma { get; set; }

    /// <summary>The default split size: min(⌈0.1 n⌉, 25).</summary>
    /// <param name="n">The number of trials considered.</param>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    internal void Validate()
    {
        if (StartupTrials < 0)
        {
            throw new ArgumentException($"StartupTrials (n_startup_trials) must be 0 or more, got {StartupTrials}.");
        }

        if (EiCandidates < 1)
        {
            throw new ArgumentException($"EiCandidates (n_ei_candidates) must be at least 1, got {EiCandidates}.");
        }

        if (!(PriorWeight > 0) || double.IsInfinity(PriorWeight))
        {
            throw new ArgumentException($"PriorWeight (prior_weight) must be a positive finite number, got {PriorWeight}.");
        }

        if (Group && !Multivariate)
        {
            throw new ArgumentException("Group (group) needs Multivariate (multivariate) to be true.");
        }
    }
}
