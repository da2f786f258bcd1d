using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Samplers;

/// <summary>The base of every sampler: what parameters to try next, given the study's history.</summary>
/// <remarks>
/// <para>The lifecycle of one trial, as in Optuna's <c>BaseSampler</c>:</para>
/// <list type="number">
/// <item><see cref="BeforeTrial"/>, once.</item>
/// <item><see cref="InferRelativeSearchSpace"/> then <see cref="SampleRelative"/>: the parameters
/// the sampler chooses jointly (e.g. a GP or CMA-ES over the parameters every trial shares).</item>
/// <item><see cref="SampleIndependent"/> for every other parameter, one at a time, as the
/// objective asks for it.</item>
/// <item><see cref="AfterTrial"/>, once, when the trial has finished.</item>
/// </list>
/// <para>Every method is a pure function of its <see cref="SamplerContext"/> (see its remarks). A
/// sampler that keeps state between trials stores it with the trials through
/// <see cref="SamplerContext.SetTrialSystemAttribute"/>, never in fields, so that a study resumed
/// in another process continues exactly. Instances may be used from several threads at once.</para>
/// <para>New hooks are added as virtual members with neutral defaults, so existing samplers keep working.</para>
/// </remarks>
public abstract class Sampler
{
    /// <summary>The name used in config files and the CLI (e.g. <c>random</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Called before anything is sampled for a trial. Does nothing by default.</summary>
    /// <param name="context">The trial's context.</param>
    public virtual void BeforeTrial(SamplerContext context)
    {
    }

    /// <summary>The parameters to sample jointly for this trial. None by default.</summary>
    /// <param name="context">The trial's context.</param>
    public virtual IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context) =>
        ImmutableDictionary<string, ParameterDistribution>.Empty;

    /// <summary>Samples the relative search space jointly; returns internal values by name. None by default.</summary>
    /// <param name="context">The trial's context.</param>
    /// <param name="searchSpace">What <see cref="InferRelativeSearchSpace"/> returned.</param>
    public virtual IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace) =>
        ImmutableDictionary<string, double>.Empty;

    /// <summary>Samples one parameter on its own; returns its internal value, which must lie in the distribution.</summary>
    /// <param name="context">The trial's context.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="distribution">Its distribution.</param>
    public abstract double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution);

    /// <summary>Called once the trial has finished. Does nothing by default.</summary>
    /// <param name="context">The trial's context.</param>
    /// <param name="trial">The finished trial.</param>
    public virtual void AfterTrial(SamplerContext context, FrozenTrial trial)
    {
    }

    /// <summary>
    /// True when the sampler has nothing left to suggest (a grid that has been fully visited): the
    /// optimize loop then stops. False by default.
    /// </summary>
    /// <param name="history">The study's trials.</param>
    public virtual bool IsExhausted(IReadOnlyList<FrozenTrial> history) => false;

    /// <summary>
    /// True for a sampler whose bookkeeping needs every trial of the study (the grid's visited
    /// points), which therefore ignores a pruner's narrower <c>SamplerHistory</c>.
    /// </summary>
    internal virtual bool NeedsWholeHistory => false;

    /// <summary>
    /// False for a sampler that never looks at other trials (random search): the ask path then skips reading the
    /// study's trials on every ask, which is what limits many workers sharing one study on a server.
    /// </summary>
    internal virtual bool ReadsHistory => true;
}
