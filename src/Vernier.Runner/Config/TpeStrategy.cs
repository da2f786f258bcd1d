using Vernier.Samplers.Tpe;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>tpe</c> sampler from a study file's strategy options.</summary>
internal static class TpeStrategy
{
    public static readonly string[] OptionKeys = ["consider_endpoints", "constant_liar", "group", "multivariate", "n_ei_candidates", "n_startup_trials", "prior_weight"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static TpeSampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new TpeSamplerOptions();
        return new TpeSampler(new TpeSamplerOptions
        {
            StartupTrials = StrategyOptions.Int(options, "n_startup_trials", defaults.StartupTrials),
            EiCandidates = StrategyOptions.Int(options, "n_ei_candidates", defaults.EiCandidates),
            Multivariate = StrategyOptions.Bool(options, "multivariate", defaults.Multivariate),
            Group = StrategyOptions.Bool(options, "group", defaults.Group),
            ConstantLiar = StrategyOptions.Bool(options, "constant_liar", defaults.ConstantLiar),
            PriorWeight = StrategyOptions.Double(options, "prior_weight", defaults.PriorWeight),
            ConsiderEndpoints = StrategyOptions.Bool(options, "consider_endpoints", defaults.ConsiderEndpoints),
        });
    }
}
