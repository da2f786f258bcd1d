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
        var result = new QmcSamplerOptions();
        if (options.TryGetValue("sequence", out object? sequence))
        {
            result = new QmcSamplerOptions
            {
                Sequence = sequence switch
                {
                    string s when s.Equals("sobol", StringComparison.OrdinalIgnoreCase) => QmcSequence.Sobol,
                    string s when s.Equals("halton", StringComparison.OrdinalIgnoreCase) => QmcSequence.Halton,
                    _ => throw new ArgumentException($"sequence must be sobol or halton, got '{sequence}'."),
                },
            };
        }

        if (options.TryGetValue("scramble", out object? scramble))
        {
            result = new QmcSamplerOptions
            {
                Sequence = result.Sequence,
                Scramble = scramble as bool? ?? throw new ArgumentException($"scramble must be true or false, got '{scramble}'."),
            };
        }

        return new QmcSampler(result);
    }
}
