using System.Globalization;
using System.Text;
using System.Text.Json;
using Vernier.Samplers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier trials --trial N</c>: one trial as plain text, its intermediate values step by step with a sparkline.</summary>
internal static class TrialDetail
{
    /// <summary>At most this many rows of the step/value table; a longer history shows evenly spaced steps, the first and last included.</summary>
    internal const int MaxStepRows = 50;

    /// <summary>At most this many characters of sparkline; a longer history shows the last value of each run of steps.</summary>
    internal const int MaxSparklineWidth = 60;

    /// <summary>The system attributes worth a reader's eye; the others are samplers' bookkeeping (see <c>export --format jsonl</c>).</summary>
    private static readonly string[] ShownSystemAttributes =
    [
        SystemAttributes.Worker, SystemAttributes.FixedParameters, SystemAttributes.RetryOf, SystemAttributes.RetryCount,
        SystemAttributes.Interrupted, GridSampler.GridIdAttribute, Runner.Scheduling.TrialResources.DevicesAttribute,
    ];

    private const string Bars = "▁▂▃▄▅▆▇█";

    public static void Write(TextWriter output, string studyName, bool multiObjective, FrozenTrial trial)
    {
        var lines = new List<(string Key, string Value)> { ("state", trial.State.ToWireName()) };
        if (!trial.Values.IsEmpty)
        {
            lines.Add((multiObjective ? "values" : "value", string.Join(", ", trial.Values.Select(Number))));
        }

        if (!trial.Constraints.IsEmpty)
        {
            lines.Add(("constraints", string.Join(", ", trial.Constraints.Select(Number)) + (trial.IsFeasible ? " (feasible)" : " (infeasible)")));
        }

        AddTime(lines, "started", trial.StartedAt);
        AddTime(lines, "completed", trial.CompletedAt);
        if (trial.Duration is { } duration)
        {
            lines.Add(("duration", duration.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s"));
        }

        if (trial.FailReason is { } reason)
        {
            // Continuation lines start under the first one.
            lines.Add(("reason", reason.ReplaceLineEndings(Environment.NewLine + new string(' ', 2 + Math.Max(Width(lines), "reason".Length)))));
        }

        output.WriteLine($"trial {trial.Number} of study '{studyName}'");
        WriteAligned(output, lines, indent: "");

        output.WriteLine();
        output.WriteLine("parameters");
        WriteAligned(output, [.. trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, TrialsCommand.Format(p.Value.Value)))], indent: "  ", empty: "(none)");

        var attributes = trial.UserAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, Json(a.Value)))
            .Concat(ShownSystemAttributes.Where(trial.SystemAttributes.ContainsKey).Select(k => (k, Json(trial.SystemAttributes[k])))).ToList();
        if (attributes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("attributes");
            WriteAligned(output, attributes, indent: "  ");
        }

        output.WriteLine();
        if (trial.IntermediateValues.IsEmpty)
        {
            output.WriteLine("intermediate values: none reported");
            return;
        }

        KeyValuePair<long, double>[] steps = [.. trial.IntermediateValues];
        double[] finite = [.. steps.Select(s => s.Value).Where(double.IsFinite)];
        output.WriteLine($"intermediate values: {steps.Length} step(s)" +
            (finite.Length == 0 ? "" : $", min {Number(finite.Min())}, max {Number(finite.Max())}") +
            $", last {Number(steps[^1].Value)} at step {steps[^1].Key}");
        output.WriteLine("  " + Sparkline(steps.Select(s => s.Value).ToArray()));
        output.WriteLine();

        int[] shown = Rows(steps.Length);
        int stepWidth = Math.Max("step".Length, steps.Max(s => s.Key.ToString(CultureInfo.InvariantCulture).Length));
        output.WriteLine($"  {"step".PadLeft(stepWidth)}  value");
        foreach (int i in shown)
        {
            output.WriteLine($"  {steps[i].Key.ToString(CultureInfo.InvariantCulture).PadLeft(stepWidth)}  {Number(steps[i].Value)}");
        }

        if (shown.Length < steps.Length)
        {
            output.WriteLine($"({shown.Length} of {steps.Length} steps shown; `vernier export --format jsonl` has them all.)");
        }
    }

    /// <summary>
    /// One character per value (or per run of values when there are more than <see cref="MaxSparklineWidth"/>: the
    /// last of each), from ▁ at the smallest finite value to █ at the largest; NaN and infinities show as ·.
    /// </summary>
    internal static string Sparkline(IReadOnlyList<double> values)
    {
        int width = Math.Min(values.Count, MaxSparklineWidth);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        var line = new StringBuilder(width);
        for (int c = 0; c < width; c++)
        {
            double v = values[(int)((long)(c + 1) * values.Count / width) - 1];
            line.Append(!double.IsFinite(v) ? '·'
                : max > min ? Bars[(int)Math.Round((v - min) / (max - min) * (Bars.Length - 1))]
                : Bars[Bars.Length / 2]);
        }

        return line.ToString();
    }

    /// <summary>The indices of the table's rows: all of them, or <see cref="MaxStepRows"/> evenly spaced ones from the first to the last.</summary>
    internal static int[] Rows(int count) => count <= MaxStepRows
        ? [.. Enumerable.Range(0, count)]
        : [.. Enumerable.Range(0, MaxStepRows).Select(r => (int)Math.Round((double)r * (count - 1) / (MaxStepRows - 1))).Distinct()];

    private static void AddTime(List<(string, string)> lines, string key, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            lines.Add((key, t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }
    }

    private static void WriteAligned(TextWriter output, IReadOnlyList<(string Key, string Value)> lines, string indent, string? empty = null)
    {
        if (lines.Count == 0 && empty is not null)
        {
            output.WriteLine(indent + empty);
        }

        int width = Width(lines);
        foreach ((string key, string value) in lines)
        {
            output.WriteLine($"{indent}{key.PadRight(width)}  {value}");
        }
    }

    private static int Width(IReadOnlyList<(string Key, string Value)> lines) => lines.Count == 0 ? 0 : lines.Max(l => l.Key.Length);

    private static string Json(JsonElement value)
    {
        string text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 120 ? text : text[..119] + "…";
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
