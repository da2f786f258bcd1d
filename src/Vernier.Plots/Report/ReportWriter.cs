using System.Globalization;
using System.Net;
using System.Text;
using Vernier.Importance;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Report;

/// <summary>Writes a <see cref="ReportData"/> as one HTML page: tables for the summary, best trials and importance; charts from <see cref="StudyPlots"/>.</summary>
internal static class ReportWriter
{
    private const string Style =
        "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px;max-width:1200px}" +
        ".vernier-table{border-collapse:collapse;font-size:14px;margin:8px 0}" +
        ".vernier-table th,.vernier-table td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}" +
        ".vernier-table th{background:#f5f5f5}.vernier-table td.num{text-align:right;font-variant-numeric:tabular-nums}" +
        ".vernier-bar{display:inline-block;height:10px;background:#5470c6}" +
        ".vernier-empty{padding:12px 16px;background:#fff8e1;border:1px solid #f0d58c;max-width:1168px}" +
        ".vernier-muted{color:#666;font-size:13px}";

    public static string Render(ReportData data)
    {
        string title = $"Study report: {data.StudyName}";
        StringBuilder html = PlotHtml.BeginPage(title, Style);
        var figures = new List<PlotFigure>();
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n")
            .Append("<p class=\"vernier-muted\">Made by Vernier from the study's ").Append(Count(data.Trials.Count, "trial"))
            .Append(". Charts: Apache ECharts ").Append(PlotHtml.EChartsVersion).Append(", inlined (the page opens offline).</p>\n");

        AppendSummary(html, data);
        if (data.Trials.Count == 0)
        {
            html.Append("<p class=\"vernier-empty\" id=\"vernier-empty-study\">Study '").Append(Encode(data.StudyName))
                .Append("' has no trials yet: there is no best trial, importance or plot to show. Run some trials, then make the report again.</p>\n");
            return PlotHtml.EndPage(html, figures);
        }

        AppendBest(html, data);
        AppendImportance(html, data, figures);
        AppendPlots(html, data, figures);
        return PlotHtml.EndPage(html, figures);
    }

    private static void AppendSummary(StringBuilder html, ReportData data)
    {
        html.Append("<h2 id=\"summary\">Summary</h2>\n<table class=\"vernier-table\" id=\"vernier-summary\">\n");
        Row(html, "Study", data.StudyName);
        Row(html, data.Directions.Count == 1 ? "Direction" : "Directions", string.Join(", ", data.Directions.Select((d, i) =>
            data.Directions.Count == 1 && Name(data, i) is null ? d.ToWireName() : $"{ObjectiveName(data, i)}: {d.ToWireName()}")));
        Row(html, "Trials", data.Trials.Count == 0
            ? "none yet"
            : $"{data.Trials.Count.ToString(CultureInfo.InvariantCulture)}: " + string.Join(", ", Enum.GetValues<TrialState>()
                .Select(s => (State: s, Count: data.Trials.Count(t => t.State == s)))
                .Where(c => c.Count > 0)
                .Select(c => $"{c.Count.ToString(CultureInfo.InvariantCulture)} {c.State.ToWireName()}")));
        DateTimeOffset[] starts = [.. data.Trials.Where(t => t.StartedAt is not null).Select(t => t.StartedAt!.Value)];
        if (starts.Length > 0)
        {
            DateTimeOffset first = starts.Min();
            DateTimeOffset last = data.Trials.SelectMany(t => new[] { t.StartedAt, t.CompletedAt }).Where(d => d is not null).Max()!.Value;
            Row(html, "First trial started", Time(first));
            Row(html, "Last activity", Time(last));
            Row(html, "Duration", Duration(last - first) + " (first start to last activity)");
            TimeSpan busy = data.Trials.Select(t => t.Duration ?? TimeSpan.Zero).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            Row(html, "Trial time", Duration(busy) + " (the finished trials' durations added up)");
        }

        foreach (var (key, value) in data.Options.Details)
        {
            Row(html, key, value);
        }

        html.Append("</table>\n");
    }

