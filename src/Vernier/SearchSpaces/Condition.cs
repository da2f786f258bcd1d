using System.Globalization;
using Vernier.Distributions;

namespace Vernier.SearchSpaces;

/// <summary>
/// A predicate over parameter values, used for conditional parameters (<c>when</c>) and constraints.
/// A condition on a parameter that is absent (itself conditional and inactive) is false.
/// </summary>
public abstract record Condition
{
    private protected Condition()
    {
    }

    /// <summary>The parameters the condition reads.</summary>
    public abstract IEnumerable<string> Parameters { get; }

    /// <summary>Evaluates the condition.</summary>
    /// <param name="values">The values chosen so far, by name (external values).</param>
    public abstract bool IsSatisfiedBy(IReadOnlyDictionary<string, object?> values);

    /// <summary><paramref name="parameter"/> equals <paramref name="value"/>.</summary>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="value">The value.</param>
    public static Condition Equal(string parameter, object? value) => new InCondition(parameter, [value]);

    /// <summary><paramref name="parameter"/> equals one of <paramref name="values"/>.</summary>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="values">The accepted values.</param>
    public static Condition In(string parameter, params object?[] values) => new InCondition(parameter, values);

    /// <summary>A numeric comparison, e.g. <c>lr &gt; 0.01</c>.</summary>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="comparison">The operator.</param>
    /// <param name="value">The number to compare with.</param>
    public static Condition Compare(string parameter, Comparison comparison, double value) => new ComparisonCondition(parameter, comparison, value);

    /// <summary>All of the conditions hold.</summary>
    /// <param name="conditions">The conditions.</param>
    public static Condition All(params Condition[] conditions) => new AllCondition(conditions);
}

/// <summary>A numeric comparison operator.</summary>
public enum Comparison
{
    /// <summary>&lt;</summary>
    LessThan,

    /// <summary>&lt;=</summary>
    LessThanOrEqual,

    /// <summary>&gt;</summary>
    GreaterThan,

    /// <summary>&gt;=</summary>
    GreaterThanOrEqual,

    /// <summary>!=</summary>
    NotEqual,
}

/// <summary>The parameter's value is one of a list.</summary>
public sealed record InCondition : Condition
{
    /// <summary>Creates the condition.</summary>
    /// <param name="parameter">The parameter's name.</param>
    /// <param name="values">Accepted values (strings, numbers, booleans, null); at least one.</param>
    public InCondition(string parameter, IEnumerable<object?> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        ArgumentNullException.ThrowIfNull(values);
        Parameter = parameter;
        Values = [.. values.Select(CategoricalDistribution.Normalise)];
        if (Values.Count == 0)
        {
            throw new ArgumentException($"a condition on '{parameter}' needs at least one value.");
        }
    }

    /// <summary>The parameter's name.</summary>
    public string Parameter { get; }

    /// <summary>The accepted values.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <inheritdoc />
    public override IEnumerable<string> Parameters => [Parameter];

    /// <inheritdoc />
    public override bool IsSatisfiedBy(IReadOnlyDictionary<string, object?> values) =>
        values.TryGetValue(Parameter, out object? actual) && Values.Any(v => ValuesEqual(v, actual));

    /// <inheritdoc />
    public override string ToString() => Values.Count == 1
        ? $"{Parameter} == {CategoricalDistribution.FormatChoice(Values[0])}"
        : $"{Parameter} in [{string.Join(", ", Values.Select(CategoricalDistribution.FormatChoice))}]";

    /// <inheritdoc />
    public bool Equals(InCondition? other) => other is not null && other.Parameter == Parameter && other.Values.SequenceEqual(Values);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Parameter, Values.Count);

    private static bool ValuesEqual(object? expected, object? actual) => (expected, CategoricalDistribution.Normalise(actual)) switch
    {
        (null, null) => true,
        (long a, double b) => a == b,
        (double a, long b) => a == b,
        (double a, double b) => a == b || Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b)),
        var (a, b) => Equals(a, b),
    };
}

/// <summary>A numeric comparison against a constant.</summary>
/// <param name="Parameter">The parameter's name.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The constant.</param>
public sealed record ComparisonCondition(string Parameter, Comparison Operator, double Value) : Condition
{
    /// <inheritdoc />
    public override IEnumerable<string> Parameters => [Parameter];

    /// <inheritdoc />
    public override bool IsSatisfiedBy(IReadOnlyDictionary<string, object?> values)
    {
        if (!values.TryGetValue(Parameter, out object? actual))
        {
            return false;
        }

        double? number = CategoricalDistribution.Normalise(actual) switch
        {
            long l => l,
            double d => d,
            _ => null,
        };
        return number is double x && Operator switch
        {
            Comparison.LessThan => x < Value,
            Comparison.LessThanOrEqual => x <= Value,
            Comparison.GreaterThan => x > Value,
            Comparison.GreaterThanOrEqual => x >= Value,
            Comparison.NotEqual => x != Value,
            _ => false,
        };
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string op = Operator switch
        {
            Comparison.LessThan => "<",
            Comparison.LessThanOrEqual => "<=",
            Comparison.GreaterThan => ">",
            Comparison.GreaterThanOrEqual => ">=",
            _ => "!=",
        };
        return $"{Parameter} {op} {Value.ToString("R", CultureInfo.InvariantCulture)}";
    }
}

/// <summary>Every inner condition holds.</summary>
public sealed record AllCondition : Condition
{
    /// <summary>Creates the conjunction.</summary>
    /// <param name="conditions">At least one condition.</param>
    public AllCondition(IEnumerable<Condition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        Conditions = [.. conditions];
        if (Conditions.Count == 0)
        {
            throw new ArgumentException("a conjunction needs at least one condition.");
        }
    }

    /// <summary>The conditions.</summary>
    public IReadOnlyList<Condition> Conditions { get; }

    /// <inheritdoc />
    public override IEnumerable<string> Parameters => Conditions.SelectMany(c => c.Parameters).Distinct();

    /// <inheritdoc />
    public override bool IsSatisfiedBy(IReadOnlyDictionary<string, object?> values) => Conditions.All(c => c.IsSatisfiedBy(values));

    /// <inheritdoc />
    public override string ToString() => string.Join(" and ", Conditions);

    /// <inheritdoc />
    public bool Equals(AllCondition? other) => other is not null && other.Conditions.SequenceEqual(Conditions);

    /// <inheritdoc />
    public override int GetHashCode() => Conditions.Count;
}
