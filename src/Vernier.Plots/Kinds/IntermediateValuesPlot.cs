using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// Learning curves: each trial's intermediate values by step, one colour per state, with a marker where each pruned
/// trial was stopped. The curves of many trials share one series per state (a null point separates two trials), so a
/// big study makes a handful of series; above the cap trials are sampled evenly and long curves thinned, the last
/// step always kept. Counts in the legend are exact.
/// </summary>
internal static class IntermediateValuesPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Intermediate values";
        if (context.Trials.Count == 0)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has no trials yet.");
        }

        var reporting = context.Trials.Where(t => !t.IntermediateValues.IsEmpty).OrderBy(t => t.Number).ToList();
        if (reporting.Count == 0)
        {
            return context.Empty(Kind, $"no trial of study '{context.StudyName}' reported intermediate values ({context.StateCounts()}).");
        }

        int cap = context.Options.MaxPoints;
        long totalPoints = reporting.Sum(t => (long)t.IntermediateValues.Count);
        var drawn = reporting;
        var notes = new List<string>();
        int perCurve = int.MaxValue;
        if (totalPoints > cap)
        {
            // Draw at most cap/10 curves (at least 10), each thinned to share the cap.
            int curves = Math.Min(reporting.Count, Math.Max(cap / 10, 10));
            drawn = Sampling.Pick(reporting, curves);
            perCurve = Math.Max(cap / drawn.Count, 2);
            long drawnPoints = drawn.Sum(t => (long)Math.Min(t.IntermediateValues.Count, perCurve));
            notes.Add($"{reporting.Count.ToString(CultureInfo.InvariantCulture)} trials with {totalPoints.ToString(CultureInfo.InvariantCulture)} intermediate values: " +
                $"{drawn.Count.ToString(CultureInfo.InvariantCulture)} curves and {drawnPoints.ToString(CultureInfo.InvariantCulture)} points drawn, sampled evenly (MaxPoints).");
        }

        // Drawn in this order: pruned curves last, on top.
        var states = new[] { TrialState.Complete, TrialState.Failed, TrialState.Running, TrialState.Pruned };
        var colours = new Dictionary<TrialState, string>
        {
            [TrialState.Complete] = "#5470c6",
            [TrialState.Pruned] = "#fac858",
            [TrialState.Running] = "#91cc75",
            [TrialState.Failed] = "#ee6666",
        };
        var series = new JsonArray();
        var legend = new List<string>();
        foreach (var state in states)
        {
            int total = reporting.Count(t => Group(t.State) == state);
            if (total == 0)
            {
                continue;
            }

            var data = new JsonArray();
            foreach (var t in drawn.Where(t => Group(t.State) == state))
            {
                if (data.Count > 0)
                {
                    data.Add(null);
                }

                foreach (var (step, value) in Thin(t.IntermediateValues, perCurve))
                {
                    data.Add(Json.Point(step, value));
                }
            }

            string name = $"{Name(state)} ({total.ToString(CultureInfo.InvariantCulture)})";
            legend.Add(name);
            series.Add(Json.Obj(
                ("name", name), ("type", "line"), ("showSymbol", false), ("connectNulls", false),
                ("lineStyle", Json.Obj(("width", 1), ("opacity", 0.7), ("color", colours[state]))), ("itemStyle", Json.Obj(("color", colours[state]))),
                ("data", data)));
        }

        var pruned = reporting.Where(t => t.State == TrialState.Pruned).ToList();
        if (pruned.Count > 0)
        {
            var markers = Sampling.Pick(pruned, Math.Max(cap / 4, PlotOptions.MinMaxPoints));
            string name = $"Pruned at ({pruned.Count.ToString(CultureInfo.InvariantCulture)})";
            legend.Add(name);
            series.Add(Json.Obj(
                ("name", name), ("type", "scatter"), ("symbol", "triangle"), ("symbolSize", 8), ("itemStyle", Json.Obj(("color", "#d48265"))),
                ("data", Json.Arr(markers.Select(t => (JsonNode?)Json.Point(t.LastIntermediateValue!.Value.Key, t.LastIntermediateValue!.Value.Value))))));
            if (markers.Count < pruned.Count)
            {
                notes.Add(PlotContext.SampledNote(markers.Count, pruned.Count, "pruned markers"));
            }
        }

        int silent = context.Trials.Count - reporting.Count;
        if (silent > 0)
        {
            notes.Insert(0, $"{silent.ToString(CultureInfo.InvariantCulture)} trials reported no intermediate value.");
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, null);
        option["legend"] = Json.Legend([.. legend]);
        option["grid"] = Json.Obj(("top", 90), ("left", 70), ("right", 40), ("bottom", 60));
        option["xAxis"] = Json.Obj(("type", "value"), ("name", "Step"), ("nameLocation", "middle"), ("nameGap", 28), ("scale", true));
        option["yAxis"] = Json.Obj(("type", "value"), ("name", "Intermediate value"), ("scale", true));
        option["series"] = series;
        return new PlotFigure { Title = title, Option = option, Notes = notes };
    }

    private static TrialState Group(TrialState state) => state == TrialState.Waiting ? TrialState.Running : state;

    private static string Name(TrialState state) => state switch
    {
        TrialState.Complete => "Complete",
        TrialState.Pruned => "Pruned",
        TrialState.Failed => "Failed",
        _ => "Running",
    };

    private static IEnumerable<(long Step, double Value)> Thin(IReadOnlyDictionary<long, double> values, int max)
    {
        var list = values.Where(kv => double.IsFinite(kv.Value)).Select(kv => (kv.Key, kv.Value)).ToList();
        return list.Count <= max ? list : Sampling.Even(list.Count, max, new HashSet<int> { list.Count - 1 }).Select(i => list[i]);
    }
}
