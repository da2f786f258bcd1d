using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;

namespace Vernier.Bench.Importance;

/// <summary>
/// The true importances of a study's function, for reference: each parameter's main-effect variance Var(E[f | xᵢ])
/// under the measure the trials are sampled from (numeric parameters uniform on their unit scale, log-aware; choices
/// equally likely), as shares of their sum. E[f | xᵢ] is estimated at <see cref="Grid"/> points of xᵢ (every choice of
/// a categorical, every cell of a small integer range) with the same <see cref="Samples"/> draws of the other
/// parameters at each point (common random numbers).
/// </summary>
internal static class MainEffects
{
    public const int Grid = 64;

    public const int Samples = 2000;

    public static double[] Shares(ImportanceStudySpec spec, ulong seed)
    {
        ParameterDistribution[] distributions = [.. spec.Parameters.Select(p => p.ToDistribution())];
        var random = new RandomStream(RandomStream.StableHash("vernier-bench-main-effects:" + spec.Name) ^ seed);
        int d = distributions.Length;
        var draws = new double[Samples][];
        for (int s = 0; s < Samples; s++)
        {
            draws[s] = [.. Enumerable.Range(0, d).Select(_ => random.NextDouble())];
        }

        var variances = new double[d];
        for (int i = 0; i < d; i++)
        {
            double[] points = Points(distributions[i]);
            var means = new double[points.Length];
            for (int k = 0; k < points.Length; k++)
            {
                double sum = 0;
                foreach (double[] draw in draws)
                {
                    var values = new Dictionary<string, object?>(d);
                    for (int j = 0; j < d; j++)
                    {
                        values[spec.Parameters[j].Name] = External(distributions[j], j == i ? points[k] : draw[j]);
                    }

                    sum += spec.Objective(values);
                }

                means[k] = sum / Samples;
            }

            double mean = means.Average();
            variances[i] = means.Average(m => (m - mean) * (m - mean));
        }

        double total = variances.Sum();
        return [.. variances.Select(v => total > 0 ? v / total : 0)];
    }

    /// <summary>The positions in [0, 1] a parameter's conditional mean is taken at, each standing for an equal share of its measure.</summary>
    private static double[] Points(ParameterDistribution distribution) => distribution switch
    {
        CategoricalDistribution c => [.. Enumerable.Range(0, c.Choices.Count).Select(k => (k + 0.5) / c.Choices.Count)],
        IntDistribution { Log: false } i when i.GridSize <= Grid => [.. Enumerable.Range(0, (int)i.GridSize).Select(k => (k + 0.5) / i.GridSize)],
        _ => [.. Enumerable.Range(0, Grid).Select(k => (k + 0.5) / Grid)],
    };

    /// <summary>The user-facing value at position <paramref name="unit"/> of the parameter's measure.</summary>
    private static object? External(ParameterDistribution distribution, double unit) => distribution switch
    {
        CategoricalDistribution c => c.Choices[Math.Min((int)(unit * c.Choices.Count), c.Choices.Count - 1)],
        _ => distribution.ToExternal(UnitScale.FromUnit(distribution, unit)),
    };
}
