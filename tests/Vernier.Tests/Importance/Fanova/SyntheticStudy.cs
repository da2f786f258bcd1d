using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Trials;

namespace Vernier.Tests.Importance.Fanova;

/// <summary>Random trials over a space, with objective values from a known function: studies whose importances are known.</summary>
internal static class SyntheticStudy
{
    /// <summary>Draws <paramref name="count"/> complete trials; <paramref name="present"/> says which parameters a trial has (all by default).</summary>
    public static IReadOnlyList<FrozenTrial> Draw(
        int count, IReadOnlyList<(string Name, ParameterDistribution Distribution)> space,
        Func<IReadOnlyDictionary<string, object?>, double[]> objective, ulong seed = 1,
        Func<IReadOnlyDictionary<string, object?>, string, bool>? present = null)
    {
        var random = new RandomStream(seed);
        var trials = new List<FrozenTrial>(count);
        for (int n = 0; n < count; n++)
        {
            var parameters = ImmutableDictionary.CreateBuilder<string, TrialParameter>();
            var values = new Dictionary<string, object?>();
            foreach (var (name, distribution) in space)
            {
                if (present is not null && !present(values, name))
                {
                    continue;
                }

                var parameter = new TrialParameter(distribution, DrawValue(distribution, random));
                parameters[name] = parameter;
                values[name] = parameter.Value;
            }

            trials.Add(new FrozenTrial
            {
                TrialId = n,
                Number = n,
                State = TrialState.Complete,
                Parameters = parameters.ToImmutable(),
                Values = [.. objective(values)],
            });
        }

        return trials;
    }

    public static double Number(IReadOnlyDictionary<string, object?> values, string name) =>
        Convert.ToDouble(values[name], System.Globalization.CultureInfo.InvariantCulture);

    private static double DrawValue(ParameterDistribution distribution, RandomStream random) => distribution switch
    {
        FloatDistribution { Log: true } f => Math.Exp(random.NextDouble(Math.Log(f.Low), Math.Log(f.High))),
        FloatDistribution f => random.NextDouble(f.Low, f.High),
        IntDistribution i => random.NextInt64(i.Low, i.High),
        CategoricalDistribution c => random.NextInt64(c.Choices.Count),
        _ => throw new ArgumentException("unsupported distribution", nameof(distribution)),
    };
}
