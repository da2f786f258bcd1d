using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Support;

/// <summary>Synthetic trials for plots: a log float, a linear int and a categorical; every state present.</summary>
internal static class SampleStudies
{
    public static readonly FloatDistribution LearningRate = new(1e-5, 1e-1, log: true);
    public static readonly IntDistribution Layers = new(1, 8);
    public static readonly CategoricalDistribution Optimizer = new(["adam", "sgd", "rmsprop"]);
    public static readonly IReadOnlyList<StudyDirection> Minimize = [StudyDirection.Minimize];
    public static readonly IReadOnlyList<StudyDirection> MinMax = [StudyDirection.Minimize, StudyDirection.Maximize];
    public static readonly IReadOnlyList<StudyDirection> Three = [StudyDirection.Minimize, StudyDirection.Minimize, StudyDirection.Maximize];

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// <paramref name="count"/> trials: every 10th failed, every 7th pruned (with learning curves), the last running,
    /// the rest complete; <paramref name="objectives"/> values each; two workers.
    /// </summary>
    public static List<FrozenTrial> Mixed(int count, int objectives = 1, ulong seed = 1)
    {
        var trials = new List<FrozenTrial>(count);
        var random = new RandomStream(seed);
        for (int n = 0; n < count; n++)
        {
            double lr = Math.Exp(Math.Log(1e-5) + (random.NextDouble() * (Math.Log(1e-1) - Math.Log(1e-5))));
            long layers = 1 + (long)(random.NextDouble() * 8) % 8;
            int optimizer = (int)(random.NextDouble() * 3) % 3;
            double loss = Math.Pow(Math.Log10(lr) + 3, 2) + (0.1 * layers) + optimizer + random.NextDouble();
            TrialState state = n == count - 1 && count > 3 ? TrialState.Running
                : n % 10 == 9 ? TrialState.Failed
                : n % 7 == 6 ? TrialState.Pruned
                : TrialState.Complete;
            var curve = ImmutableSortedDictionary<long, double>.Empty;
            int steps = state == TrialState.Pruned ? 3 : 5;
            for (int s = 0; s < steps; s++)
            {
                curve = curve.Add(s, loss + (5.0 / (s + 1)));
            }

            var values = state == TrialState.Complete
                ? objectives switch
                {
                    1 => ImmutableArray.Create(loss),
                    2 => ImmutableArray.Create(loss, loss + (random.NextDouble() * 3)),
                    _ => ImmutableArray.Create(loss, layers + random.NextDouble(), loss + (random.NextDouble() * 3)),
                }
                : [];
            trials.Add(Trial(n, state, values, lr, layers, optimizer, curve));
        }

        return trials;
    }

    public static FrozenTrial Trial(
        int number, TrialState state, ImmutableArray<double> values, double lr = 1e-3, long layers = 2, int optimizer = 0,
        ImmutableSortedDictionary<long, double>? curve = null)
    {
        var worker = JsonSerializer.SerializeToElement(new { host = "node" + (number % 2), process_id = 100 + (number % 2) });
        return new FrozenTrial
        {
            TrialId = number + 1,
            Number = number,
            State = state,
            Values = values,
            Parameters = ImmutableDictionary<string, TrialParameter>.Empty
                .Add("lr", new TrialParameter(LearningRate, lr))
                .Add("layers", new TrialParameter(Layers, layers))
                .Add("optimizer", new TrialParameter(Optimizer, optimizer)),
            IntermediateValues = curve ?? ImmutableSortedDictionary<long, double>.Empty,
            SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, worker),
            StartedAt = Start.AddMinutes(number),
            CompletedAt = state == TrialState.Running ? null : Start.AddMinutes(number + 0.8),
            FailReason = state == TrialState.Failed ? "boom" : null,
        };
    }
}
