using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// The objective value of each complete trial by number, the best-so-far line (a step line through every
/// improvement, exact whatever the cap) and pruned trials at their last reported intermediate value.
/// </summary>
internal static class HistoryPlot
{
    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Optimization history";
        if (context.NothingToPlot() is { } message)
        {
            return context.Empty(Kind, message);
        }

        var ordered = context.Trials.OrderBy(t => t.Number).ToList();
        var complete = new List<FrozenTrial>();
        var infeasible = new List<FrozenTrial>();
        var pruned = new List<(int Number, double Value)>();
        var improvements = new List<(int Number, double Best)>();
        var keep = new HashSet<int>();
        double? best = null;
        foreach (var t in ordered)
        {
            if (context.HasValue(t))
            {
                double v = context.ValueOf(t);
                if (!t.IsFeasible)
                {
                    infeasible.Add(t);
                    continue;
                }

                if (best is null || context.Direction.IsBetter(v, best.Value))
                {
                    best = v;
                    improvements.Add((t.Number, v));
                    keep.Add(complete.Count);
                }

                complete.Add(t);
            }
            else if (t.State == TrialState.Pruned && t.LastIntermediateValue is { } last && double.IsFinite(last.Value))
            {
                pruned.Add((t.Number, last.Value));
            }
        }

        var notes = new List<string>();
        int cap = context.Options.MaxPoints;
        var drawn = Sampling.Pick(complete, cap, keep);
        if (drawn.Count < complete.Count)
        {
            notes.Add(PlotContext.SampledNote(drawn.Count, complete.Count, "complete trials") + " Every improvement of the best value is drawn.");
        }

        var drawnPruned = Sampling.Pick(pruned, Math.Max(cap / 4, PlotOptions.MinMaxPoints));
        if (drawnPruned.Count < pruned.Count)
        {
            notes.Add(PlotContext.SampledNote(drawnPruned.Count, pruned.Count, "pruned trials"));
        }

        var drawnInfeasible = Sampling.Pick(infeasible, Math.Max(cap / 4, PlotOptions.MinMaxPoints));
        int lastNumber = ordered[^1].Number;
        var bestLine = Json.Arr(improvements.Select(i => (JsonNode?)Json.Point(i.Number, i.Best)));
        if (improvements.Count > 0 && improvements[^1].Number != lastNumber)
        {
            bestLine.Add(Json.Point(lastNumber, improvements[^1].Best));
        }

        string completeName = $"Complete ({complete.Count.ToString(CultureInfo.InvariantCulture)})";
        string prunedName = $"Pruned, last intermediate value ({pruned.Count.ToString(CultureInfo.InvariantCulture)})";
        string infeasibleName = $"Infeasible ({infeasible.Count.ToString(CultureInfo.InvariantCulture)})";
        var series = new JsonArray
        {
            Json.Obj(
                ("name", completeName), ("type", "scatter"), ("symbolSize", 6), ("itemStyle", Json.Obj(("color", "#5470c6"))),
                ("data", Json.Arr(drawn.Select(t => (JsonNode?)Json.Point(t.Number, context.ValueOf(t)))))),
            Json.Obj(
                ("name", "Best so far"), ("type", "line"), ("step", "end"), ("showSymbol", false),
                ("lineStyle", Json.Obj(("color", "#ee6666"), ("width", 2))), ("itemStyle", Json.Obj(("color", "#ee6666"))),
                ("data", bestLine)),
        };
        var legend = new List<string> { completeName, "Best so far" };
        if (pruned.Count > 0)
        {
            series.Add(Json.Obj(
                ("name", prunedName), ("type", "scatter"), ("symbol", "triangle"), ("symbolSize", 7),
                ("itemStyle", Json.Obj(("color", "#fac858"))),
                ("data", Json.Arr(drawnPruned.Select(p => (JsonNode?)Json.Point(p.Number, p.Value))))));
            legend.Add(prunedName);
        }

        if (infeasible.Count > 0)
        {
            series.Add(Json.Obj(
                ("name", infeasibleName), ("type", "scatter"), ("symbol", "diamond"), ("symbolSize", 6),
                ("itemStyle", Json.Obj(("color", "#aaaaaa"))),
                ("data", Json.Arr(drawnInfeasible.Select(t => (JsonNode?)Json.Point(t.Number, context.ValueOf(t)))))));
            legend.Add(infeasibleName);
            notes.Add($"{infeasible.Count.ToString(CultureInfo.InvariantCulture)} complete trials violate their constraints: drawn grey, not counted in the best so far.");
        }

        int failed = ordered.Count(t => t.State == TrialState.Failed);
        int prunedWithout = ordered.Count(t => t.State == TrialState.Pruned) - pruned.Count;
        int running = ordered.Count(t => t.State is TrialState.Running or TrialState.Waiting);
        var leftOut = new List<string>();
        if (failed > 0)
        {
            leftOut.Add($"{failed.ToString(CultureInfo.InvariantCulture)} failed");
        }

        if (prunedWithout > 0)
        {
            leftOut.Add($"{prunedWithout.ToString(CultureInfo.InvariantCulture)} pruned without an intermediate value");
        }

        if (running > 0)
        {
            leftOut.Add($"{running.ToString(CultureInfo.InvariantCulture)} running or waiting");
        }

        string? subtitle = leftOut.Count > 0 ? "not drawn: " + string.Join(", ", leftOut) : null;
        if (subtitle is not null)
        {
            notes.Insert(0, subtitle + ".");
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, subtitle);
        option["legend"] = Json.Legend([.. legend]);
        option["grid"] = Json.Obj(("top", 90), ("left", 70), ("right", 40), ("bottom", 60));
        option["xAxis"] = Json.Obj(("type", "value"), ("name", "Trial"), ("nameLocation", "middle"), ("nameGap", 28), ("minInterval", 1));
        option["yAxis"] = Json.Obj(("type", "value"), ("name", context.ObjectiveLabel), ("scale", true));
        option["series"] = series;
        return new PlotFigure { Title = title, Option = option, Notes = notes };
    }
}
