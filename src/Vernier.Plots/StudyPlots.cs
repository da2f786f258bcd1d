using Vernier.Importance;
using Vernier.Plots.Kinds;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots;

/// <summary>
/// Builds plots of a study from its trials: pure functions from the study's name, directions and trials (and
/// <see cref="PlotOptions"/>) to a <see cref="PlotFigure"/> holding an Apache ECharts option. Write the figure with
/// <see cref="PlotHtml"/> or <see cref="PlotSvg"/>, or send its option to a browser that runs ECharts.
/// </summary>
/// <remarks>
/// <para>Nothing to draw is not an error: an empty study, a study without complete trials, a contour of a study with
/// one parameter or a Pareto front of a single-objective study give a figure whose <see cref="PlotFigure.Message"/>
/// says so. Bad options (an objective or parameter that does not exist, a contour asked for three parameters) throw
/// <see cref="ArgumentException"/> naming the input.</para>
/// <para>Large studies: every builder runs in O(n log n) for n trials and draws at most about
/// <see cref="PlotOptions.MaxPoints"/> points, keeping what matters exact (see that option).</para>
/// </remarks>
/// <example>
/// <code>
/// IReadOnlyList&lt;FrozenTrial&gt; trials = await study.GetTrialsAsync(null, ct);
/// PlotFigure figure = StudyPlots.History(study.Name, study.Directions, trials);
/// File.WriteAllText("history.html", PlotHtml.Render(figure));
/// </code>
/// </example>
public static class StudyPlots
{
    /// <summary>The objective value of every complete trial by number, the best-so-far line, pruned trials at their last intermediate value.</summary>
    /// <param name="studyName">The study's name, for the title.</param>
    /// <param name="directions">The study's directions (one per objective).</param>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range or names something the study does not have.</exception>
    public static PlotFigure History(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        HistoryPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>Parallel coordinates: the objective and each parameter as axes, one line per complete trial.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure ParallelCoordinates(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        ParallelCoordinatesPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>One panel per parameter: the objective against the parameter's value.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure Slice(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        SlicePlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>Two parameters: the mean objective per cell of a grid, with the trials on top.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <exception cref="ArgumentException">An option is out of range, or <see cref="PlotOptions.Parameters"/> does not name exactly two parameters the trials have.</exception>
    public static PlotFigure Contour(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        ContourPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>Learning curves: intermediate values by step, pruned trials marked where they stopped.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure IntermediateValues(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        IntermediateValuesPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>The trials in objective space with the Pareto front highlighted (three or more objectives: a panel per pair).</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure ParetoFront(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        ParetoPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>The empirical cumulative distribution of the complete trials' objective values.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure Edf(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        EdfPlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>Each trial as a start-to-end bar on its worker's row, coloured by state.</summary>
    /// <inheritdoc cref="History" path="/param"/>
    /// <inheritdoc cref="History" path="/exception"/>
    public static PlotFigure Timeline(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        TimelinePlot.Build(new PlotContext(studyName, directions, trials, options));

    /// <summary>Parameter importances (from an <see cref="IImportanceEvaluator"/>) as bars, the most important on top.</summary>
    /// <param name="studyName">The study's name, for the title.</param>
    /// <param name="directions">The study's directions (one per objective).</param>
    /// <param name="trials">The study's trials (only used to tell an empty study apart); may be empty.</param>
    /// <param name="importances">The importances, in any order.</param>
    /// <param name="options">The options; <see cref="PlotOptions.ObjectiveIndex"/> names the objective they were computed for.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static PlotFigure Importance(
        string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, IReadOnlyList<ParameterImportance> importances, PlotOptions? options = null) =>
        ImportancePlot.Build(new PlotContext(studyName, directions, trials, options), importances);

    /// <summary>Builds any kind but <see cref="PlotKind.Importance"/>, which needs importances: call <see cref="Importance"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="studyName">The study's name, for the title.</param>
    /// <param name="directions">The study's directions (one per objective).</param>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <exception cref="ArgumentException">The kind is <see cref="PlotKind.Importance"/> or unknown, or an option is out of range.</exception>
    public static PlotFigure Build(PlotKind kind, string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) => kind switch
    {
        PlotKind.History => History(studyName, directions, trials, options),
        PlotKind.ParallelCoordinates => ParallelCoordinates(studyName, directions, trials, options),
        PlotKind.Slice => Slice(studyName, directions, trials, options),
        PlotKind.Contour => Contour(studyName, directions, trials, options),
        PlotKind.IntermediateValues => IntermediateValues(studyName, directions, trials, options),
        PlotKind.ParetoFront => ParetoFront(studyName, directions, trials, options),
        PlotKind.Edf => Edf(studyName, directions, trials, options),
        PlotKind.Timeline => Timeline(studyName, directions, trials, options),
        PlotKind.Importance => throw new ArgumentException("the importance plot needs importances: call StudyPlots.Importance.", nameof(kind)),
        _ => throw new ArgumentException($"unknown plot kind {kind}.", nameof(kind)),
    };
}
