using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vernier.Bench.Results;
using Vernier.Importance;
using Vernier.Importance.Fanova;

namespace Vernier.Bench.Importance;

/// <summary>One study's importances on both sides and how well their rankings agree.</summary>
/// <param name="Study">The study.</param>
/// <param name="Seed">The seed of its trials and of both evaluators.</param>
/// <param name="Source"><c>synthetic</c> or <c>functions.json</c>.</param>
/// <param name="Parameters">The parameter names (the order of the importance lists).</param>
/// <param name="Trials">The complete trials both libraries read.</param>
/// <param name="Truth">The function's true main-effect shares (<see cref="MainEffects"/>).</param>
/// <param name="Vernier">Vernier's importances, per parameter.</param>
/// <param name="Optuna">Optuna's importances, per parameter; null when Optuna did not run.</param>
/// <param name="Spearman">Spearman's ρ between the two; null when Optuna did not run or a side is constant.</param>
/// <param name="VernierTruthSpearman">ρ between Vernier's importances and the true shares.</param>
/// <param name="OptunaTruthSpearman">ρ between Optuna's importances and the true shares.</param>
/// <param name="VernierSeconds">Vernier's evaluation time.</param>
/// <param name="OptunaSeconds">Optuna's evaluation time (inside its process, imports excluded).</param>
internal sealed record ImportanceRow(
    string Study, ulong Seed, string Source, IReadOnlyList<string> Parameters, int Trials, IReadOnlyList<double> Truth,
    IReadOnlyList<double> Vernier, IReadOnlyList<double>? Optuna, double? Spearman, double? VernierTruthSpearman, double? OptunaTruthSpearman,
    double VernierSeconds, double? OptunaSeconds);

/// <summary>The importance benchmark's result.</summary>
internal sealed record ImportanceReport(
    MachineInfo Machine, string Command, int TrialsPerStudy, IReadOnlyList<ulong> Seeds, int Trees, IReadOnlyList<ImportanceRow> Rows, string? OptunaNote)
{
    public const double Target = 0.9;

    public double? MeanSpearman => Rows.Where(r => r.Spearman is not null).Select(r => r.Spearman!.Value).DefaultIfEmpty(double.NaN).Average() is double m && !double.IsNaN(m) ? m : null;

    public bool? TargetMet => MeanSpearman is double m ? m >= Target : null;
}

/// <summary>Runs Vernier's fANOVA on the benchmark's studies and compares its rankings with Optuna's.</summary>
internal static class ImportanceBenchmark
{
    /// <summary>Vernier's importances for a study, in the study's parameter order, and the time they took.</summary>
    public static (double[] Importances, double Seconds) EvaluateVernier(ImportanceStudyData study, int trees)
    {
        var evaluator = new FanovaImportanceEvaluator(new FanovaOptions { Seed = study.Seed, Trees = trees });
        var request = new ImportanceRequest { Trials = study.Trials, Parameters = [.. study.Parameters.Select(p => p.Name)] };
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<ParameterImportance> result = evaluator.Evaluate(request);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var byName = result.ToDictionary(p => p.Name, p => p.Importance);
        return ([.. study.Parameters.Select(p => byName[p.Name])], seconds);
    }

    /// <summary>A row: both sides' importances, their agreement, and each side's agreement with the true shares.</summary>
    public static ImportanceRow Row(
        ImportanceStudyData study, string source, IReadOnlyList<double> truth, double[] vernier, double vernierSeconds,
        IReadOnlyList<double>? optuna, double? optunaSeconds)
    {
        string[] names = [.. study.Parameters.Select(p => p.Name)];
        return new ImportanceRow(
            study.Name, study.Seed, source, names, study.Trials.Count, truth, vernier, optuna,
            optuna is null ? null : RankCorrelation.Spearman(vernier, optuna),
            RankCorrelation.Spearman(vernier, truth),
            optuna is null ? null : RankCorrelation.Spearman(optuna, truth),
            vernierSeconds, optunaSeconds);
    }

