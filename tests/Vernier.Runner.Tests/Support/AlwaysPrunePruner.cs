using Vernier.Pruners;

namespace Vernier.Runner.Tests.Support;

/// <summary>A pruner that stops every trial at its first report, and counts how often it was asked.</summary>
internal sealed class AlwaysPrunePruner : Pruner
{
    private int _calls;

    public override string Name => "always";

    public int Calls => Volatile.Read(ref _calls);

    public override bool Prune(PrunerContext context)
    {
        Interlocked.Increment(ref _calls);
        return true;
    }
}
