using Vernier.Samplers.CmaEs;

namespace Vernier.Runner.Config;

/// <summary>Builds the <c>cmaes</c> sampler from a study file's strategy options.</summary>
internal static class CmaEsStrategy
{
    public static readonly string[] OptionKeys = ["inc_popsize", "n_startup_trials", "popsize", "restart_strategy", "sigma0", "with_margin"];

    /// <summary>The sampler the options describe; the sampler's options check the ranges.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    public static CmaEsSampler Create(IReadOnlyDictionary<string, object?> options)
    {
        var defaults = new CmaEsSamplerOptions();
        return new CmaEsSampler(new CmaEsSamplerOptions
        {
            Sigma0 = StrategyOptions.NullableDouble(options, "sigma0") ?? defaults.Sigma0,
            NStartupTrials = StrategyOptions.Int(options, "n_startup_trials", defaults.NStartupTrials),
            PopulationSize = StrategyOptions.NullableInt(options, "popsize") ?? defaults.PopulationSize,
            IncPopSize = StrategyOptions.Int(options, "inc_popsize", defaults.IncPopSize),
            WithMargin = StrategyOptions.Bool(options, "with_margin", defaults.WithMargin),
            RestartStrategy = StrategyOptions.Choice(options, "restart_strategy", defaults.RestartStrategy, ("none", CmaEsRestartStrategy.None), ("ipop", CmaEsRestartStrategy.Ipop)),
        });
    }
}