    public static string Markdown(ImportanceReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("## Parameter importance: fANOVA against Optuna").AppendLine();
        md.AppendLine($"`{report.Command}`").AppendLine();
        md.Append(Reports.MachineTable(report.Machine));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Each study, once per seed ({string.Join(", ", report.Seeds)}): {report.TrialsPerStudy} trials of Vernier's random sampler with that seed, written to one JSON file that both libraries read. ") +
            string.Create(CultureInfo.InvariantCulture, $"Vernier: `FanovaImportanceEvaluator` with {report.Trees} trees and the study's seed. ") +
            string.Create(CultureInfo.InvariantCulture, $"Optuna: `FanovaImportanceEvaluator(n_trees={report.Trees}, seed=the study's seed)` on the same trials (`create_trial` + `add_trials`). ") +
            "ρ = Spearman's rank correlation of the two importance vectors (ties share their average rank); " +
            "\"truth\" = each function's main-effect variance shares Var(E[f | xᵢ]) under the sampling measure (log-aware), estimated on a grid with " +
            string.Create(CultureInfo.InvariantCulture, $"{MainEffects.Samples} draws per point (`MainEffects`); ρ truth = each library's ρ against them.")).AppendLine();
        if (report.OptunaNote is { } note)
        {
            md.AppendLine($"Optuna: {note}").AppendLine();
        }

        md.AppendLine("| study | seed | source | params | truth | Vernier ranking | Optuna ranking | ρ Vernier–Optuna | ρ truth (Vernier / Optuna) | Vernier s | Optuna s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (ImportanceRow r in report.Rows)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Study} | {r.Seed} | {r.Source} | {r.Parameters.Count} | {Ranking(r.Parameters, r.Truth)} | {Ranking(r.Parameters, r.Vernier)} | {(r.Optuna is null ? "—" : Ranking(r.Parameters, r.Optuna))} | {Rho(r.Spearman)} | {Rho(r.VernierTruthSpearman)} / {Rho(r.OptunaTruthSpearman)} | {r.VernierSeconds:0.000} | {(r.OptunaSeconds is double s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "—")} |"));
        }

        md.AppendLine();
        double vernierTotal = report.Rows.Sum(r => r.VernierSeconds);
        double? optunaTotal = report.Rows.All(r => r.OptunaSeconds is not null) ? report.Rows.Sum(r => r.OptunaSeconds!.Value) : null;
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Total evaluation time: Vernier {vernierTotal:0.000} s") +
            (optunaTotal is double o ? string.Create(CultureInfo.InvariantCulture, $", Optuna {o:0.000} s ({o / vernierTotal:0.0}× Vernier's).") : "."));
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Mean ρ against the truth: Vernier {Mean(report.Rows.Select(r => r.VernierTruthSpearman))}, Optuna {Mean(report.Rows.Select(r => r.OptunaTruthSpearman))}."));
        md.AppendLine();
        md.AppendLine(report.MeanSpearman is double mean
            ? string.Create(CultureInfo.InvariantCulture, $"Mean ρ per seed: {string.Join(", ", report.Seeds.Select(seed => $"{seed}: {Mean(report.Rows.Where(r => r.Seed == seed).Select(r => r.Spearman))}"))}.") + "\n\n" +
              string.Create(CultureInfo.InvariantCulture, $"Mean ρ Vernier–Optuna over {report.Rows.Count(r => r.Spearman is not null)} (study, seed) pairs: **{mean:0.000}** (target ≥ {ImportanceReport.Target}). Target met: **{(report.TargetMet == true ? "yes" : "NO")}**.")
            : "Mean ρ: not measured (Optuna did not run).");
        return md.ToString();
    }

    /// <summary>Parameters from most to least important, with their shares.</summary>
    public static string Ranking(IReadOnlyList<string> names, IReadOnlyList<double> importances) =>
        string.Join(" > ", names.Select((n, i) => (Name: n, Importance: importances[i]))
            .OrderByDescending(p => p.Importance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Importance:0.00}")));

    private static string Mean(IEnumerable<double?> values) =>
        values.Where(v => v is not null).Select(v => v!.Value).ToList() is { Count: > 0 } list ? list.Average().ToString("0.000", CultureInfo.InvariantCulture) : "—";

    private static string Rho(double? rho) => rho is double r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
