using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// Two parameters: the plane cut into cells (<see cref="PlotOptions.ContourCells"/> per numeric axis, evenly in log
/// space for log parameters, one per choice for categoricals), each cell coloured by the mean objective value of
/// the complete trials in it (from every trial, whatever the cap), with the trials drawn on top as points.
/// </summary>
/// <remarks>
/// ECharts draws heat maps on category axes only, so the cells live on a hidden grid of category axes and the
/// points on a second grid at the same place with the parameters' real axes, their ranges pinned to the cells'.
/// </remarks>
internal static class ContourPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Contour";
        if (context.Options.Parameters is { Count: not 2 } asked)
        {
            throw new ArgumentException($"a contour plot takes exactly two parameters, not {asked.Count} ({string.Join(", ", asked)}).", nameof(PlotOptions.Parameters));
        }

        if (context.NothingToPlot() is { } message)
        {
            return context.Empty(Kind, message);
        }

        var complete = context.Trials.Where(context.HasValue).OrderBy(t => t.Number).ToList();
        var all = ParameterAxis.For(complete, context.Options.Parameters);
        if (all.Count < 2)
        {
            return context.Empty(Kind, $"a contour plot needs two parameters; the complete trials of study '{context.StudyName}' have {all.Count}.");
        }

        var notes = new List<string>(context.LeftOutNotes());
        if (context.Options.Parameters is null && all.Count > 2)
        {
            notes.Add($"showing {all[0].Name} and {all[1].Name}, the first two parameters by name; choose others with Parameters (--params a,b).");
        }

        var (xAxis, yAxis) = (all[0], all[1]);
        var points = complete.Where(t => xAxis.ValueOf(t) is not null && yAxis.ValueOf(t) is not null).ToList();
        if (points.Count == 0)
        {
            return context.Empty(Kind, $"no complete trial has both {xAxis.Name} and {yAxis.Name}.");
        }

        var xCells = Cells.For(xAxis, points, context.Options.ContourCells);
        var yCells = Cells.For(yAxis, points, context.Options.ContourCells);
        var sum = new double[xCells.Count, yCells.Count];
        var count = new int[xCells.Count, yCells.Count];
        foreach (var t in points)
        {
            int i = xCells.IndexOf(xAxis.ValueOf(t)!.Value), j = yCells.IndexOf(yAxis.ValueOf(t)!.Value);
            sum[i, j] += context.ValueOf(t);
            count[i, j]++;
        }

        var cells = new JsonArray();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < xCells.Count; i++)
        {
            for (int j = 0; j < yCells.Count; j++)
            {
                if (count[i, j] > 0)
                {
                    double mean = sum[i, j] / count[i, j];
                    min = Math.Min(min, mean);
                    max = Math.Max(max, mean);
                    cells.Add(Json.Arr(JsonValue.Create(i), JsonValue.Create(j), Json.Num(mean), JsonValue.Create(count[i, j])));
                }
            }
        }

        var drawn = Sampling.Pick(points, context.Options.MaxPoints);
        if (drawn.Count < points.Count)
        {
            notes.Add(PlotContext.SampledNote(drawn.Count, points.Count, "trial points") + " The cells use every trial.");
        }

        notes.Add("cell colour: the mean objective value of the complete trials in the cell; empty cells are blank.");
        string title = context.Title(Kind);
        var option = Json.Base(title, $"{xAxis.Name} × {yAxis.Name}");
        var grid = Json.Obj(("left", 90), ("right", 130), ("top", 90), ("bottom", 60));
        option["grid"] = Json.Arr(grid, grid.DeepClone());
        option["xAxis"] = Json.Arr(
            Json.Obj(("type", "category"), ("gridIndex", 0), ("show", false), ("data", xCells.Labels())),
            Bounded(xAxis, xCells, 1));
        option["yAxis"] = Json.Arr(
            Json.Obj(("type", "category"), ("gridIndex", 0), ("show", false), ("data", yCells.Labels())),
            Bounded(yAxis, yCells, 1));
        bool minimize = context.Direction == StudyDirection.Minimize;
        option["visualMap"] = Json.Obj(
            ("type", "continuous"), ("seriesIndex", 0), ("dimension", 2), ("min", Json.Num(min)), ("max", Json.Num(max == min ? min + 1 : max)),
            ("calculable", true), ("right", 10), ("top", "middle"), ("text", Json.Arr(context.ObjectiveLabel, null)),
            ("inRange", Json.Obj(("color", minimize ? Json.Arr("#08306b", "#6baed6", "#f7fbff") : Json.Arr("#f7fbff", "#6baed6", "#08306b")))));
        option["series"] = Json.Arr(
            Json.Obj(("name", "Mean " + context.ObjectiveLabel), ("type", "heatmap"), ("xAxisIndex", 0), ("yAxisIndex", 0), ("data", cells)),
            Json.Obj(
                ("name", "Trials"), ("type", "scatter"), ("xAxisIndex", 1), ("yAxisIndex", 1), ("symbolSize", 5),
                ("itemStyle", Json.Obj(("color", "#000000"), ("borderColor", "#ffffff"), ("borderWidth", 0.5))),
                ("data", Json.Arr(drawn.Select(t => (JsonNode?)Json.Arr(
                    xAxis.Node(xAxis.ValueOf(t)!.Value), yAxis.Node(yAxis.ValueOf(t)!.Value), Json.Num(context.ValueOf(t)), JsonValue.Create(t.Number)))))));
        return new PlotFigure { Title = title, Option = option, Notes = notes, Height = 600 };
    }

    private static JsonObject Bounded(ParameterAxis axis, Cells cells, int gridIndex)
    {
        var a = axis.Axis();
        a["gridIndex"] = gridIndex;
        a["nameGap"] = 35;
        if (!axis.IsCategorical)
        {
            a["min"] = cells.Low;
            a["max"] = cells.High;
            a.Remove("scale");
        }

        return a;
    }

    /// <summary>The cells along one axis.</summary>
    private sealed class Cells
    {
        private readonly ParameterAxis _axis;
        private readonly double _from;
        private readonly double _to;

        private Cells(ParameterAxis axis, int count, double low, double high)
        {
            _axis = axis;
            Count = count;
            Low = low;
            High = high;
            _from = Transform(low);
            _to = Transform(high);
        }

        public int Count { get; }

        public double Low { get; }

        public double High { get; }

        public static Cells For(ParameterAxis axis, IReadOnlyList<FrozenTrial> trials, int perAxis)
        {
            if (axis.IsCategorical)
            {
                return new Cells(axis, axis.Categories.Count, 0, axis.Categories.Count);
            }

            double low, high;
            if (axis.Bounds is { } b)
            {
                (low, high) = b;
            }
            else
            {
                var values = trials.Select(t => axis.ValueOf(t)!.Value).ToList();
                (low, high) = (values.Min(), values.Max());
            }

            return high > low ? new Cells(axis, perAxis, low, high) : new Cells(axis, 1, low, low + 1);
        }

        public int IndexOf(double value)
        {
            if (_axis.IsCategorical)
            {
                return (int)value;
            }

            int index = (int)Math.Floor((Transform(value) - _from) / (_to - _from) * Count);
            return Math.Clamp(index, 0, Count - 1);
        }

        public JsonArray Labels()
        {
            if (_axis.IsCategorical)
            {
                return Json.Arr(_axis.Categories.Select(c => (JsonNode?)c));
            }

            return Json.Arr(Enumerable.Range(0, Count).Select(i =>
            {
                double centre = _from + ((i + 0.5) * (_to - _from) / Count);
                return (JsonNode?)Json.Format(_axis.IsLog ? Math.Exp(centre) : centre);
            }));
        }

        private double Transform(double value) => _axis.IsLog ? Math.Log(value) : value;
    }
}
