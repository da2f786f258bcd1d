using System.Runtime.CompilerServices;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Samplers.Population;

/// <summary>
/// Population based training (PBT) of Jaderberg et al., <i>Population Based Training of Neural
/// Networks</i> (2017), with the rules users know from Ray Tune's <c>PopulationBasedTraining</c>
/// scheduler (quantile fraction, resample probability, perturbation factors 1.2 / 0.8).
/// </summary>
/// <remarks>
/// <para>A population of <see cref="PopulationSamplerOptions.PopulationSize"/> members trains in
/// segments of <see cref="PopulationSamplerOptions.PerturbationInterval"/> steps; one trial is one
/// segment of one member (see <see cref="PopulationSegment"/> for the step convention). The objective
/// restores the checkpoint of the trial <see cref="PopulationSegment.RestoreFromTrial"/>, trains
/// the segment's steps and saves a checkpoint under its own trial number.</para>
/// <para>Each ask: while the population is not full, a new member starts from scratch with random
/// parameters. Then the free member (no running trial, below
/// <see cref="PopulationSamplerOptions.MaxSteps"/>) with the fewest steps done trains next (ties:
/// the lowest member id). Members are ranked by the value of their latest complete segment; a
/// member in the bottom quantile (⌈q·n⌉ members, at most ⌊n/2⌋) <b>exploits</b> a member drawn at
/// random from the top quantile — it restores that member's checkpoint — and <b>explores</b>: each
/// mutable parameter is redrawn with <see cref="PopulationSamplerOptions.ResampleProbability"/>,
/// else multiplied by a factor of <see cref="PopulationSamplerOptions.PerturbationFactors"/> and
/// clamped (numbers) or moved to a neighbouring choice (categoricals). Other members continue from
/// their own latest complete segment with the same parameters. A failed or pruned segment does not
/// advance its member: the next one starts again from the member's latest complete segment.</para>
/// <para>The sampler keeps no state: the assignment is a function of the seed and the history, stored
/// with the trial as <c>population:</c> system attributes. It optimizes a single objective, and runs
/// at most <see cref="PopulationSamplerOptions.PopulationSize"/> trials at once. Config name: <c>population</c>.</para>
/// </remarks>
/// <example><code>
/// var study = await Study.Builder("pbt")
///     .WithSampler(new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 8, PerturbationInterval = 10, MaxSteps = 100 }))
///     .WithSeed(42)
///     .CreateAsync();
/// </code></example>
public sealed class PopulationSampler : Sampler
{
    private readonly PopulationSamplerOptions _options;

    /// <summary>
    /// Each context's assignment, computed once per trial. Keyed weakly by the context (which lives
    /// for one trial and whose history never changes), so it holds no state between trials.
    /// </summary>
    private readonly ConditionalWeakTable<SamplerContext, PopulationAssignment> _assignments = [];

    /// <summary>Creates a population sampler with the default options.</summary>
    public PopulationSampler()
        : this(new PopulationSamplerOptions())
    {
    }

    /// <summary>Creates a population sampler; the options are validated and copied.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public PopulationSampler(PopulationSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Copy();
    }

    /// <inheritdoc />
    public override string Name => "population";

    /// <summary>The options in use (a copy of those given).</summary>
    public PopulationSamplerOptions Options => _options.Copy();

    /// <summary>Chooses the trial's member and segment and stores them as <c>population:</c> system attributes.</summary>
    /// <param name="context">The trial's context.</param>
    /// <exception cref="VernierException">Every member that still trains is running (more workers than members), or the study has several objectives.</exception>
    public override void BeforeTrial(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (key, value) in AssignmentOf(context).Segment.ToAttributes())
        {
            context.SetTrialSystemAttribute(key, value);
        }
    }

    /// <summary>The parameter the segment inherits (perturbed when it exploits), or a uniform draw for a new member or a new parameter.</summary>
    /// <param name="context">The trial's context.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="distribution">Its distribution.</param>
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(distribution);
        if (AssignmentOf(context).Parameters.TryGetValue(name, out TrialParameter? inherited) &&
            inherited.Distribution.IsCompatibleWith(distribution) && distribution.Contains(inherited.InternalValue))
        {
            return inherited.InternalValue;
        }

        return RandomSampler.Draw(context.CreateRandom("param:" + name), distribution);
    }

    /// <summary>True when <see cref="PopulationSamplerOptions.MaxSteps"/> is set and every member has reached it.</summary>
    /// <param name="history">The study's trials.</param>
    /// <exception cref="Storage.ConcurrencyLimitExceededException">
    /// No member is free because every member that still trains is running (more workers than
    /// members, or the last segments of a run): the optimize loop waits for one to finish.
    /// </exception>
    public override bool IsExhausted(IReadOnlyList<FrozenTrial> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return PopulationPlanner.IsExhausted(history, _options);
    }

    private PopulationAssignment AssignmentOf(SamplerContext context) =>
        _assignments.GetValue(context, c => PopulationPlanner.Plan(c, _options));
}
