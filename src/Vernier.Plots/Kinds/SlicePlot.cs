using System.Text.Json.Nodes;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// One panel per parameter: the objective value of each complete trial against the parameter's value (log axis for
/// log parameters, category axis for categoricals), coloured by trial number so later trials stand out.
/// </summary>
internal static class SlicePlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Slice";
        if (context.CompleteTrialsWithAxes(Kind, out List<FrozenTrial> complete, out List<ParameterAxis> axes) is { } nothing)
        {
            return nothing;
        }

        var notes = new List<string>(context.LeftOutNotes());
        var drawn = Sampling.Pick(complete, context.Options.MaxPoints);
        if (drawn.Count < complete.Count)
        {
            notes.Add(PlotContext.SampledNote(drawn.Count, complete.Count, "complete trials") + " The same trials in every panel.");
        }

        var layout = new PanelLayout(axes.Count);
        var grids = new JsonArray();
        var xAxes = new JsonArray();
        var yAxes = new JsonArray();
        var series = new JsonArray();
        for (int i = 0; i < axes.Count; i++)
        {
            var axis = axes[i];
            grids.Add(layout.Grid(i));
            var x = axis.Axis();
            x["gridIndex"] = i;
            xAxes.Add(x);
            yAxes.Add(Json.Obj(("type", "value"), ("gridIndex", i), ("scale", true), ("name", i % layout.Columns == 0 ? context.ObjectiveLabel : null)));
            var data = new JsonArray();
            foreach (var t in drawn)
            {
                if (axis.ValueOf(t) is { } v)
                {
                    data.Add(Json.Arr(axis.Node(v), Json.Num(context.ValueOf(t)), JsonValue.Create(t.Number)));
                }
            }

            series.Add(Json.Obj(
                ("name", axis.Name), ("type", "scatter"), ("xAxisIndex", i), ("yAxisIndex", i), ("symbolSize", 6), ("data", data)));
        }

        int lastNumber = complete[^1].Number;
        string title = context.Title(Kind);
        var option = Json.Base(title, null);
        option["grid"] = grids;
        option["xAxis"] = xAxes;
        option["yAxis"] = yAxes;
        option["series"] = series;
        option["visualMap"] = Json.Obj(
            ("type", "continuous"), ("dimension", 2), ("min", complete[0].Number), ("max", Math.Max(lastNumber, complete[0].Number + 1)),
            ("text", Json.Arr("later trials", "earlier")), ("orient", "horizontal"), ("left", "center"), ("top", 35), ("itemHeight", 160),
            ("inRange", Json.Obj(("color", Json.Arr("#c6dbef", "#08306b")))));
        return new PlotFigure { Title = title, Option = option, Notes = notes, Width = layout.Width, Height = layout.Height };
    }
}
