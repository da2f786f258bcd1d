using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>Decides whether a running trial should stop early: one decision, one method.</summary>
/// <remarks>
/// Called when objective code asks <c>Trial.ShouldPrune()</c> (and by the runner after each
/// reported step of a command objective). Like samplers, pruners are pure functions of their
/// context and may be called from several threads at once.
/// </remarks>
public abstract class Pruner
{
    /// <summary>The name used in config files and the CLI (e.g. <c>none</c>, <c>median</c>).</summary>
    public abstract string Name { get; }

    /// <summary>True when the trial should stop now.</summary>
    /// <param name="context">The trial and the study's other trials.</param>
    public abstract bool Prune(PrunerContext context);

    /// <summary>
    /// The trials the sampler sees when it chooses the parameters of trial
    /// <paramref name="trialNumber"/>: all of <paramref name="history"/> by default. A pruner that
    /// runs separate populations (Hyperband's brackets) returns only the trial's own population, so
    /// that model-based samplers fit each one apart (TPE + Hyperband = BOHB). Like
    /// <see cref="Prune"/>, a pure function of its arguments.
    /// </summary>
    /// <param name="directions">One direction per objective.</param>
    /// <param name="trialNumber">The number of the trial being asked for.</param>
    /// <param name="history">The study's other trials, as the sampler would see them.</param>
    /// <returns>A subset of <paramref name="history"/>, in its order.</returns>
    public virtual IReadOnlyList<FrozenTrial> SamplerHistory(IReadOnlyList<StudyDirection> directions, int trialNumber, IReadOnlyList<FrozenTrial> history) => history;
}
