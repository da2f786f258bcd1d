using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// Each trial as a bar from its start to its end, one row per worker (the <see cref="SystemAttributes.Worker"/>
/// system attribute, <c>host:pid</c>; "unknown" without one), coloured by state. A running trial's bar ends at
/// <see cref="PlotOptions.Now"/> (by default the latest time recorded). Bars are thick line segments (one series
/// per state, segments separated by null points), so the option stays plain JSON.
/// </summary>
internal static class TimelinePlot
{
    private static readonly (TrialState State, string Name, string Colour)[] States =
    [
        (TrialState.Complete, "Complete", "#5470c6"),
        (TrialState.Pruned, "Pruned", "#fac858"),
        (TrialState.Failed, "Failed", "#ee6666"),
        (TrialState.Running, "Running", "#91cc75"),
    ];

    public static PlotFigure Build(PlotContext context)
    {
        const string Kind = "Timeline";
        if (context.Trials.Count == 0)
        {
            return context.Empty(Kind, $"study '{context.StudyName}' has no trials yet.");
        }

        var started = context.Trials.Where(t => t.StartedAt is not null).OrderBy(t => t.Number).ToList();
        if (started.Count == 0)
        {
            return context.Empty(Kind, $"no trial of study '{context.StudyName}' has started ({context.StateCounts()}).");
        }

        DateTimeOffset now = context.Options.Now
            ?? started.Max(t => t.CompletedAt is { } c && c > t.StartedAt!.Value ? c : t.StartedAt!.Value);
        var workers = started.Select(Worker).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        int waiting = context.Trials.Count - started.Count;
        if (waiting > 0)
        {
            notes.Add($"{waiting.ToString(CultureInfo.InvariantCulture)} trials have not started: not drawn.");
        }

        var drawn = Sampling.Pick(started, context.Options.MaxPoints);
        if (drawn.Count < started.Count)
        {
            notes.Add(PlotContext.SampledNote(drawn.Count, started.Count, "started trials"));
        }

        if (started.Any(t => t.CompletedAt is null))
        {
            notes.Add($"running trials end at {now.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}.");
        }

        var series = new JsonArray();
        var legend = new List<string>();
        int rowHeight = Math.Clamp(300 / Math.Max(workers.Count, 1), 4, 16);
        foreach (var (state, label, colour) in States)
        {
            var trials = started.Where(t => Group(t.State) == state).ToList();
            if (trials.Count == 0)
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

                DateTimeOffset end = t.CompletedAt ?? now;
                string worker = Worker(t);
                data.Add(Json.Arr(JsonValue.Create(t.StartedAt!.Value.ToUnixTimeMilliseconds()), JsonValue.Create(worker), JsonValue.Create(t.Number)));
                data.Add(Json.Arr(JsonValue.Create(Math.Max(end.ToUnixTimeMilliseconds(), t.StartedAt!.Value.ToUnixTimeMilliseconds())), JsonValue.Create(worker), JsonValue.Create(t.Number)));
            }

            string name = $"{label} ({trials.Count.ToString(CultureInfo.InvariantCulture)})";
            legend.Add(name);
            series.Add(Json.Obj(
                ("name", name), ("type", "line"), ("showSymbol", false), ("connectNulls", false),
                ("lineStyle", Json.Obj(("width", rowHeight), ("color", colour), ("cap", "butt"))), ("itemStyle", Json.Obj(("color", colour))),
                ("data", data)));
        }

        string title = context.Title(Kind);
        var option = Json.Base(title, $"{started.Count.ToString(CultureInfo.InvariantCulture)} trials on {workers.Count.ToString(CultureInfo.InvariantCulture)} worker(s)");
        option["legend"] = Json.Legend([.. legend]);
        option["grid"] = Json.Obj(("top", 90), ("left", 20), ("right", 40), ("bottom", 60), ("containLabel", true));
        option["xAxis"] = Json.Obj(("type", "time"), ("name", "Time (UTC)"), ("nameLocation", "middle"), ("nameGap", 28));
        option["yAxis"] = Json.Obj(("type", "category"), ("name", "Worker"), ("data", Json.Arr(workers.Select(w => (JsonNode?)w))));
        option["series"] = series;
        return new PlotFigure { Title = title, Option = option, Notes = notes, Height = Math.Max(400, 180 + (workers.Count * 24)) };
    }

    private static TrialState Group(TrialState state) => state == TrialState.Waiting ? TrialState.Running : state;

    /// <summary>The worker as <c>host:pid</c>, read leniently (any JSON with host and pid/process_id), else "unknown".</summary>
    internal static string Worker(FrozenTrial trial)
    {
        if (!trial.SystemAttributes.TryGetValue(SystemAttributes.Worker, out JsonElement element))
        {
            return "unknown";
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() ?? "unknown";
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            string? host = element.TryGetProperty("host", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            string? pid = element.TryGetProperty("process_id", out var p) || element.TryGetProperty("pid", out p) ? p.ToString() : null;
            if (host is not null || pid is not null)
            {
                return $"{host ?? "?"}:{pid ?? "?"}";
            }
        }

        return element.ToString();
    }
}
