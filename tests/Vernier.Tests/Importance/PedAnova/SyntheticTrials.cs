using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Trials;

namespace Vernier.Tests.Importance.PedAnova;

/// <summary>Random trials of a known objective, built directly as snapshots (no study, no storage).</summary>
internal static class SyntheticTrials
{
    public static readonly FloatDistribution Unit = new(0, 1);

    /// <summary>
    /// <paramref name="count"/> complete trials: <paramref name="draw"/> picks each trial's parameters (external values)
    /// from the random stream, <paramref name="objective"/> turns them into the objective values.
    /// </summary>
    public static List<FrozenTrial> Make(
        int count,
        Func<RandomStream, Dictionary<string, (ParameterDistribution Distribution, object Value)>> draw,
        Func<IReadOnlyDictionary<string, object>, double[]> objective,
        ulong seed = 1)
    {
        var random = new RandomStream(seed);
        var trials = new List<FrozenTrial>();
        for (int number = 0; number < count; number++)
        {
            var drawn = draw(random);
            var parameters = drawn.ToImmutableDictionary(p => p.Key, p => TrialParameter.FromValue(p.Value.Distribution, p.Value.Value));
            trials.Add(new FrozenTrial
            {
                TrialId = number + 1,
                Number = number,
                State = TrialState.Complete,
                Parameters = parameters,
                Values = [.. objective(drawn.ToDictionary(p => p.Key, p => p.Value.Value))],
            });
        }

        return trials;
    }

    /// <summary>A uniform float in the distribution's range (log-uniform for a log one).</summary>
    public static (ParameterDistribution, object) Float(RandomStream random, FloatDistribution distribution) =>
        (distribution, distribution.Log
            ? Math.Exp(random.NextDouble(Math.Log(distribution.Low), Math.Log(distribution.High)))
            : random.NextDouble(distribution.Low, distribution.High));

    public static (ParameterDistribution, object) Int(RandomStream random, IntDistribution distribution) =>
        (distribution, random.NextInt64(distribution.Low, distribution.High));

    public static (ParameterDistribution, object) Choice(RandomStream random, CategoricalDistribution distribution) =>
        (distribution, distribution.Choices[(int)random.NextInt64(distribution.Choices.Count)]!);
}
