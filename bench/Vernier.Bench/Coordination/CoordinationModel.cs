using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Bench.Results;

namespace Vernier.Bench.Coordination;

/// <summary>One (library, objective, workers) run of the coordination benchmark.</summary>
/// <param name="Library">vernier or optuna.</param>
/// <param name="Objective">sleep20ms or trivial.</param>
/// <param name="Workers">Trials running at once: one worker process each, or all in one process (<see cref="OneProcess"/>).</param>
/// <param name="Budget">The study's trial budget.</param>
/// <param name="Trials">Complete trials at the end.</param>
/// <param name="Seconds">Wall time from the start barrier to the last worker's exit.</param>
/// <param name="Error">Why the run failed, or null.</param>
internal sealed record CoordinationRow(string Library, string Objective, int Workers, int Budget, int Trials, double Seconds, string? Error)
{
    /// <summary>
    /// Whether the W workers were one process running W trials at once (Vernier: <c>MaxConcurrency</c> = W; Optuna:
    /// <c>n_jobs</c> = W threads) instead of W processes. The targets are judged on the process-per-worker rows.
    /// </summary>
    public bool OneProcess { get; init; }

    public double TrialsPerSecond => Seconds > 0 ? Trials / Seconds : 0;

    /// <summary>W / objective time for a sleeping objective; null for the trivial one (no ideal: CPU bound).</summary>
    public double? IdealTrialsPerSecond => CoordinationModel.ObjectiveSeconds(Objective) is > 0 and var t ? Workers / t : null;

    public double? AchievedOfIdeal => IdealTrialsPerSecond is { } ideal ? TrialsPerSecond / ideal : null;

    /// <summary>
    /// The time all workers spent inside the objective, as they measured it (a 20 ms sleep takes a little longer); null when a
    /// worker did not say, and the nominal objective time is used instead.
    /// </summary>
    public double? ObjectiveSecondsMeasured { get; init; }

    /// <summary>Per-trial storage and coordination overhead: (wall × workers − time inside the objective) / trials.</summary>
    public double OverheadMilliseconds => Trials > 0
        ? 1000.0 * ((Seconds * Workers) - (ObjectiveSecondsMeasured ?? (Trials * CoordinationModel.ObjectiveSeconds(Objective)))) / Trials
        : double.NaN;
}

/// <summary>The whole coordination benchmark.</summary>
/// <param name="OneProcessWorkers">The worker counts also run as one process with that many trials at once.</param>
internal sealed record CoordinationReport(
    MachineInfo Machine, string Command, string Server, IReadOnlyList<string> Objectives, IReadOnlyList<int> Workers,
    IReadOnlyList<CoordinationRow> Rows, string? OptunaProblem, IReadOnlyList<int>? OneProcessWorkers = null)
{
    /// <summary>Vernier's overhead / Optuna's per (objective, workers); the target is at most 0.1 everywhere.</summary>
    public IReadOnlyList<(string Objective, int Workers, double? Ratio)> OverheadRatios =>
        [.. from o in Objectives from w in Workers select (o, w, CoordinationModel.Ratio(Find("vernier", o, w), Find("optuna", o, w)))];

    /// <summary>Whether Vernier's overhead is at least 10× lower than Optuna's at every measured point; null without Optuna.</summary>
    public bool? OverheadTargetMet => OverheadRatios.Any(r => r.Ratio is null) ? null : OverheadRatios.All(r => r.Ratio <= 0.1);

    /// <summary>Whether 16 Vernier workers on the 20 ms objective reach 90% of the ideal throughput; null when not run.</summary>
    public bool? ThroughputTargetMet => Find("vernier", "sleep20ms", 16) is { Error: null, AchievedOfIdeal: { } a } ? a >= 0.9 : null;

    public CoordinationRow? Find(string library, string objective, int workers, bool oneProcess = false) =>
        Rows.FirstOrDefault(r => r.Library == library && r.Objective == objective && r.Workers == workers && r.OneProcess == oneProcess);
}

