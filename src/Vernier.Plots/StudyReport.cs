using Vernier.Importance;
using Vernier.Plots.Report;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots;

/// <summary>
/// A study on one self-contained HTML page that opens offline: a summary (directions, trials by state, time span,
/// sampler and pruner when known), the best trial (or the Pareto front of several objectives), parameter
/// importance as a table and a chart, and the main plots (history, parallel coordinates, slice, intermediate
/// values when any trial reported some, the Pareto front of several objectives, the timeline). The charts come
/// from <see cref="StudyPlots"/> and are written as <see cref="PlotHtml"/> writes them, Apache ECharts inlined once.
/// </summary>
/// <remarks>
/// An empty study gives a page that says so; a chart that cannot be drawn (no complete trial, one parameter, …)
/// shows why in its place. Bad options (an objective or parameter that does not exist, an unknown evaluator)
/// throw <see cref="ArgumentException"/> naming the input.
/// </remarks>
/// <example>
/// <code>
/// string html = await StudyReport.RenderAsync(study, new StudyReportOptions { Evaluator = "fanova" }, ct);
/// File.WriteAllText("report.html", html);
/// </code>
/// </example>
public static class StudyReport
{
    /// <summary>Reads the study's trials, measures parameter importance and writes the report.</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Stops reading the trials or a long importance evaluation.</param>
    /// <returns>The complete HTML page.</returns>
    /// <exception cref="ArgumentException">An option is out of range or names something the study does not have.</exception>
    public static async Task<string> RenderAsync(Study study, StudyReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= StudyReportOptions.Default;
        options.Validate();
        options.Plots.Validate(study.Directions.Length);
        IImportanceEvaluator evaluator = ImportanceEvaluators.Create(options.Evaluator, options.Seed);

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<FrozenTrial> best = await study.GetBestTrialsAsync(cancellationToken).ConfigureAwait(false);
        int objective = options.Plots.ObjectiveIndex;
        bool anyValue = trials.Any(t => t.State == TrialState.Complete && t.Values.Length > objective && double.IsFinite(t.Values[objective]));
        IReadOnlyList<ParameterImportance> importances = anyValue
            ? await ParameterImportances.EvaluateAsync(study, evaluator, objective, options.Plots.Parameters, cancellationToken).ConfigureAwait(false)
            : [];

        var data = new ReportData(study.Name, study.Directions, trials, best, importances, options.Evaluator.Trim().ToLowerInvariant(), options);
        return ReportWriter.Render(data);
    }
}
