using Vernier.Importance;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Report;

/// <summary>Everything a report shows, read from the study: the writer is a pure function of it.</summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Directions">One direction per objective.</param>
/// <param name="Trials">Every trial, in any state.</param>
/// <param name="BestTrials">The best trial (one objective) or the Pareto front (several), as <see cref="Study.GetBestTrialsAsync"/> chooses them.</param>
/// <param name="Importances">The parameter importances for the chosen objective; empty when there was nothing to measure.</param>
/// <param name="EvaluatorName">The importance evaluator's name, for the section's text.</param>
/// <param name="Options">The report's options.</param>
internal sealed record ReportData(
    string StudyName,
    IReadOnlyList<StudyDirection> Directions,
    IReadOnlyList<FrozenTrial> Trials,
    IReadOnlyList<FrozenTrial> BestTrials,
    IReadOnlyList<ParameterImportance> Importances,
    string EvaluatorName,
    StudyReportOptions Options);
