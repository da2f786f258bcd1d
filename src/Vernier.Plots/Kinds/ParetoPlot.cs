using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// The complete trials of a multi-objective study in objective space, the Pareto front (computed over every
/// complete, feasible trial, drawn in full whatever the cap) highlighted. Two objectives make one scatter; three or
/// more make a matrix of every pair of objectives (ECharts has no 3-D chart without the echarts-gl extension), the
/// front being the front over all the objectives, shown in each pair.
/// </summary>
internal static class ParetoPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Pareto front";
        int m = context.Directions.Count;
        if (m < 2)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has a single objective: a Pareto front needs two or more; see the history plot.");
        }

        if (context.Trials.Count == 0)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has no trials yet.");
        }

        var complete = context.Trials
            .Where(t => t.State == TrialState.Complete && t.Values.Length == m && t.Values.All(double.IsFinite))
            .OrderBy(t => t.Number).ToList();
        if (complete.Count == 0)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has no complete trial with finite values ({context.StateCounts()}).");
        }

        var feasible = complete.Where(t => t.IsFeasible).ToList();
        var front = Front(feasible, context.Directions);
        var onFront = new HashSet<FrozenTrial>(front, ReferenceEqualityComparer.Instance);
        var others = complete.Where(t => !onFront.Contains(t) && t.IsFeasible).ToList();
        var infeasible = complete.Where(t => !t.IsFeasible).ToList();
        var notes = new List<string>(context.LeftOutNotes());
        int cap = context.Options.MaxPoints;
        var drawnOthers = Sampling.Pick(others, Math.Max(cap - front.Count, PlotOptions.MinMaxPoints));
        if (drawnOthers.Count < others.Count)
        {
            notes.Add(PlotContext.SampledNote(drawnOthers.Count, others.Count, "trials off the front") + $" All {front.Count.ToString(CultureInfo.InvariantCulture)} trials of the front are drawn.");
        }

        var drawnInfeasible = Sampling.Pick(infeasible, Math.Max(cap / 4, PlotOptions.MinMaxPoints));
        if (infeasible.Count > 0)
        {
            notes.Add($"{infeasible.Count.ToString(CultureInfo.InvariantCulture)} trials violate their constraints: drawn grey, not on the front.");
        }

        var pairs = new List<(int X, int Y)>();
        for (int i = 0; i < m; i++)
        {
            for (int j = i + 1; j < m; j++)
            {
                pairs.Add((i, j));
            }
        }

        if (m > 2)
        {
            notes.Add($"{m.ToString(CultureInfo.InvariantCulture)} objectives: one panel per pair; the front is over all the objectives, so a front trial can look dominated in one pair.");
        }

        var layout = new PanelLayout(pairs.Count);
        var grids = new JsonArray();
        var xAxes = new JsonArray();
        var yAxes = new JsonArray();
        var series = new JsonArray();
        string frontName = $"Pareto front ({front.Count.ToString(CultureInfo.InvariantCulture)})";
        string othersName = $"Trials ({others.Count.ToString(CultureInfo.InvariantCulture)})";
        string infeasibleName = $"Infeasible ({infeasible.Count.ToString(CultureInfo.InvariantCulture)})";
        for (int p = 0; p < pairs.Count; p++)
        {
            var (x, y) = pairs[p];
            var grid = m == 2 ? Json.Obj(("top", 90), ("left", 80), ("right", 40), ("bottom", 60)) : layout.Grid(p);
            grids.Add(grid);
            xAxes.Add(Json.Obj(("type", "value"), ("gridIndex", p), ("scale", true), ("name", Label(context, x)), ("nameLocation", "middle"), ("nameGap", 28)));
            yAxes.Add(Json.Obj(("type", "value"), ("gridIndex", p), ("scale", true), ("name", Label(context, y))));
            series.Add(Scatter(othersName, p, drawnOthers, x, y, "#91a7d9", "circle", 5));
            if (infeasible.Count > 0)
            {
                series.Add(Scatter(infeasibleName, p, drawnInfeasible, x, y, "#bbbbbb", "diamond", 5));
            }

            var sortedFront = front.OrderBy(t => t.Values[x]).ToList();
            var frontSeries = Scatter(frontName, p, sortedFront, x, y, "#ee6666", "circle", 8);
            if (m == 2)
            {
                // With two objectives the front is a staircase: draw it as one.
                frontSeries["type"] = "line";
                // The staircase bounds the region the front dominates; sorted by x, it steps at the next point when x is minimized.
                frontSeries["step"] = context.Directions[x] == StudyDirection.Minimize ? "end" : "start";
                frontSeries["lineStyle"] = Json.Obj(("color", "#ee6666"), ("width", 1.5));
            }

            series.Add(frontSeries);
        }

        var legend = new List<string> { frontName, othersName };
        if (infeasible.Count > 0)
        {
            legend.Add(infeasibleName);
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, string.Join(", ", Enumerable.Range(0, m).Select(i => $"{Label(context, i)}")));
        option["legend"] = Json.Legend([.. legend]);
        option["grid"] = grids;
        option["xAxis"] = xAxes;
        option["yAxis"] = yAxes;
        option["series"] = series;
        return new PlotFigure { Title = title, Option = option, Notes = notes, Width = layout.Width, Height = m == 2 ? 600 : layout.Height };
    }

    private static string Label(PlotContext context, int index) => $"{context.ObjectiveName(index)} ({context.Directions[index].ToWireName()})";

    private static JsonObject Scatter(string name, int panel, IEnumerable<FrozenTrial> trials, int x, int y, string colour, string symbol, int size) => Json.Obj(
        ("name", name), ("type", "scatter"), ("xAxisIndex", panel), ("yAxisIndex", panel), ("symbol", symbol), ("symbolSize", size),
        ("itemStyle", Json.Obj(("color", colour))),
        ("data", Json.Arr(trials.Select(t => (JsonNode?)Json.Arr(Json.Num(t.Values[x]), Json.Num(t.Values[y]), JsonValue.Create(t.Number))))));

    /// <summary>
    /// The non-dominated trials, in number order. Sorted lexicographically (better first) a trial can only be
    /// dominated by an earlier one, so each is checked against the front so far only: O(n log n + n·f) for a front of
    /// f trials, and for two objectives a single sweep. Trials with equal values are all kept.
    /// </summary>
    internal static List<FrozenTrial> Front(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        int m = directions.Count;
        double Key(FrozenTrial t, int k) => directions[k] == StudyDirection.Minimize ? t.Values[k] : -t.Values[k];
        var order = trials.ToList();
        order.Sort((a, b) =>
        {
            for (int k = 0; k < m; k++)
            {
                int c = Key(a, k).CompareTo(Key(b, k));
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Number.CompareTo(b.Number);
        });
        var front = new List<FrozenTrial>();
        foreach (var t in order)
        {
            bool dominated = false;
            // With two objectives the last member of the front has the best second value so far: it alone decides.
            int stop = m == 2 ? Math.Max(front.Count - 1, 0) : 0;
            for (int f = front.Count - 1; f >= stop && !dominated; f--)
            {
                dominated = Dominates(front[f], t);
            }

            if (!dominated)
            {
                front.Add(t);
            }
        }

        front.Sort((a, b) => a.Number.CompareTo(b.Number));
        return front;

        bool Dominates(FrozenTrial a, FrozenTrial b)
        {
            bool strictly = false;
            for (int k = 0; k < m; k++)
            {
                double x = Key(a, k), y = Key(b, k);
                if (x > y)
                {
                    return false;
                }

                strictly |= x < y;
            }

            return strictly;
        }
    }
}
