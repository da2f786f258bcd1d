using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Studies;

namespace Vernier.Plots.Kinds;

/// <summary>
/// The empirical cumulative distribution of the objective values of the complete trials: for each value v, the
/// share of trials whose value is at most v. Above the cap the step curve is drawn through evenly spaced ranks (the
/// smallest and largest value always included), each point exact.
/// </summary>
internal static class EdfPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Empirical distribution";
        if (context.NothingToPlot() is { } message)
        {
            return context.Empty(Kind, message);
        }

        var values = context.Trials.Where(context.HasValue).Select(context.ValueOf).ToArray();
        Array.Sort(values);
        int n = values.Length;
        var notes = new List<string>(context.LeftOutNotes());

        // The EDF's corners: the last index of each distinct value.
        var corners = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (i == n - 1 || values[i + 1] != values[i])
            {
                corners.Add(i);
            }
        }

        var drawn = corners.Count <= context.Options.MaxPoints
            ? corners
            : Sampling.Even(corners.Count, context.Options.MaxPoints, new HashSet<int> { 0, corners.Count - 1 }).Select(i => corners[i]).ToList();
        if (drawn.Count < corners.Count)
        {
            notes.Add($"{corners.Count.ToString(CultureInfo.InvariantCulture)} distinct values: the curve drawn through {drawn.Count.ToString(CultureInfo.InvariantCulture)} of them, evenly spaced (MaxPoints).");
        }

        var data = new JsonArray { Json.Point(values[0], 0) };
        foreach (int i in drawn)
        {
            data.Add(Json.Point(values[i], (i + 1) / (double)n));
        }

        notes.Add($"{n.ToString(CultureInfo.InvariantCulture)} complete trials; {context.Direction.ToWireName()} — the better curve rises {(context.Direction == StudyDirection.Minimize ? "earlier (left)" : "later (right)")}.");
        string title = context.Title(Kind);
        var option = Json.Base(title, null);
        option["grid"] = Json.Obj(("top", 70), ("left", 70), ("right", 40), ("bottom", 60));
        option["xAxis"] = Json.Obj(("type", "value"), ("name", context.ObjectiveLabel), ("nameLocation", "middle"), ("nameGap", 28), ("scale", true));
        option["yAxis"] = Json.Obj(("type", "value"), ("name", "Share of trials ≤ value"), ("min", 0), ("max", 1));
        option["series"] = Json.Arr(Json.Obj(
            ("name", $"{context.StudyName} ({n.ToString(CultureInfo.InvariantCulture)})"), ("type", "line"), ("step", "end"), ("showSymbol", false),
            ("lineStyle", Json.Obj(("width", 2))), ("data", data)));
        return new PlotFigure { Title = title, Option = option, Notes = notes };
    }
}
