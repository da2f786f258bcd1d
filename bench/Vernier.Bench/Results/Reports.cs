using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Bench.Functions;
using Vernier.Bench.Optuna;

namespace Vernier.Bench.Results;

/// <summary>Renders results as markdown and keeps <c>bench/results/latest.json</c> and <c>latest.md</c> up to date.</summary>
internal static class Reports
{
    public const string VernierBest = "◆";
    public const string OptunaBest = "★";

    public static IReadOnlyList<DomainInfo> Domain(BenchFunction function) =>
        [.. function.Parameters.Select(p => p.IsNumeric
            ? new DomainInfo(p.Name, p.Type, p.Low, p.High, p.Log, null)
            : new DomainInfo(p.Name, p.Type, null, null, false, p.Choices))];

    public static FunctionInfo Info(BenchFunction function) => new(function.Name, function.BaseName, function.FStar, Domain(function), function.Shift);

    /// <summary>Replaces one command's section of latest.json (keeping the other command's) and rewrites latest.md from it.</summary>
    public static (string Json, string Markdown) Save(string directory, RegretReport? regret, TimingReport? timing)
    {
        Directory.CreateDirectory(directory);
        string jsonPath = Path.Combine(directory, "latest.json");
        LatestResults previous = File.Exists(jsonPath) ? TryRead(jsonPath) : new LatestResults(null, null);
        var latest = new LatestResults(regret ?? previous.Regret, timing ?? previous.Timing);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(latest, ResultJson.Options) + "\n");
        string mdPath = Path.Combine(directory, "latest.md");
        File.WriteAllText(mdPath, Markdown(latest));
        return (jsonPath, mdPath);
    }

    public static string Markdown(LatestResults latest)
    {
        var md = new StringBuilder();
        md.AppendLine("# Vernier benchmark: latest results").AppendLine();
        md.AppendLine("Written by `bench/Vernier.Bench`; see `bench/README.md` for what the columns mean.").AppendLine();
        if (latest.Regret is { } regret)
        {
            md.Append(Regret(regret));
        }

        if (latest.Timing is { } timing)
        {
            md.Append(Timing(timing));
        }

        return md.ToString();
    }

    public static string MachineTable(MachineInfo m) =>
        "| machine | |\n|---|---|\n" +
        $"| date (UTC) | {m.Date.ToUniversalTime():yyyy-MM-dd HH:mm:ss} |\n" +
        $"| nproc | {m.Nproc} |\n| CPU | {m.CpuModel} |\n| OS | {m.Os} |\n| .NET | {m.DotNet} |\n" +
        $"| Optuna | {m.OptunaVersion ?? "not available"}{(m.Python is null ? "" : $" ({m.Python})")} |\n\n";

    public static string Regret(RegretReport r)
    {
        var md = new StringBuilder();
        md.AppendLine("## Regret").AppendLine();
        md.AppendLine($"`{r.Command}`").AppendLine();
        md.Append(MachineTable(r.Machine));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Seeds.Count} seeds ({r.Seeds[0]}–{r.Seeds[^1]}), budgets {string.Join(", ", r.Budgets)}, {r.Parallel} parallel jobs. ") +
            string.Create(CultureInfo.InvariantCulture, $"Vernier: {r.VernierSeconds:0.0} s wall") +
            (r.OptunaSeconds is double optunaSeconds ? string.Create(CultureInfo.InvariantCulture, $"; Optuna: {optunaSeconds:0.0} s wall.") : "."));
        if (r.OptunaNote is { } note)
        {
            md.AppendLine().AppendLine($"Optuna: {note}");
        }

        md.AppendLine().AppendLine(
            $"Regret = best value of the first k trials − f*; each cell is the median [p25–p75] over the seeds. " +
            $"V/O = Vernier median / Optuna median (below 1: Vernier better). {VernierBest} Vernier's best sampler for the function, " +
            $"{OptunaBest} Optuna's best (unscrambled QMC excluded: the same points for every seed, and its early points include the centre).");
        foreach (FunctionInfo f in r.Functions.Where(f => f.Shift.Count > 0))
        {
            md.AppendLine().Append(CultureInfo.InvariantCulture, $"- `{f.Name}`: {f.BaseName} on ")
                .Append(string.Join(", ", f.Domain.Where(d => d.Low is not null).Select(d => $"{d.Name} ∈ [{Num(d.Low!.Value)}, {Num(d.High!.Value)}]{(d.Log ? " log" : "")}")));
        }

        md.AppendLine();
        var optuna = r.Optuna ?? [];
        string[] samplers = [.. r.Vernier.Select(c => c.Sampler).Concat(optuna.Select(c => c.Sampler)).Distinct()];
        foreach (int budget in r.Budgets)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### Budget {budget}").AppendLine();
            md.AppendLine("| function | sampler | Vernier | Optuna | V/O |").AppendLine("|---|---|---|---|---|");
            foreach (FunctionInfo f in r.Functions)
            {
                double? vBest = Best(r.Vernier, f.Name, budget, _ => true);
                double? oBest = Best(optuna, f.Name, budget, s => !OptunaBridge.NotContenders.Contains(s));
                foreach (string s in samplers)
                {
                    RegretCell? v = r.Vernier.FirstOrDefault(c => c.Sampler == s && c.Function == f.Name);
                    RegretCell? o = optuna.FirstOrDefault(c => c.Sampler == s && c.Function == f.Name);
                    BudgetRegret? vb = v?.Budgets.FirstOrDefault(b => b.Budget == budget);
                    BudgetRegret? ob = o?.Budgets.FirstOrDefault(b => b.Budget == budget);
                    string vText = Cell(v, vb) + (vb is not null && vb.Median == vBest ? " " + VernierBest : "");
                    string oText = Cell(o, ob) + (ob is not null && ob.Median == oBest && !OptunaBridge.NotContenders.Contains(s) ? " " + OptunaBest : "");
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Name} | {s} | {vText} | {oText} | {Ratio(vb?.Median, ob?.Median)} |");
                }
            }
        }

        var problems = r.Vernier.Select(c => (Side: "Vernier", Cell: c)).Concat(optuna.Select(c => (Side: "Optuna", Cell: c))).Where(x => x.Cell.Error is not null).ToArray();
        foreach (var (title, notApplicable) in new[] { ("Not applicable", true), ("Errors", false) })
        {
            string[] lines = [.. problems.Where(x => x.Cell.NotApplicable == notApplicable).Select(x => $"- {x.Side} {x.Cell.Sampler} on {x.Cell.Function}: {x.Cell.Error}")];
            if (lines.Length > 0)
            {
                md.AppendLine().AppendLine(title + ":").AppendLine().AppendLine(string.Join("\n", lines));
            }
        }

        return md.AppendLine().ToString();
    }

    public static string Timing(TimingReport t)
    {
        var md = new StringBuilder();
        md.AppendLine("## Sampler time per trial").AppendLine();
        md.AppendLine($"`{t.Command}`").AppendLine();
        md.Append(MachineTable(t.Machine));
        md.AppendLine("Mean wall time of one ask (declared space, in-memory storage, the benchmark function as objective) over each range of trial numbers, " +
            "in milliseconds: mean (median in brackets; a shared machine's odd pause moves the mean, not the median); one study at a time. " +
            "O/V = Optuna mean / Vernier mean (above 1: Vernier faster).");
        if (t.OptunaNote is { } note)
        {
            md.AppendLine().AppendLine($"Optuna: {note}");
        }

        md.AppendLine().AppendLine("| function | sampler | trials | Vernier ms | Optuna ms | O/V |").AppendLine("|---|---|---|---|---|---|");
        var optuna = t.Optuna ?? [];
        foreach (TimingCell v in t.Vernier.Concat(optuna.Where(o => !t.Vernier.Any(v => v.Sampler == o.Sampler && v.Function == o.Function))))
        {
            TimingCell? vc = t.Vernier.FirstOrDefault(c => c.Sampler == v.Sampler && c.Function == v.Function);
            TimingCell? oc = optuna.FirstOrDefault(c => c.Sampler == v.Sampler && c.Function == v.Function);
            foreach (TimingRange range in t.Ranges)
            {
                TimingRange? vr = vc?.Ranges.FirstOrDefault(x => x.First == range.First && x.Last == range.Last);
                TimingRange? or = oc?.Ranges.FirstOrDefault(x => x.First == range.First && x.Last == range.Last);
                double? vm = vr?.MeanMilliseconds;
                double? om = or?.MeanMilliseconds;
                string vText = vc is null ? "—" : vc.Error is not null ? "error" : vm is double a ? Ms(a) + Median(vr!) : "not run";
                string oText = oc is null ? "—" : oc.Error is not null ? "error" : om is double b ? Ms(b) + Median(or!) : $"not run (capped at {oc.Trials})";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {v.Function} | {v.Sampler} | {range.First}–{range.Last} | {vText} | {oText} | {Ratio(om, vm)} |");
            }
        }

        string[] errors = [.. t.Vernier.Select(c => ("Vernier", c)).Concat(optuna.Select(c => ("Optuna", c)))
            .Where(x => x.c.Error is not null).Select(x => $"- {x.Item1} {x.c.Sampler} on {x.c.Function}: {x.c.Error}")];
        if (errors.Length > 0)
        {
            md.AppendLine().AppendLine("Errors:").AppendLine().AppendLine(string.Join("\n", errors));
        }

        return md.AppendLine().ToString();
    }

    /// <summary>Writes <c>pruning.json</c> and <c>pruning.md</c> (their own files: the pruner benchmark is not part of latest.*).</summary>
    public static (string Json, string Markdown) SavePruning(string directory, PruningReport report) =>
        SaveOwn(directory, "pruning", report, "# Vernier benchmark: pruners\n\nWritten by `bench/Vernier.Bench`; see `bench/README.md` for what the columns mean.\n\n" + Pruning(report));

    /// <summary>Writes a command's own result files, <c>NAME.json</c> (the report) and <c>NAME.md</c>, outside latest.*.</summary>
    public static (string Json, string Markdown) SaveOwn<T>(string directory, string name, T report, string markdown)
    {
        Directory.CreateDirectory(directory);
        string jsonPath = Path.Combine(directory, name + ".json");
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, ResultJson.Options) + "\n");
        string mdPath = Path.Combine(directory, name + ".md");
        File.WriteAllText(mdPath, markdown);
        return (jsonPath, mdPath);
    }

    /// <summary>Whether a Vernier pruner meets the target against Optuna's: a median best final value no worse with no more median steps.</summary>
    public static bool? MeetsTarget(PruningCell? vernier, PruningCell? optuna) =>
        vernier?.Steps is { } vs && vernier.Best is { } vb && optuna?.Steps is { } os && optuna.Best is { } ob
            ? vb.Median <= ob.Median && vs.Median <= os.Median
            : null;

    public static string Pruning(PruningReport r)
    {
        var md = new StringBuilder();
        md.AppendLine("## Pruners").AppendLine();
        md.AppendLine($"`{r.Command}`").AppendLine();
        md.Append(MachineTable(r.Machine));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"`pruning_curve` on the {r.Function} space: {r.Seeds.Count} seeds ({r.Seeds[0]}–{r.Seeds[^1]}), {r.Trials} trials per study, up to {r.Steps} reports per trial, ") +
            $"sampler `{r.Sampler}` (Vernier's with default options; Optuna's `TPESampler(seed=seed)`), every pruner with its default options, " +
            $"Hyperband `max_resource` = {r.HyperbandMaxResource} on both sides. " +
            string.Create(CultureInfo.InvariantCulture, $"Vernier: {r.VernierSeconds:0.0} s wall") +
            (r.OptunaSeconds is double optunaSeconds ? string.Create(CultureInfo.InvariantCulture, $"; Optuna: {optunaSeconds:0.0} s wall.") : "."));
        if (r.OptunaNote is { } note)
        {
            md.AppendLine().AppendLine($"Optuna: {note}");
        }

        md.AppendLine().AppendLine(
            "Steps = reports made over all trials of a study, pruned ones included (no pruning: trials × steps). Best = the best complete trial's " +
            "final value (f* = 0). Each is the median [p25–p75] over the seeds; pruned = the median fraction of trials pruned. " +
            "Target = Vernier's median best ≤ Optuna's and Vernier's median steps ≤ Optuna's. " +
            "V at O's steps = per seed, the best value Vernier had completed within the number of steps Optuna's run of that seed consumed, " +
            "median over the seeds (∞: nothing completed by then): the comparison at an equal step budget.");
        md.AppendLine().AppendLine($"### With the {r.Sampler} sampler").AppendLine();
        PruningTable(md, r.Vernier, r.Optuna ?? []);
        if (r.VernierSameTrials is { } vSame)
        {
            md.AppendLine().AppendLine("### The pruners alone, on the same trials").AppendLine();
            md.AppendLine(
                "Per seed, both libraries evaluate one sequence of trials, in order (the parameters Vernier's random sampler draws with that seed, " +
                "enqueued on both sides), so the trials are identical and only the pruners' decisions differ. " +
                "(Hyperband still assigns trials to brackets by each library's own hash.)").AppendLine();
            PruningTable(md, vSame, r.OptunaSameTrials ?? []);
        }

        return md.AppendLine().ToString();
    }

    private static void PruningTable(StringBuilder md, IReadOnlyList<PruningCell> vernier, IReadOnlyList<PruningCell> optuna)
    {
        md.AppendLine("| pruner | steps Vernier | steps Optuna | best Vernier | best Optuna | pruned Vernier | pruned Optuna | target | V at O's steps |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (string pruner in vernier.Select(c => c.Pruner).Concat(optuna.Select(c => c.Pruner)).Distinct())
        {
            PruningCell? v = vernier.FirstOrDefault(c => c.Pruner == pruner);
            PruningCell? o = optuna.FirstOrDefault(c => c.Pruner == pruner);
            string target = MeetsTarget(v, o) switch { true => "met", false => "missed", null => "—" };
            string equalSteps = (v?.BestAtOptunaSteps ?? BestAtOtherSteps(v, o)) switch { null => "—", double b when b >= double.MaxValue => "∞", double b => Num(b) };
            md.AppendLine($"| {pruner} | {Spread(v, v?.Steps)} | {Spread(o, o?.Steps)} | {Spread(v, v?.Best)} | {Spread(o, o?.Best)} | {Percent(v)} | {Percent(o)} | {target} | {equalSteps} |");
        }

        string[] errors = [.. vernier.Select(c => ("Vernier", c)).Concat(optuna.Select(c => ("Optuna", c)))
            .Where(x => x.c.Error is not null).Select(x => $"- {x.Item1} {x.c.Pruner}: {x.c.Error}")];
        if (errors.Length > 0)
        {
            md.AppendLine().AppendLine("Errors:").AppendLine().AppendLine(string.Join("\n", errors));
        }
    }

    /// <summary>The median over the seeds both cells ran of Vernier's best value within Optuna's step count for that seed; null without a pair of runs.</summary>
    public static double? BestAtOtherSteps(PruningCell? vernier, PruningCell? optuna)
    {
        if (vernier is null || optuna is null || vernier.Error is not null || optuna.Error is not null)
        {
            return null;
        }

        double[] best = [.. vernier.Runs.Join(optuna.Runs, v => v.Seed, o => o.Seed, (v, o) => Math.Min(v.BestWithin(o.Steps), double.MaxValue))];
        return best.Length == 0 ? null : Statistics.Quantile(best, 0.5);
    }

    private static string Spread(PruningCell? cell, Quartiles? q) =>
        cell is null ? "—" : cell.Error is not null ? "error" : q is null ? "none complete" : $"{Num(q.Median)} [{Num(q.P25)}–{Num(q.P75)}]";

    private static string Percent(PruningCell? cell) =>
        cell?.PrunedFraction is double f ? (100 * f).ToString("0", CultureInfo.InvariantCulture) + " %" : cell?.Error is not null ? "error" : "—";

    private static double? Best(IReadOnlyList<RegretCell> cells, string function, int budget, Func<string, bool> counts) =>
        cells.Where(c => c.Function == function && c.Error is null && counts(c.Sampler))
            .Select(c => c.Budgets.FirstOrDefault(b => b.Budget == budget)?.Median)
            .Where(m => m is double d && !double.IsNaN(d)).Min();

    private static string Cell(RegretCell? cell, BudgetRegret? b) =>
        cell is null ? "—" : cell.NotApplicable ? "n/a" : cell.Error is not null ? "error" : b is null ? "—" : $"{Num(b.Median)} [{Num(b.P25)}–{Num(b.P75)}]";

    private static string Ratio(double? numerator, double? denominator) => (numerator, denominator) switch
    {
        (double n, double d) when d == 0.0 && n == 0.0 => "1",
        (double, double d) when d == 0.0 => "∞",
        (double n, double d) => (n / d).ToString(n / d >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture),
        _ => "—",
    };

    /// <summary>Three significant digits; scientific notation outside [1e-3, 1e5).</summary>
    public static string Num(double v)
    {
        if (v == 0.0 || !double.IsFinite(v))
        {
            return v == 0.0 ? "0" : v.ToString(CultureInfo.InvariantCulture);
        }

        double a = Math.Abs(v);
        if (a is >= 1e-3 and < 1e5)
        {
            int decimals = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(a)));
            return Math.Round(v, decimals).ToString("0.#####", CultureInfo.InvariantCulture);
        }

        return v.ToString("0.##e+0", CultureInfo.InvariantCulture);
    }

    private static string Median(TimingRange range) => range.MedianMilliseconds is double m ? $" ({Ms(m)})" : "";

    private static string Ms(double v) => v.ToString(v >= 10 ? "0.0" : v >= 0.1 ? "0.000" : "0.0000", CultureInfo.InvariantCulture);

    private static LatestResults TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LatestResults>(File.ReadAllText(path), ResultJson.Options) ?? new LatestResults(null, null);
        }
        catch (JsonException)
        {
            return new LatestResults(null, null);
        }
    }
}
