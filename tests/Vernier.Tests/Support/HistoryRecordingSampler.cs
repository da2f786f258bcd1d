using System.Collections.Concurrent;
using Vernier.Distributions;
using Vernier.Samplers;

namespace Vernier.Tests.Support;

/// <summary>A random sampler that records, per trial number, the numbers of the trials it was shown.</summary>
internal sealed class HistoryRecordingSampler : Sampler
{
    public ConcurrentDictionary<int, int[]> Shown { get; } = new();

    public override string Name => "history-recording";

    public override void BeforeTrial(SamplerContext context) =>
        Shown[context.TrialNumber] = [.. context.History.Select(t => t.Number)];

    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution) =>
        RandomSampler.Draw(context.CreateRandom(name), distribution);
}
