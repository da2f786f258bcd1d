using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Importance;

namespace Vernier.Plots.Kinds;

/// <summary>Parameter importances as horizontal bars, the most important at the top, labelled with their share.</summary>
internal static class ImportancePlot
{
    public static PlotFigure Build(PlotContext context, IReadOnlyList<ParameterImportance> importances)
    {
        ArgumentNullException.ThrowIfNull(importances);
        const string Kind = "Parameter importance";
        if (context.Trials.Count == 0 && importances.Count == 0)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has no trials yet.");
        }

        if (importances.Count == 0)
        {
            return context.Empty(Kind, $"no parameter importance to show for study '{context.StudyName}': it needs complete trials with parameters.");
        }

        // ECharts draws the first category at the bottom: reverse so the most important is on top.
        var ordered = importances.OrderByDescending(i => i.Importance).ThenBy(i => i.Name, StringComparer.Ordinal).Reverse().ToList();
        var notes = new List<string>();
        if (ordered.Count > context.Options.MaxPoints)
        {
            notes.Add($"{importances.Count.ToString(CultureInfo.InvariantCulture)} parameters: the {context.Options.MaxPoints.ToString(CultureInfo.InvariantCulture)} most important drawn (MaxPoints).");
            ordered = ordered.Skip(ordered.Count - context.Options.MaxPoints).ToList();
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, null);
        option["grid"] = Json.Obj(("left", 20), ("right", 80), ("top", 70), ("bottom", 50), ("containLabel", true));
        option["xAxis"] = Json.Obj(("type", "value"), ("name", "Importance"), ("nameLocation", "middle"), ("nameGap", 28), ("min", 0));
        option["yAxis"] = Json.Obj(("type", "category"), ("data", Json.Arr(ordered.Select(i => (JsonNode?)i.Name))));
        option["series"] = Json.Arr(Json.Obj(
            ("name", "Importance"), ("type", "bar"), ("itemStyle", Json.Obj(("color", "#5470c6"))),
            ("label", Json.Obj(("show", true), ("position", "right"))),
            ("data", Json.Arr(ordered.Select(i => (JsonNode?)Json.Obj(
                ("value", Json.Num(i.Importance)),
                ("label", Json.Obj(("formatter", (i.Importance * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%")))))))));
        int height = Math.Max(300, 120 + (ordered.Count * 28));
        return new PlotFigure { Title = title, Option = option, Notes = notes, Height = height };
    }
}
