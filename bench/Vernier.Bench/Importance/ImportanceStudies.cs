using System.Collections.Immutable;
using System.Globalization;
using Vernier.Bench.Functions;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Studies;

namespace Vernier.Bench.Importance;

/// <summary>A study the importance benchmark generates: a domain, a function to minimise and, for the synthetic ones, the order its importances must come in.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Source"><c>synthetic</c> or <c>functions.json</c>.</param>
/// <param name="Parameters">The domain.</param>
/// <param name="Objective">The function, on user-facing values.</param>
/// <param name="KnownOrder">For synthetic studies, the parameters from most to least important by construction.</param>
internal sealed record ImportanceStudySpec(
    string Name, string Source, ImmutableArray<ParameterDomain> Parameters, Func<IReadOnlyDictionary<string, object?>, double> Objective, IReadOnlyList<string>? KnownOrder)
{
    public SearchSpace Space => new(Parameters.Select(p => new ParameterSpec(p.Name, p.ToDistribution())));
}

/// <summary>The studies of <c>bench importance</c>, and their trials from Vernier's random sampler.</summary>
internal static class ImportanceStudies
{
    /// <summary>The functions of <c>bench/functions.json</c> used (the symmetric ones, whose parameters matter equally, give no ranking to compare).</summary>
    public static readonly IReadOnlyList<string> CatalogFunctions = ["branin", "hartmann6", "rosenbrock", "hpo_surrogate"];

    private static readonly IReadOnlyDictionary<string, double> OptimizerPenalty = new Dictionary<string, double> { ["sgd"] = 1.5, ["adam"] = 0, ["rmsprop"] = 0.5 };
    private static readonly IReadOnlyDictionary<string, double> ActivationPenalty = new Dictionary<string, double> { ["relu"] = 0, ["tanh"] = 0.8, ["sigmoid"] = 3, ["gelu"] = 0.1 };

    public static IReadOnlyList<ImportanceStudySpec> All(FunctionCatalog catalog) =>
    [
        .. Synthetic(),
        .. CatalogFunctions.Select(catalog.Get).Select(f => new ImportanceStudySpec(f.Name, "functions.json", f.Parameters, f.Evaluate, null)),
    ];

    /// <summary>Functions whose importance order is known by construction (additive terms of clearly different variance, one term 0).</summary>
    public static IReadOnlyList<ImportanceStudySpec> Synthetic() =>
    [
        new("additive4", "synthetic",
            [Float("x0", 0, 1), Float("x1", 0, 1), Float("x2", 0, 1), Float("x3", 0, 1)],
            v => (8 * N(v, "x0") * N(v, "x0")) + (3 * N(v, "x1")) + Math.Sin(3 * N(v, "x2")),
            ["x0", "x1", "x2", "x3"]),
        new("hpo_like", "synthetic",
            [Float("lr", 1e-5, 1e-1, log: true), Int("layers", 1, 8), Categorical("optimizer", "sgd", "adam", "rmsprop"), Float("dropout", 0, 0.5), Int("unused", 0, 100)],
            v =>
            {
                double d = Math.Log10(N(v, "lr")) + 3;
                return (d * d) + (0.3 * Math.Abs(N(v, "layers") - 4)) + OptimizerPenalty[(string)v["optimizer"]!] + (0.5 * N(v, "dropout"));
            },
            ["lr", "optimizer", "layers", "dropout", "unused"]),
        new("ints_and_choices", "synthetic",
            [Int("units", 8, 512, log: true), Categorical("activation", "relu", "tanh", "sigmoid", "gelu"), Int("epochs", 1, 20), Float("weight_decay", 1e-6, 1e-2, log: true)],
            v =>
            {
                double u = Math.Log2(N(v, "units")) - 7;
                return (0.1 * u * u) + ActivationPenalty[(string)v["activation"]!] + (3.0 / N(v, "epochs"));
            },
            ["activation", "epochs", "units", "weight_decay"]),
    ];

    /// <summary>Runs <paramref name="trials"/> trials of Vernier's random sampler (seeded) on a study and returns them.</summary>
    public static async Task<ImportanceStudyData> GenerateAsync(ImportanceStudySpec spec, int trials, ulong seed, CancellationToken cancellationToken)
    {
        await using Study study = await Study.Builder(spec.Name).Minimize().WithSampler(new RandomSampler()).WithSeed(seed).CreateAsync(cancellationToken);
        SearchSpace space = spec.Space;
        for (int i = 0; i < trials; i++)
        {
            var trial = await study.AskAsync(space, cancellationToken);
            await study.TellAsync(trial, spec.Objective(trial.Params), cancellationToken);
        }

        return new ImportanceStudyData(spec.Name, spec.Parameters, await study.GetTrialsAsync(cancellationToken: cancellationToken), seed);
    }

    private static double N(IReadOnlyDictionary<string, object?> values, string name) => Convert.ToDouble(values[name], CultureInfo.InvariantCulture);

    private static ParameterDomain Float(string name, double low, double high, bool log = false) => new(name, "float", low, high, log, []);

    private static ParameterDomain Int(string name, long low, long high, bool log = false) => new(name, "int", low, high, log, []);

    private static ParameterDomain Categorical(string name, params string[] choices) => new(name, "categorical", 0, 0, false, [.. choices]);
}
