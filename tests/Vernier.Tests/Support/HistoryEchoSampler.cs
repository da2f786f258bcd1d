using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Trials;

namespace Vernier.Tests.Support;

/// <summary>
/// A sampler whose suggestion encodes exactly what it was shown: the numbers, states and values of
/// the history. Two studies that showed their samplers different histories cannot suggest the same.
/// </summary>
internal sealed class HistoryEchoSampler : Sampler
{
    public override string Name => "history-echo";

    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        double code = 0;
        foreach (FrozenTrial trial in context.History)
        {
            double value = trial.Values.IsEmpty ? 0 : trial.Values[0];
            code = (code * 31 + trial.Number * 7 + (int)trial.State + value + trial.Parameters.Count) % 1000;
        }

        return ((FloatDistribution)distribution).Clamp(code / 1000.0);
    }
}
