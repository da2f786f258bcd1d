using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// One axis for the objective and one per parameter (log axes for log parameters, category axes for
/// categoricals); one line per complete trial, coloured by its value. Above the cap the best tenth of the cap is
/// always drawn and the rest sampled evenly.
/// </summary>
internal static class ParallelCoordinatesPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Parallel coordinates";
        if (context.CompleteTrialsWithAxes(Kind, out List<FrozenTrial> complete, out List<ParameterAxis> axes) is { } nothing)
        {
            return nothing;
        }

        var notes = new List<string>(context.LeftOutNotes());
        int cap = context.Options.MaxPoints;
        var keep = BestIndices(complete, context, Math.Max(cap / 10, 1));
        var drawn = Sampling.Pick(complete, cap, keep);
        if (drawn.Count < complete.Count)
        {
            notes.Add(PlotContext.SampledNote(drawn.Count, complete.Count, "complete trials") + $" The best {keep.Count} are always drawn.");
        }

        var parallelAxes = new JsonArray { Json.Obj(("dim", 0), ("name", context.ObjectiveLabel), ("type", "value"), ("scale", true)) };
        for (int i = 0; i < axes.Count; i++)
        {
            var axis = axes[i];
            var a = Json.Obj(("dim", i + 1), ("name", axis.Name), ("type", axis.AxisType));
            if (axis.IsCategorical)
            {
                a["data"] = Json.Arr(axis.Categories.Select(c => (JsonNode?)c));
            }
            else
            {
                a["scale"] = true;
            }

            parallelAxes.Add(a);
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var data = new JsonArray();
        foreach (var t in drawn)
        {
            double v = context.ValueOf(t);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            var row = new JsonArray { Json.Num(v) };
            foreach (var axis in axes)
            {
                // ECharts reads "-" as a missing value: a conditional parameter the trial does not have.
                row.Add(axis.ValueOf(t) is { } x ? axis.Node(x) : JsonValue.Create("-"));
            }

            data.Add(row);
        }

        if (axes.Any(a => complete.Any(t => a.ValueOf(t) is null)))
        {
            notes.Add("a trial without a (conditional) parameter has no value on that axis.");
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, null);
        option["parallelAxis"] = parallelAxes;
        option["parallel"] = Json.Obj(("left", 80), ("right", 80), ("top", 90), ("bottom", 70));
        bool minimize = context.Direction == StudyDirection.Minimize;
        option["visualMap"] = Json.Obj(
            ("type", "continuous"), ("dimension", 0), ("min", Json.Num(min)), ("max", Json.Num(max == min ? min + 1 : max)),
            ("orient", "horizontal"), ("left", "center"), ("bottom", 5), ("calculable", true), ("itemHeight", 200),
            ("text", Json.Arr(context.ObjectiveLabel, null)),
            // The better end is dark: low values for minimize, high for maximize.
            ("inRange", Json.Obj(("color", minimize ? Json.Arr("#1a3a8a", "#7ec8e3", "#f0f0f0") : Json.Arr("#f0f0f0", "#7ec8e3", "#1a3a8a")))));
        option["series"] = Json.Arr(Json.Obj(
            ("name", "Trials"), ("type", "parallel"), ("lineStyle", Json.Obj(("width", 1), ("opacity", 0.6))), ("data", data)));
        return new PlotFigure { Title = title, Option = option, Notes = notes };
    }

    /// <summary>The indices (into <paramref name="complete"/>) of the <paramref name="count"/> best trials.</summary>
    internal static HashSet<int> BestIndices(IReadOnlyList<FrozenTrial> complete, PlotContext context, int count)
    {
        if (complete.Count <= count)
        {
            return [.. Enumerable.Range(0, complete.Count)];
        }

        var values = complete.Select(context.ValueOf).ToArray();
        var order = Enumerable.Range(0, complete.Count).ToArray();
        Array.Sort(values.Select(v => context.Direction == StudyDirection.Minimize ? v : -v).ToArray(), order);
        return [.. order.Take(count)];
    }
}
