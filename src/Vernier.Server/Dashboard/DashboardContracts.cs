using System.Text.Json.Nodes;
using Vernier.Server.Studies;

namespace Vernier.Server.Dashboard;

/// <summary>One chart for the dashboard: the ECharts option built by Vernier.Plots (points capped on the server).</summary>
/// <param name="Kind">The plot kind, e.g. <c>history</c>.</param>
/// <param name="Title">The chart's title.</param>
/// <param name="Option">The ECharts option, passed to <c>chart.setOption</c>.</param>
/// <param name="Notes">What was sampled or left out.</param>
/// <param name="Message">Why nothing is drawn; null when there is a chart.</param>
/// <param name="Height">The suggested height in pixels.</param>
internal sealed record PlotView(string Kind, string Title, JsonObject Option, IReadOnlyList<string> Notes, string? Message, int Height);

/// <summary>Everything a study page needs first, from one read of the study: counts, best, parameters and the history chart.</summary>
/// <param name="Study">Counts by state, best value, directions.</param>
/// <param name="JobId">The tuning job that runs the study, if any.</param>
/// <param name="Parameters">The names of the parameters the trials have, sorted.</param>
/// <param name="HasIntermediateValues">Whether any trial reported intermediate values.</param>
/// <param name="Best">The best trial (single objective) or the Pareto front (at most 100 of it).</param>
/// <param name="History">The optimization history with the best-so-far line.</param>
/// <param name="ReadAt">When the trials were read (the server reuses a read for a few seconds).</param>
internal sealed record StudyOverview(
    StudySummary Study,
    string? JobId,
    IReadOnlyList<string> Parameters,
    bool HasIntermediateValues,
    IReadOnlyList<TrialSummary> Best,
    PlotView History,
    DateTimeOffset ReadAt);

/// <summary>Parameter importances for one objective.</summary>
/// <param name="Evaluator">The evaluator's name.</param>
/// <param name="Objective">The objective index.</param>
/// <param name="TrialsUsed">How many complete trials the evaluation used (sampled evenly above a cap).</param>
/// <param name="Importances">Most important first; they sum to 1 unless there were too few trials.</param>
internal sealed record ImportanceView(string Evaluator, int Objective, int TrialsUsed, IReadOnlyList<ImportanceItem> Importances);

/// <summary>One parameter's importance.</summary>
/// <param name="Name">The parameter.</param>
/// <param name="Importance">Its share, in [0, 1].</param>
internal sealed record ImportanceItem(string Name, double Importance);

/// <summary>The tail of a trial's logs.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="Stdout">The end of its standard output (null when there is no file).</param>
/// <param name="Stderr">The end of its standard error (null when there is no file).</param>
/// <param name="Truncated">Whether the files are longer than what is shown.</param>
internal sealed record TrialLogs(int Number, string? Stdout, string? Stderr, bool Truncated);
