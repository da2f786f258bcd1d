using Vernier.Distributions;

namespace Vernier.SearchSpaces;

/// <summary>A rule a declared search space enforces on every suggested combination.</summary>
public abstract record Constraint
{
    private protected Constraint()
    {
    }

    /// <summary>The condition under which the rule applies.</summary>
    public abstract Condition When { get; init; }
}

/// <summary>Combinations matching <see cref="When"/> are never suggested (e.g. <c>opt == sgd and lr &gt; 0.1</c>).</summary>
/// <param name="When">The forbidden combination.</param>
public sealed record ForbiddenCombination(Condition When) : Constraint
{
    /// <inheritdoc />
    public override string ToString() => $"forbid {When}";
}

/// <summary>
/// Under <see cref="When"/>, <see cref="Parameter"/> takes <see cref="Value"/> instead of being
/// searched (e.g. <c>opt == adam → momentum = 0</c>).
/// </summary>
/// <param name="When">The condition.</param>
/// <param name="Parameter">The parameter that is fixed.</param>
/// <param name="Value">Its value; must belong to the parameter's distribution.</param>
public sealed record FixedValue(Condition When, string Parameter, object? Value) : Constraint
{
    /// <inheritdoc />
    public override string ToString() => $"{When} -> {Parameter} = {CategoricalDistribution.FormatChoice(Value)}";
}
