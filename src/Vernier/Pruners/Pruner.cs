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
}
