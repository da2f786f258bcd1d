using Vernier.Samplers.Auto;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>auto</c> sampler (alias <c>bayesian</c>) from a study file's strategy options.</summary>
internal static class AutoStrategy
{
    public static readonly string[] OptionKeys = ["gp_trials"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static AutoSampler Create(IReadOnlyDictionary<string, object?> options) =>
        new(new AutoSamplerOptions { GpTrials = StrategyOptions.Int(options, "gp_trials", new AutoSamplerOptions().GpTrials) });
}
