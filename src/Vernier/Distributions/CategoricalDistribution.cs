using System.Globalization;

namespace Vernier.Distributions;

/// <summary>A parameter that takes one of a fixed list of choices: strings, numbers, booleans (or null).</summary>
/// <remarks>
/// Numbers are normalised so that a choice survives a round trip through JSON: integers become
/// <see cref="long"/>, other numbers <see cref="double"/>, and <c>1</c> and <c>1.0</c> are the same choice.
/// The internal value is the index of the choice.
/// </remarks>
public sealed record CategoricalDistribution : ParameterDistribution
{
    private readonly object?[] _choices;

    /// <summary>Creates and validates a categorical distribution.</summary>
    /// <param name="choices">At least one choice, all distinct; strings, numbers, booleans or null.</param>
    /// <exception cref="ArgumentException">The list is empty, repeats a choice, or holds an unsupported type.</exception>
    public CategoricalDistribution(IEnumerable<object?> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var normalised = new List<object?>();
        foreach (object? choice in choices)
        {
            object? c = Normalise(choice);
            if (normalised.Exists(existing => ChoiceEquals(existing, c)))
            {
                throw new ArgumentException($"choices must be distinct, but {FormatChoice(c)} appears more than once.");
            }

            normalised.Add(c);
        }

        if (normalised.Count == 0)
        {
            throw new ArgumentException("choices must not be empty.");
        }

        _choices = [.. normalised];
    }

    /// <summary>The choices, in the order given.</summary>
    public IReadOnlyList<object?> Choices => _choices;

    /// <inheritdoc />
    public override bool IsSingle => _choices.Length == 1;

    /// <inheritdoc />
    public override bool Contains(double internalValue) =>
        internalValue >= 0 && internalValue < _choices.Length && internalValue == Math.Floor(internalValue);

    /// <summary>The index of a choice, or -1.</summary>
    /// <param name="value">A choice.</param>
    public int IndexOf(object? value)
    {
        object? v;
        try
        {
            v = Normalise(value);
        }
        catch (ArgumentException)
        {
            return -1;
        }

        return Array.FindIndex(_choices, c => ChoiceEquals(c, v));
    }

    /// <inheritdoc />
    public override double ToInternal(object? value)
    {
        int index = IndexOf(value);
        if (index < 0)
        {
            throw new ArgumentException($"{FormatChoice(value)} is not one of the choices {this}.");
        }

        return index;
    }

    /// <inheritdoc />
    public override object? ToExternal(double internalValue) => _choices[(int)internalValue];

    /// <inheritdoc />
    public override bool IsCompatibleWith(ParameterDistribution other) => Equals(other as CategoricalDistribution);

    /// <inheritdoc />
    public bool Equals(CategoricalDistribution? other) =>
        other is not null && other._choices.Length == _choices.Length &&
        _choices.Zip(other._choices).All(pair => ChoiceEquals(pair.First, pair.Second) && SameKind(pair.First, pair.Second));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (object? c in _choices)
        {
            hash.Add(c is long l ? (double)l : c);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "categorical[" + string.Join(", ", _choices.Select(FormatChoice)) + "]";

    /// <summary>Formats a choice for messages and command lines: strings bare, numbers invariant, booleans lower case.</summary>
    /// <param name="choice">A choice.</param>
    public static string FormatChoice(object? choice) => choice switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => choice.ToString() ?? "",
    };

    /// <summary>Brings a choice to its canonical type (long, double, string, bool or null).</summary>
    /// <param name="choice">A user-supplied choice.</param>
    /// <exception cref="ArgumentException">The type is not supported.</exception>
    public static object? Normalise(object? choice) => choice switch
    {
        null => null,
        string or bool or long => choice,
        double d when double.IsNaN(d) => throw new ArgumentException("NaN is not a valid choice."),
        double => choice,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        decimal m => (double)m,
        _ => throw new ArgumentException($"choices must be strings, numbers, booleans or null, got {FloatDistribution.Describe(choice)}."),
    };

    private static bool ChoiceEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        _ => Equals(a, b),
    };

    private static bool SameKind(object? a, object? b) =>
        (a is long or double && b is long or double) || a?.GetType() == b?.GetType();
}
