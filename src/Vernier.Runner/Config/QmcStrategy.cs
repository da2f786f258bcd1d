using Vernier.Samplers.Qmc;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>qmc</c> sampler from a study file's strategy options (<c>sequence</c>, <c>scramble</c>).</summary>
internal static class QmcStrategy
{
    public static readonly string[] OptionKeys = ["scramble", "sequence"];

    /// <summary>The sampler the options describe.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static QmcSampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new QmcSamplerOptions();
        return new QmcSampler(new QmcSamplerOptions
        {
            Sequence = StrategyOptions.Choice(options, "sequence", defaults.Sequence, ("sobol", QmcSequence.Sobol), ("halton", QmcSequence.Halton)),
            Scramble = StrategyOptions.Bool(options, "scramble", defaults.Scramble),
        });
    }
}
