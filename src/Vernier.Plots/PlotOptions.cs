namespace Vernier.Plots;

/// <summary>What to plot and how much of it; every builder of <see cref="StudyPlots"/> takes one.</summary>
public sealed class PlotOptions
{
    /// <summary>The smallest <see cref="MaxPoints"/> accepted.</summary>
    public const int MinMaxPoints = 10;

    /// <summary>
    /// Which objective to plot (0-based) in a multi-objective study; ignored by the Pareto front, which uses all.
    /// The default value is 0.
    /// </summary>
    public int ObjectiveIndex { get; init; }

    /// <summary>
    /// The parameters to show (parallel coordinates, slice, contour); null for all of them (contour: the first two
    /// by name). Contour takes exactly two. The default value is null.
    /// </summary>
    public IReadOnlyList<string>? Parameters { get; init; }

    /// <summary>
    /// Names for the objectives (the study file's metrics), used for axis labels; null for "Objective value" or
    /// "Objective K". The default value is null.
    /// </summary>
    public IReadOnlyList<string>? ObjectiveNames { get; init; }

    /// <summary>
    /// The most trial points (or lines, bars, curve points) a chart draws. Above it the builder samples the trials
    /// evenly by number and says so in the figure's notes; what matters stays exact whatever the cap: the
    /// best-so-far line, the Pareto front, the best trials of parallel coordinates, the contour's cells and the
    /// counts of failed and pruned trials. The default value is 2000; at least <see cref="MinMaxPoints"/>.
    /// </summary>
    public int MaxPoints { get; init; } = 2000;

    /// <summary>
    /// The number of cells per numeric axis of a contour plot (categorical axes have one cell per choice).
    /// The default value is 20; between 2 and 200.
    /// </summary>
    public int ContourCells { get; init; } = 20;

    /// <summary>
    /// The time a running trial's timeline bar ends at; null for the latest time recorded in the trials.
    /// The default value is null.
    /// </summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>The defaults.</summary>
    public static PlotOptions Default { get; } = new();

    /// <summary>Checks the options against a study.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate(int objectiveCount)
    {
        if (MaxPoints < MinMaxPoints)
        {
            throw new ArgumentException($"MaxPoints must be at least {MinMaxPoints}, not {MaxPoints}.", nameof(MaxPoints));
        }

        if (ContourCells is < 2 or > 200)
        {
            throw new ArgumentException($"ContourCells must be between 2 and 200, not {ContourCells}.", nameof(ContourCells));
        }

        if (ObjectiveIndex < 0 || ObjectiveIndex >= Math.Max(objectiveCount, 1))
        {
            throw new ArgumentException(
                $"objective {ObjectiveIndex} does not exist: the study has {objectiveCount} objective(s), numbered from 0.",
                nameof(ObjectiveIndex));
        }

        if (Parameters is { } names && names.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("a parameter name is empty.", nameof(Parameters));
        }
    }
}
