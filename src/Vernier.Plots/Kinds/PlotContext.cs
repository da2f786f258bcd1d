using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>What every builder starts from: the study, its trials, validated options, and the shared vocabulary.</summary>
internal sealed class PlotContext
{
    public PlotContext(string studyName, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentNullException.ThrowIfNull(trials);
        Options = options ?? PlotOptions.Default;
        Options.Validate(directions.Count);
        StudyName = studyName;
        Directions = directions;
        Trials = trials;
    }

    public string StudyName { get; }

    public IReadOnlyList<StudyDirection> Directions { get; }

    public IReadOnlyList<FrozenTrial> Trials { get; }

    public PlotOptions Options { get; }

    public int Objective => Options.ObjectiveIndex;

    public StudyDirection Direction => Directions.Count == 0 ? StudyDirection.Minimize : Directions[Objective];

    public string ObjectiveName(int index) =>
        Options.ObjectiveNames is { } names && index < names.Count && !string.IsNullOrWhiteSpace(names[index])
            ? names[index]
            : Directions.Count <= 1 ? "Objective value" : $"Objective {index}";

    public string ObjectiveLabel => ObjectiveName(Objective);

    public string Title(string kind) =>
        Directions.Count > 1 && kind is not "Pareto front" and not "Timeline"
            ? $"{kind}: {StudyName} ({ObjectiveLabel}, {Direction.ToWireName()})"
            : $"{kind}: {StudyName}";

    /// <summary>A complete trial whose chosen objective is finite.</summary>
    public bool HasValue(FrozenTrial trial) =>
        trial.State == TrialState.Complete && trial.Values.Length > Objective && double.IsFinite(trial.Values[Objective]);

    public double ValueOf(FrozenTrial trial) => trial.Values[Objective];

    /// <summary>The figure that says there is nothing to draw.</summary>
    public PlotFigure Empty(string kind, string message, IReadOnlyList<string>? notes = null)
    {
        string title = Title(kind);
        var option = Json.Base(title, message);
        ((JsonObject)option["title"]!)["top"] = "middle";
        return new PlotFigure { Title = title, Option = option, Message = message, Notes = notes ?? [message], Height = 240 };
    }

    /// <summary>The empty-study and no-complete-trial messages every value-based kind shares; null when there is something to plot.</summary>
    public string? NothingToPlot()
    {
        if (Trials.Count == 0)
        {
            return $"study '{StudyName}' has no trials yet.";
        }

        return Trials.Any(HasValue)
            ? null
            : $"study '{StudyName}' has no complete trial with a finite value{(Directions.Count > 1 ? $" for objective {Objective}" : "")} ({StateCounts()}).";
    }

    /// <summary>
    /// The start of a plot drawn over parameter axes: the complete trials by number and their axes, or the figure that says
    /// why there is nothing to draw (no complete trial, or no parameters).
    /// </summary>
    public PlotFigure? CompleteTrialsWithAxes(string kind, out List<FrozenTrial> complete, out List<ParameterAxis> axes)
    {
        complete = [];
        axes = [];
        if (NothingToPlot() is { } message)
        {
            return Empty(kind, message);
        }

        complete = [.. Trials.Where(HasValue).OrderBy(t => t.Number)];
        axes = ParameterAxis.For(complete, Options.Parameters);
        return axes.Count == 0 ? Empty(kind, $"the complete trials of study '{StudyName}' have no parameters.") : null;
    }

    /// <summary>"3 complete, 2 pruned, 1 failed", for notes.</summary>
    public string StateCounts()
    {
        var counts = new int[Enum.GetValues<TrialState>().Length];
        foreach (var t in Trials)
        {
            counts[(int)t.State]++;
        }

        var parts = Enum.GetValues<TrialState>()
            .Where(s => counts[(int)s] > 0)
            .Select(s => $"{counts[(int)s].ToString(CultureInfo.InvariantCulture)} {s.ToString().ToLowerInvariant()}");
        string text = string.Join(", ", parts);
        return text.Length == 0 ? "no trials" : text;
    }

    /// <summary>The note about trials a value plot leaves out (failed, pruned, running, non-finite values).</summary>
    public IEnumerable<string> LeftOutNotes()
    {
        int failed = 0, pruned = 0, running = 0, waiting = 0, nonFinite = 0;
        foreach (var t in Trials)
        {
            switch (t.State)
            {
                case TrialState.Failed: failed++; break;
                case TrialState.Pruned: pruned++; break;
                case TrialState.Running: running++; break;
                case TrialState.Waiting: waiting++; break;
                case TrialState.Complete when !HasValue(t): nonFinite++; break;
                default: break;
            }
        }

        if (failed + pruned + running + waiting + nonFinite > 0)
        {
            var parts = new List<string>();
            Add(parts, failed, "failed");
            Add(parts, pruned, "pruned");
            Add(parts, running, "running");
            Add(parts, waiting, "waiting");
            Add(parts, nonFinite, "complete without a finite value");
            yield return "not drawn: " + string.Join(", ", parts) + ".";
        }

        static void Add(List<string> parts, int count, string what)
        {
            if (count > 0)
            {
                parts.Add($"{count.ToString(CultureInfo.InvariantCulture)} {what}");
            }
        }
    }

    public static string SampledNote(int drawn, int total, string what) =>
        $"{total.ToString(CultureInfo.InvariantCulture)} {what}: {drawn.ToString(CultureInfo.InvariantCulture)} drawn, sampled evenly by trial number (MaxPoints).";
}