    private static void AppendBest(StringBuilder html, ReportData data)
    {
        string[] parameters = [.. data.Trials.SelectMany(t => t.Parameters.Keys).Distinct().Order(StringComparer.Ordinal)];
        if (data.Directions.Count <= 1)
        {
            html.Append("<h2 id=\"best\">Best trial</h2>\n");
            if (data.BestTrials.Count == 0)
            {
                html.Append("<p class=\"vernier-empty\">No complete trial yet (").Append(Encode(States(data.Trials))).Append("): no best trial.</p>\n");
                return;
            }

            FrozenTrial best = data.BestTrials[0];
            html.Append("<table class=\"vernier-table\" id=\"vernier-best\">\n");
            Row(html, "Trial", "#" + best.Number.ToString(CultureInfo.InvariantCulture));
            Row(html, ObjectiveName(data, 0), Number(best.Values[0]));
            foreach (var (name, parameter) in best.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Row(html, name, ParameterText(parameter));
            }

            if (best.StartedAt is { } started)
            {
                Row(html, "Started", Time(started));
            }

            if (best.Duration is { } duration)
            {
                Row(html, "Duration", Duration(duration));
            }

            if (!best.IsFeasible)
            {
                Row(html, "Constraints", "violated (no complete trial satisfies them; this one violates them least)");
            }

            html.Append("</table>\n");
            return;
        }

        html.Append("<h2 id=\"best\">Pareto front</h2>\n");
        if (data.BestTrials.Count == 0)
        {
            html.Append("<p class=\"vernier-empty\">No complete trial yet (").Append(Encode(States(data.Trials))).Append("): no Pareto front.</p>\n");
            return;
        }

        html.Append("<p>").Append(Count(data.BestTrials.Count, "trial")).Append(" on the Pareto front: no other complete trial is at least as good in every objective and better in one.</p>\n")
            .Append("<table class=\"vernier-table\" id=\"vernier-pareto\">\n<tr><th>trial</th>");
        for (int i = 0; i < data.Directions.Count; i++)
        {
            html.Append("<th>").Append(Encode($"{ObjectiveName(data, i)} ({data.Directions[i].ToWireName()})")).Append("</th>");
        }

        foreach (string parameter in parameters)
        {
            html.Append("<th>").Append(Encode(parameter)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (FrozenTrial trial in data.BestTrials.Take(data.Options.MaxTableRows))
        {
            html.Append("<tr><td class=\"num\">#").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            foreach (double value in trial.Values)
            {
                html.Append("<td class=\"num\">").Append(Encode(Number(value))).Append("</td>");
            }

            foreach (string parameter in parameters)
            {
                html.Append("<td>").Append(trial.Parameters.TryGetValue(parameter, out TrialParameter? p) ? Encode(ParameterText(p)) : "").Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
        if (data.BestTrials.Count > data.Options.MaxTableRows)
        {
            html.Append("<p class=\"vernier-muted\">").Append(Count(data.BestTrials.Count - data.Options.MaxTableRows, "more trial"))
                .Append(" on the front not listed; the Pareto front chart below draws them all.</p>\n");
        }
    }

    private static void AppendImportance(StringBuilder html, ReportData data, List<PlotFigure> figures)
    {
        int objective = data.Options.Plots.ObjectiveIndex;
        html.Append("<h2 id=\"importance\">Parameter importance</h2>\n");
        if (data.Importances.Count == 0)
        {
            html.Append("<p class=\"vernier-empty\">No parameter importance: it needs complete trials with a finite value")
                .Append(data.Directions.Count > 1 ? $" for {Encode(ObjectiveName(data, objective))}" : "").Append(" and parameters.</p>\n");
            return;
        }

        int used = data.Trials.Count(t => t.State == TrialState.Complete && t.Values.Length > objective && double.IsFinite(t.Values[objective]));
        html.Append("<p>How much each parameter mattered to ").Append(Encode(ObjectiveName(data, objective))).Append(" (")
            .Append(data.Directions[objective].ToWireName()).Append("), measured by ").Append(Encode(data.EvaluatorName))
            .Append(" from ").Append(Count(used, "complete trial")).Append("; the importances add up to 1.</p>\n")
            .Append("<table class=\"vernier-table\" id=\"vernier-importance\">\n<tr><th>#</th><th>parameter</th><th>importance</th><th></th></tr>\n");
        var ranked = data.Importances.OrderByDescending(i => i.Importance).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
        for (int rank = 0; rank < ranked.Count; rank++)
        {
            ParameterImportance p = ranked[rank];
            html.Append("<tr><td class=\"num\">").Append((rank + 1).ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(p.Name))
                .Append("</td><td class=\"num\">").Append(p.Importance.ToString("0.000", CultureInfo.InvariantCulture))
                .Append("</td><td><span class=\"vernier-bar\" style=\"width:").Append(Math.Round(p.Importance * 200).ToString(CultureInfo.InvariantCulture))
                .Append("px\"></span></td></tr>\n");
        }

        html.Append("</table>\n");
        if (ranked.All(p => p.Importance == 0))
        {
            html.Append("<p class=\"vernier-muted\">Every importance is 0: too few trials, or the value did not change.</p>\n");
        }

        Figure(html, figures, StudyPlots.Importance(data.StudyName, data.Directions, data.Trials, data.Importances, data.Options.Plots));
    }

    private static void AppendPlots(StringBuilder html, ReportData data, List<PlotFigure> figures)
    {
        html.Append("<h2 id=\"plots\">Plots</h2>\n");
        var kinds = new List<PlotKind> { PlotKind.History, PlotKind.ParallelCoordinates, PlotKind.Slice };
        if (data.Trials.Any(t => !t.IntermediateValues.IsEmpty))
        {
            kinds.Add(PlotKind.IntermediateValues);
        }

        if (data.Directions.Count > 1)
        {
            kinds.Add(PlotKind.ParetoFront);
        }

        kinds.Add(PlotKind.Timeline);
        foreach (PlotKind kind in kinds)
        {
            Figure(html, figures, StudyPlots.Build(kind, data.StudyName, data.Directions, data.Trials, data.Options.Plots));
        }
    }

    private static void Figure(StringBuilder html, List<PlotFigure> figures, PlotFigure figure)
    {
        PlotHtml.AppendFigure(html, figure, figures.Count);
        figures.Add(figure);
    }

    private static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(Encode(key)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");

    private static string? Name(ReportData data, int index) =>
        data.Options.Plots.ObjectiveNames is { } names && index < names.Count && !string.IsNullOrWhiteSpace(names[index]) ? names[index] : null;

    private static string ObjectiveName(ReportData data, int index) =>
        Name(data, index) ?? (data.Directions.Count <= 1 ? "value" : $"objective {index.ToString(CultureInfo.InvariantCulture)}");

    private static string States(IReadOnlyList<FrozenTrial> trials) =>
        string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {g.Key.ToWireName()}"));

    private static string ParameterText(TrialParameter parameter) => parameter.Value switch
    {
        null => "null",
        double d => Number(d),
        float f => Number(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString() ?? "",
    };

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        }

        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add($"{span.Days.ToString(CultureInfo.InvariantCulture)} d");
        }

        if (span.Days > 0 || span.Hours > 0)
        {
            parts.Add($"{span.Hours.ToString(CultureInfo.InvariantCulture)} h");
        }

        parts.Add($"{span.Minutes.ToString(CultureInfo.InvariantCulture)} min");
        if (span.Days == 0)
        {
            parts.Add($"{span.Seconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return string.Join(" ", parts);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
