using Vernier.Samplers.GaussianProcess;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>gp</c> sampler from a study file's strategy options.</summary>
internal static class GpStrategy
{
    public static readonly string[] OptionKeys = ["deterministic_objective", "max_observations", "n_startup_trials"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static GpSampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new GpSamplerOptions();
        return new GpSampler(new GpSamplerOptions
        {
            NStartupTrials = StrategyOptions.Int(options, "n_startup_trials", defaults.NStartupTrials),
            DeterministicObjective = StrategyOptions.Bool(options, "deterministic_objective", defaults.DeterministicObjective),
            MaxObservations = StrategyOptions.Int(options, "max_observations", defaults.MaxObservations),
        });
    }
}
