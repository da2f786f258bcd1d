using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The relative search space as the Gaussian process sees it: one input per parameter, numeric
/// ones in [0, 1] through <see cref="UnitScale"/> (log-aware, integers and steps by cell) and
/// categorical ones as their choice index.
/// </summary>
internal sealed class EncodedSpace
{
    public EncodedSpace(IReadOnlyDictionary<string, ParameterDistribution> space)
    {
        Names = [.. space.Keys.Order(StringComparer.Ordinal)];
        Distributions = [.. Names.Select(n => space[n])];
        Categorical = [.. Distributions.Select(d => d is CategoricalDistribution)];
        CellWidths = [.. Distributions.Select(d => d is CategoricalDistribution ? 0 : UnitScale.CellWidth(d))];
        ChoiceCounts = [.. Distributions.Select(d => d is CategoricalDistribution c ? c.Choices.Count : 0)];
    }

    /// <summary>The parameters' names, ordered.</summary>
    public string[] Names { get; }

    /// <summary>The distributions, in the order of <see cref="Names"/>.</summary>
    public ParameterDistribution[] Distributions { get; }

    /// <summary>Which inputs are categorical.</summary>
    public bool[] Categorical { get; }

    /// <summary>The width of one grid cell in unit coordinates; 0 for continuous inputs and categoricals.</summary>
    public double[] CellWidths { get; }

    /// <summary>The number of choices of categorical inputs; 0 for numeric ones.</summary>
    public int[] ChoiceCounts { get; }

    /// <summary>The number of inputs.</summary>
    public int Dimension => Names.Length;

    /// <summary>A key naming the space, stored with warm-start hyperparameters.</summary>
    public string Key => string.Join("|", Names.Select((n, i) => n + (Categorical[i] ? ":c" : ":n")));

    /// <summary>Whether input d is a continuous number (searched by gradient).</summary>
    public bool IsContinuous(int d) => !Categorical[d] && CellWidths[d] == 0;

    /// <summary>
    /// Encodes a trial's parameters into <paramref name="destination"/>; false when the trial
    /// lacks one of them or has it with another distribution.
    /// </summary>
    public bool TryEncode(FrozenTrial trial, Span<double> destination)
    {
        for (int d = 0; d < Names.Length; d++)
        {
            if (!trial.Parameters.TryGetValue(Names[d], out TrialParameter? parameter) || !parameter.Distribution.Equals(Distributions[d]))
            {
                return false;
            }

            destination[d] = Categorical[d] ? parameter.InternalValue : UnitScale.ToUnit(Distributions[d], parameter.InternalValue);
        }

        return true;
    }

    /// <summary>Moves a numeric input to the centre of its grid cell (no-op for continuous inputs and categoricals).</summary>
    public double Snap(int d, double unit)
    {
        if (Categorical[d] || CellWidths[d] == 0)
        {
            return Math.Clamp(unit, 0, 1);
        }

        return UnitScale.ToUnit(Distributions[d], UnitScale.FromUnit(Distributions[d], unit));
    }

    /// <summary>The internal value for input d.</summary>
    public double Decode(int d, double encoded) =>
        Categorical[d] ? Math.Clamp(Math.Round(encoded), 0, ChoiceCounts[d] - 1) : UnitScale.FromUnit(Distributions[d], encoded);
}
