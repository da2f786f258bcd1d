using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers.Nsga2;

/// <summary>Crossover and mutation: a child's parameters from two parents.</summary>
internal static class Nsga2Variation
{
    /// <summary>The distribution index of simulated binary crossover (Deb et al., 2002 use 20).</summary>
    private const double SbxEta = 20;

    /// <summary>The α of BLX-α.</summary>
    private const double BlxAlpha = 0.5;

    /// <summary>
    /// The child's internal values by name. A parameter left out has been mutated: the sampler
    /// draws it afresh, uniformly.
    /// </summary>
    public static Dictionary<string, double> Child(
        IReadOnlyList<KeyValuePair<string, ParameterDistribution>> space,
        FrozenTrial first,
        FrozenTrial second,
        Nsga2SamplerOptions options,
        double mutationProbability,
        RandomStream random)
    {
        var child = new Dictionary<string, double>(space.Count, StringComparer.Ordinal);
        bool crossover = random.NextDouble() < options.CrossoverProbability;
        foreach (var (name, distribution) in space)
        {
            double a = first.Parameters[name].InternalValue;
            double b = second.Parameters[name].InternalValue;
            double value = !crossover ? a
                : distribution is CategoricalDistribution || options.Crossover == Nsga2Crossover.Uniform ? (random.NextDouble() < options.SwappingProbability ? b : a)
                : UnitScale.FromUnit(distribution, Blend(options.Crossover, UnitScale.ToUnit(distribution, a), UnitScale.ToUnit(distribution, b), random));
            if (random.NextDouble() >= mutationProbability)
            {
                child[name] = value;
            }
        }

        return child;
    }

    /// <summary>A numeric crossover of two positions in [0, 1], clipped to [0, 1].</summary>
    internal static double Blend(Nsga2Crossover crossover, double a, double b, RandomStream random)
    {
        double child;
        if (crossover == Nsga2Crossover.Sbx)
        {
            double u = random.NextDouble();
            double beta = u <= 0.5
                ? Math.Pow(2 * u, 1 / (SbxEta + 1))
                : Math.Pow(1 / (2 * (1 - u)), 1 / (SbxEta + 1));
            double sign = random.NextDouble() < 0.5 ? 1 : -1;
            child = 0.5 * ((a + b) + sign * beta * (a - b));
        }
        else
        {
            double low = Math.Min(a, b);
            double high = Math.Max(a, b);
            double spread = BlxAlpha * (high - low);
            child = random.NextDouble(low - spread, high + spread);
        }

        return Math.Clamp(child, 0, 1);
    }
}
