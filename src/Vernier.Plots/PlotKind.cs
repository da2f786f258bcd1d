namespace Vernier.Plots;

/// <summary>The kinds of plot <see cref="StudyPlots"/> builds.</summary>
public enum PlotKind
{
    /// <summary>The objective value of every trial by number, with the best-so-far line.</summary>
    History,

    /// <summary>One axis per parameter plus the objective; one line per trial.</summary>
    ParallelCoordinates,

    /// <summary>One panel per parameter: the objective against the parameter's value.</summary>
    Slice,

    /// <summary>Two parameters: a binned map of the objective with the trials on top.</summary>
    Contour,

    /// <summary>Parameter importances as bars.</summary>
    Importance,

    /// <summary>Learning curves: intermediate values by step, pruned trials marked.</summary>
    IntermediateValues,

    /// <summary>The trials of a multi-objective study with the Pareto front highlighted.</summary>
    ParetoFront,

    /// <summary>The empirical cumulative distribution of the objective values.</summary>
    Edf,

    /// <summary>Trials as start-to-end bars per worker, coloured by state.</summary>
    Timeline,
}

/// <summary>The command-line names of the <see cref="PlotKind"/> values (<c>history</c>, <c>parallel-coordinates</c>, …).</summary>
public static class PlotKinds
{
    private static readonly (PlotKind Kind, string Name)[] Names =
    [
        (PlotKind.History, "history"),
        (PlotKind.ParallelCoordinates, "parallel-coordinates"),
        (PlotKind.Slice, "slice"),
        (PlotKind.Contour, "contour"),
        (PlotKind.Importance, "importance"),
        (PlotKind.IntermediateValues, "intermediate-values"),
        (PlotKind.ParetoFront, "pareto-front"),
        (PlotKind.Edf, "edf"),
        (PlotKind.Timeline, "timeline"),
    ];

    /// <summary>Every name, in the order of <see cref="PlotKind"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The kind's name, for example <c>parallel-coordinates</c>.</summary>
    /// <param name="kind">The kind.</param>
    public static string ToName(this PlotKind kind) => Names.First(n => n.Kind == kind).Name;

    /// <summary>Parses a name (case-insensitive; <c>_</c> is read as <c>-</c>).</summary>
    /// <param name="name">The name, for example <c>pareto-front</c>.</param>
    /// <param name="kind">The kind, when the name is known.</param>
    public static bool TryParse(string? name, out PlotKind kind)
    {
        string normalized = (name ?? "").Trim().Replace('_', '-').ToLowerInvariant();
        foreach (var (k, n) in Names)
        {
            if (n == normalized)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
