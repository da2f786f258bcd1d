namespace Vernier.Pruners;

/// <summary>Never prunes. The default. Config name: <c>none</c>.</summary>
public sealed class NopPruner : Pruner
{
    /// <inheritdoc />
    public override string Name => "none";

    /// <inheritdoc />
    public override bool Prune(PrunerContext context) => false;
}
