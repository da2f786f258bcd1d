using System.Text;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;

namespace Vernier.Samplers.CmaEs;

/// <summary>
/// The numeric parameters CMA-ES searches jointly, in name order, each mapped to [0, 1] by
/// <see cref="UnitScale"/>; integer and stepped parameters are "discrete" and cut the unit
/// interval into cells, one per value.
/// </summary>
internal sealed class CmaEsSpace
{
    public CmaEsSpace(IReadOnlyList<string> names, IReadOnlyList<ParameterDistribution> distributions)
    {
        Names = [.. names];
        Distributions = [.. distributions];
        Discrete = new bool[Names.Length];
        var key = new StringBuilder();
        for (int j = 0; j < Names.Length; j++)
        {
            Discrete[j] = UnitScale.CellWidth(Distributions[j]) > 0;
            key.Append(Names[j]).Append('=').Append(Distributions[j]).Append(';');
        }

        Key = RandomStream.StableHash(key.ToString()).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    public string[] Names { get; }

    public ParameterDistribution[] Distributions { get; }

    /// <summary>Whether each dimension is an integer or stepped parameter.</summary>
    public bool[] Discrete { get; }

    public int Dimension => Names.Length;

    /// <summary>A short fingerprint of the names and distributions, stored with the optimizer state.</summary>
    public string Key { get; }

    public bool HasDiscrete => Array.IndexOf(Discrete, true) >= 0;

    /// <summary>The numeric parameters of a relative search space, in ordinal name order.</summary>
    public static CmaEsSpace From(IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        var names = new List<string>();
        var distributions = new List<ParameterDistribution>();
        foreach (var (name, distribution) in searchSpace.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (UnitScale.IsNumeric(distribution) && !distribution.IsSingle)
            {
                names.Add(name);
                distributions.Add(distribution);
            }
        }

        return new CmaEsSpace(names, distributions);
    }

    /// <summary>The internal value a unit position stands for.</summary>
    public double ToValue(int j, double unit) => UnitScale.FromUnit(Distributions[j], unit);

    /// <summary>The unit position of an internal value.</summary>
    public double ToUnit(int j, double value) => UnitScale.ToUnit(Distributions[j], value);

    /// <summary>
    /// The unit interval [lo, hi] of the discrete cell holding a position: lo is 0 for the first
    /// value's cell, hi is 1 for the last one's.
    /// </summary>
    public (double Lo, double Hi) Cell(int j, double unit)
    {
        ParameterDistribution distribution = Distributions[j];
        double value = UnitScale.FromUnit(distribution, unit);
        double halfStep = distribution switch
        {
            IntDistribution i => i.Step / 2.0,
            FloatDistribution { Step: double s } => s / 2,
            NormalDistribution { Step: double s } => s / 2,
            _ => throw new InvalidOperationException($"{distribution} is not discrete."),
        };

        double lo = UnitScale.ToUnit(distribution, value - halfStep);
        double hi = UnitScale.ToUnit(distribution, value + halfStep);
        return (lo <= 1e-12 ? 0 : lo, hi >= 1 - 1e-12 ? 1 : hi);
    }
}