/// <summary>The benchmark's arithmetic, names and report text (no I/O, no timing).</summary>
internal static class CoordinationModel
{
    public static readonly IReadOnlyList<string> ObjectiveNames = ["sleep20ms", "trivial"];

    /// <summary>
    /// Trials each worker runs on a throwaway study before the start barrier (the same number in bench/optuna_coordination.py):
    /// enough for .NET's tiered JIT to settle and for SQLAlchemy to compile its queries, so both are measured in steady state.
    /// </summary>
    public const int WarmupTrials = 50;

    /// <summary>The line a worker prints last: the seconds it spent inside the objective during the measured run.</summary>
    public const string ObjectiveSecondsPrefix = "objective_seconds=";

    /// <summary>The objective seconds a worker printed on its standard output, or null when it printed none.</summary>
    public static double? ParseObjectiveSeconds(string stdout)
    {
        foreach (string line in stdout.Split('\n'))
        {
            if (line.Trim() is { } trimmed && trimmed.StartsWith(ObjectiveSecondsPrefix, StringComparison.Ordinal) &&
                double.TryParse(trimmed[ObjectiveSecondsPrefix.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                return seconds;
            }
        }

        return null;
    }

    /// <summary>The PostgreSQL schema Vernier's tables go to (Optuna's go to <c>optuna_coordination</c>: the table names clash).</summary>
    public const string VernierSchema = "vernier_coordination";

    /// <summary>Where the server's URL comes from when <c>--postgres</c> is not given.</summary>
    public const string UrlVariable = "VERNIER_TEST_POSTGRES";

    /// <summary>The server to use: <c>--postgres</c>, else <c>$VERNIER_TEST_POSTGRES</c>; neither is an error saying how to get one.</summary>
    public static string ServerUrl(string? option, string? environment) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : !string.IsNullOrWhiteSpace(environment) ? environment
        : throw new ArgumentException($"coordination needs a PostgreSQL server: pass --postgres postgresql://user@host:port/db or set {UrlVariable} (scripts/services.sh starts a throwaway one and prints the URL).");

    /// <summary>How long the objective itself takes, in seconds.</summary>
    public static double ObjectiveSeconds(string objective) => objective switch
    {
        "sleep20ms" => 0.020,
        "trivial" => 0.0,
        _ => throw new ArgumentException($"unknown objective '{objective}'; the benchmark has {string.Join(", ", ObjectiveNames)}."),
    };

    /// <summary>The study's budget: the base for up to 4 workers, then base × W / 4 (each worker runs base/4 trials), a multiple of W.</summary>
    public static int Budget(int baseTrials, int workers)
    {
        int budget = Math.Max(baseTrials, baseTrials * workers / 4);
        return (budget + workers - 1) / workers * workers;
    }

    public static double? Ratio(CoordinationRow? vernier, CoordinationRow? optuna) =>
        vernier is { Error: null } v && optuna is { Error: null } o && o.OverheadMilliseconds > 0
            ? Math.Max(v.OverheadMilliseconds, 0) / o.OverheadMilliseconds
            : null;

    /// <summary>The URL Vernier's workers use: <paramref name="url"/> with <c>schema=vernier_coordination</c> unless it names a schema.</summary>
    public static string VernierUrl(string url)
    {
        if (url.Contains("schema=", StringComparison.Ordinal) || url.Contains("search_path=", StringComparison.Ordinal))
        {
            return url;
        }

        return url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + VernierSchema;
    }

    /// <summary>The URL without its password, for reports.</summary>
    public static string Redact(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', StringComparison.Ordinal);
        if (scheme < 0 || at < 0)
        {
            return url;
        }

        int colon = url.IndexOf(':', scheme + 3);
        return colon >= 0 && colon < at ? url[..(colon + 1)] + "***" + url[at..] : url;
    }

    /// <summary>Reads the counts the Optuna script prints: <c>{"total": N, "complete": C, "running": R}</c>.</summary>
    public static (int Total, int Complete, int Running) ParseCount(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return (root.GetProperty("total").GetInt32(), root.GetProperty("complete").GetInt32(), root.GetProperty("running").GetInt32());
    }

    public static string Markdown(CoordinationReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("## Coordination overhead on PostgreSQL").AppendLine();
        md.AppendLine($"`{report.Command}`").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{report.Machine.Nproc} cores ({report.Machine.CpuModel}), {report.Machine.DotNet}, Optuna {report.Machine.OptunaVersion ?? "not run"}; server `{report.Server}`, {report.Machine.Date:yyyy-MM-dd HH:mm} UTC.").AppendLine();
        md.AppendLine("W worker processes share one fresh study (random sampler, one float parameter) on the same PostgreSQL server: Vernier's workers run `Study.OptimizeAsync` with `TotalTrials` = budget; Optuna's run `study.optimize(objective, n_trials=budget/W)` on `RDBStorage(\"postgresql+psycopg2://…\")`. " +
            "Rows marked \"1 process\" run the W workers as one process instead (Vernier: `MaxConcurrency` = W; Optuna: `n_jobs` = W threads). " +
            $"Every worker warms up on a throwaway study ({WarmupTrials} trials), then waits at a start barrier; wall time runs from the barrier to the last worker's exit. " +
            "Overhead per trial = (wall × W − time inside the objective, as the workers measure it) / trials: what one worker spends per trial outside the objective (asking, storing, waiting for the CPU). Ideal throughput for the 20 ms objective = W / 20 ms.").AppendLine();
        md.AppendLine("| objective | W | library | budget | complete | wall (s) | trials/s | of ideal | overhead/trial (ms) | Vernier/Optuna overhead |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        var layouts = report.Workers.Select(w => (Workers: w, OneProcess: false)).Concat((report.OneProcessWorkers ?? []).Select(w => (Workers: w, OneProcess: true)));
        foreach (string objective in report.Objectives)
        {
            foreach (var (workers, oneProcess) in layouts)
            {
                double? ratio = Ratio(report.Find("vernier", objective, workers, oneProcess), report.Find("optuna", objective, workers, oneProcess));
                string w = oneProcess ? $"{workers} (1 process)" : workers.ToString(CultureInfo.InvariantCulture);
                foreach (string library in new[] { "vernier", "optuna" })
                {
                    if (report.Find(library, objective, workers, oneProcess) is not { } row)
                    {
                        continue;
                    }

                    string ofIdeal = row.AchievedOfIdeal is { } a ? (a * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "—";
                    string ratioText = library == "vernier" && ratio is { } r ? $"1/{1 / Math.Max(r, 1e-9):0.#}" : "";
                    md.AppendLine(row.Error is null
                        ? string.Create(CultureInfo.InvariantCulture, $"| {objective} | {w} | {library} | {row.Budget} | {row.Trials} | {row.Seconds:0.00} | {row.TrialsPerSecond:0.0} | {ofIdeal} | {row.OverheadMilliseconds:0.00} | {ratioText} |")
                        : string.Create(CultureInfo.InvariantCulture, $"| {objective} | {w} | {library} | {row.Budget} | — | — | — | — | — | failed: {row.Error.ReplaceLineEndings(" ").Replace("|", "/", StringComparison.Ordinal)} |"));
                }
            }
        }

        md.AppendLine();
        if (report.OptunaProblem is { } problem)
        {
            md.AppendLine($"Optuna: {problem}").AppendLine();
        }

        md.AppendLine($"Target: Vernier's overhead per trial ≤ 1/10 of Optuna's at every worker count: **{YesNo(report.OverheadTargetMet)}**. ");
        md.AppendLine($"Target: 16 Vernier workers on the 20 ms objective reach ≥ 90% of ideal throughput: **{YesNo(report.ThroughputTargetMet)}**. ");
        md.AppendLine("(Both judged on the rows with one process per worker.)");
        return md.ToString();

        static string YesNo(bool? met) => met switch { true => "met", false => "NOT met", null => "not measured" };
    }
}
