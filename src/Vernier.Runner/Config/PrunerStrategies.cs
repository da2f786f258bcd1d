using Vernier.Pruners;

namespace Vernier.Runner.Config;

/// <summary>Builds the pruners a study file names, from their option values (keys as in <see cref="Catalog.Pruners"/>).</summary>
internal static class PrunerStrategies
{
    public static readonly string[] PercentileKeys = ["interval_steps", "n_min_trials", "n_startup_trials", "n_warmup_steps", "percentile"];

    public static readonly string[] MedianKeys = ["interval_steps", "n_min_trials", "n_startup_trials", "n_warmup_steps"];

    public static readonly string[] ThresholdKeys = ["interval_steps", "lower", "n_warmup_steps", "upper"];

    public static readonly string[] PatientKeys = ["min_delta", "patience", "wrapped"];

    public static readonly string[] SuccessiveHalvingKeys = ["bootstrap_count", "min_early_stopping_rate", "min_resource", "reduction_factor"];

    public static readonly string[] HyperbandKeys = ["bracket_history", "max_resource", "min_resource", "reduction_factor"];

    public static readonly string[] WilcoxonKeys = ["n_startup_steps", "p_threshold"];

    /// <summary>The pruner a name and its options describe.</summary>
    /// <exception cref="ArgumentException">An option has the wrong type or value.</exception>
    /// <exception cref="VernierException">The name is not a pruner of this build.</exception>
    public static Pruner Create(string name, IReadOnlyDictionary<string, object?> options) => Catalog.CanonicalPruner(name) switch
    {
        "none" => new NopPruner(),
        "successive_halving" => new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
        {
            MinResource = Auto(options, "min_resource") ? null : StrategyOptions.NullableInt(options, "min_resource"),
            ReductionFactor = StrategyOptions.Int(options, "reduction_factor", new SuccessiveHalvingPrunerOptions().ReductionFactor),
            MinEarlyStoppingRate = StrategyOptions.Int(options, "min_early_stopping_rate", new SuccessiveHalvingPrunerOptions().MinEarlyStoppingRate),
            BootstrapCount = StrategyOptions.Int(options, "bootstrap_count", new SuccessiveHalvingPrunerOptions().BootstrapCount),
        }),
        "hyperband" => new HyperbandPruner(new HyperbandPrunerOptions
        {
            MinResource = StrategyOptions.Int(options, "min_resource", (int)new HyperbandPrunerOptions().MinResource),
            MaxResource = Auto(options, "max_resource") ? null : StrategyOptions.NullableInt(options, "max_resource"),
            ReductionFactor = StrategyOptions.Int(options, "reduction_factor", new HyperbandPrunerOptions().ReductionFactor),
            BracketHistory = StrategyOptions.Bool(options, "bracket_history", new HyperbandPrunerOptions().BracketHistory),
        }),
        "wilcoxon" => new WilcoxonPruner(new WilcoxonPrunerOptions
        {
            PValueThreshold = StrategyOptions.Double(options, "p_threshold", new WilcoxonPrunerOptions().PValueThreshold),
            StartupSteps = StrategyOptions.Int(options, "n_startup_steps", new WilcoxonPrunerOptions().StartupSteps),
        }),
        "median" => new MedianPruner(PercentileOptions(options, percentile: 50)),
        "percentile" => new PercentilePruner(PercentileOptions(options, StrategyOptions.Double(options, "percentile", 50))),
        "threshold" => new ThresholdPruner(
            StrategyOptions.NullableDouble(options, "lower"),
            StrategyOptions.NullableDouble(options, "upper"),
            StrategyOptions.Int(options, "n_warmup_steps", 0),
            StrategyOptions.Int(options, "interval_steps", 1)),
        "patient" => new PatientPruner(
            options.TryGetValue("wrapped", out object? wrapped) && wrapped is not null
                ? Create(wrapped as string ?? throw new ArgumentException($"option 'wrapped' must be a pruner name, got {wrapped}."), new Dictionary<string, object?>())
                : null,
            StrategyOptions.NullableInt(options, "patience") ?? throw new ArgumentException("option 'patience' is required: how many steps without improvement to tolerate."),
            StrategyOptions.Double(options, "min_delta", 0)),
        _ => throw new VernierException($"pruner '{name}' is not available in this build; use one of {string.Join(", ", Catalog.Pruners.Keys)}."),
    };

    /// <summary>Whether an option is written as <c>auto</c> (the pruner estimates it from the first complete trial).</summary>
    private static bool Auto(IReadOnlyDictionary<string, object?> options, string key) =>
        options.TryGetValue(key, out object? value) && value is string text && text.Equals("auto", StringComparison.OrdinalIgnoreCase);

    private static PercentilePrunerOptions PercentileOptions(IReadOnlyDictionary<string, object?> options, double percentile)
    {
        var defaults = new PercentilePrunerOptions();
        return new PercentilePrunerOptions
        {
            Percentile = percentile,
            StartupTrials = StrategyOptions.Int(options, "n_startup_trials", defaults.StartupTrials),
            WarmupSteps = StrategyOptions.Int(options, "n_warmup_steps", (int)defaults.WarmupSteps),
            IntervalSteps = StrategyOptions.Int(options, "interval_steps", (int)defaults.IntervalSteps),
            MinTrials = StrategyOptions.Int(options, "n_min_trials", defaults.MinTrials),
        };
    }
}
