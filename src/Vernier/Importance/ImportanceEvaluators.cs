using Vernier.Importance.Fanova;
using Vernier.Importance.PedAnova;

namespace Vernier.Importance;

/// <summary>
/// The importance evaluators by name, for configuration files and the command line
/// (<c>vernier importance --evaluator NAME</c>). Names are case-insensitive; <c>_</c> and no separator are accepted for <c>-</c>.
/// </summary>
public static class ImportanceEvaluators
{
    // One line per evaluator: its name, its aliases, and how to make it from a seed.
    private static readonly (string Name, string[] Aliases, Func<ulong, IImportanceEvaluator> Create)[] Known =
    [
        ("ped-anova", ["pedanova", "ped_anova"], _ => new PedAnovaImportanceEvaluator()),
        ("fanova", ["f-anova", "f_anova"], seed => new FanovaImportanceEvaluator(new FanovaOptions { Seed = seed })),
    ];

    /// <summary>The evaluators' names (without aliases), the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(k => k.Name)];

    /// <summary>Creates an evaluator with its default options.</summary>
    /// <param name="name">An evaluator's name or alias, e.g. <c>ped-anova</c>.</param>
    /// <param name="seed">The seed of an evaluator that draws random numbers; deterministic ones (PED-ANOVA) ignore it. The default value is 0.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static IImportanceEvaluator Create(string name, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        foreach (var (known, aliases, create) in Known)
        {
            if (key == known || aliases.Contains(key))
            {
                return create(seed);
            }
        }

        throw new ArgumentException($"unknown importance evaluator '{name}'; known evaluators: {string.Join(", ", Names)}.");
    }
}
