namespace Vernier.Runner.Config;

/// <summary>
/// The samplers and pruners a study file may name, with the option keys each accepts. A sampler
/// or pruner added to Vernier declares its option keys here, so that a misspelt option is reported
/// with its position like any other key instead of failing when the study starts. Option values
/// are plain scalars; their ranges are checked by the sampler or pruner that receives them.
/// </summary>
internal static class Catalog
{
    public static readonly IReadOnlyDictionary<string, string[]> Strategies = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["random"] = [],
        ["grid"] = [],
        ["qmc"] = QmcStrategy.OptionKeys,
        ["tpe"] = TpeStrategy.OptionKeys,
        ["gp"] = GpStrategy.OptionKeys,
        ["cmaes"] = CmaEsStrategy.OptionKeys,
        ["nsga2"] = Nsga2Strategy.OptionKeys,
        ["auto"] = AutoStrategy.OptionKeys,
        ["population"] = PopulationStrategy.OptionKeys,
        ["bayesian"] = AutoStrategy.OptionKeys,
        ["pbt"] = PopulationStrategy.OptionKeys,
    };

    /// <summary>Strategy options whose value is a list of scalars rather than one scalar.</summary>
    public static readonly IReadOnlySet<string> ListOptionKeys = new HashSet<string>(StringComparer.Ordinal) { "mutations", "perturbation_factors" };

    /// <summary>Other names for strategies: a file may write either, and the definition holds the canonical one.</summary>
    public static readonly IReadOnlyDictionary<string, string> StrategyAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bayesian"] = "auto",
        ["pbt"] = "population",
    };

    /// <summary>
    /// What to say when a pruner's name is really a strategy's: population based training chooses
    /// parameters (and checkpoints), so it is a strategy, not a pruner. Empty for other names.
    /// </summary>
    public static string PrunerNameHint(string name) =>
        ResolvesTo(name, "population")
            ? "population based training chooses the parameters, so it is a strategy: write strategy: { name: population } (or --sampler population) and no pruner; "
            : "";

    private static bool ResolvesTo(string name, string strategy) =>
        Strategies.ContainsKey(name) && CanonicalStrategy(name) == strategy;

    /// <summary>The canonical name of a strategy name or alias.</summary>
    public static string CanonicalStrategy(string name) => StrategyAliases.TryGetValue(name, out string? canonical) ? canonical : name;

    /// <summary>The pruners this build has; each lists the option keys it accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Pruners = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["none"] = [],
        ["median"] = PrunerStrategies.MedianKeys,
        ["percentile"] = PrunerStrategies.PercentileKeys,
        ["patient"] = PrunerStrategies.PatientKeys,
        ["threshold"] = PrunerStrategies.ThresholdKeys,
        ["successive_halving"] = PrunerStrategies.SuccessiveHalvingKeys,
        ["asha"] = PrunerStrategies.SuccessiveHalvingKeys,
        ["hyperband"] = PrunerStrategies.HyperbandKeys,
        ["wilcoxon"] = PrunerStrategies.WilcoxonKeys,
    };

    /// <summary>The canonical name of a pruner name or alias (<c>asha</c> is <c>successive_halving</c>).</summary>
    public static string CanonicalPruner(string name) => name == "asha" ? "successive_halving" : name;
}
