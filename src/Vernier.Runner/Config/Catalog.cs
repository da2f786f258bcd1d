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
    };

    /// <summary>The pruners this build has; each lists the option keys it accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Pruners = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["none"] = [],
    };
}
