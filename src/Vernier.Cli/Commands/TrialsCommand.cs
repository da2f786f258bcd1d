using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier trials</c>: the study's trials as a table.</summary>
internal static class TrialsCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var state = new Option<string?>("--state") { Description = "Only trials in this state: waiting, running, complete, pruned, failed.", HelpName = "STATE" };
        var last = new Option<int?>("--last") { Description = "Only the last N trials.", HelpName = "N" };
        var command = new Command("trials", "Show the study's trials as a table: number, state, value, parameters, last reported step, duration, failure reason.\n\n" +
            "Examples:\n" +
            "  vernier trials --config study.yaml\n" +
            "  vernier trials --storage sqlite:///vernier.db --study-name mlp --state failed");
        foreach (Option option in new Option[] { config, storage, studyName, state, last })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            TrialState[]? states = parsed.GetValue(state) is { } s ? [ParseState(s)] : null;
            await using Study study = await target.LoadAsync(cancellationToken);
            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(states, cancellationToken);
            if (parsed.GetValue(last) is int n)
            {
                trials = [.. trials.TakeLast(Math.Max(0, n))];
            }

            string[] parameters = [.. trials.SelectMany(t => t.Parameters.Keys).Distinct().Order(StringComparer.Ordinal)];
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("#");
            table.AddColumn("state");
            table.AddColumn(study.IsMultiObjective ? "values" : "value");
            foreach (string name in parameters)
            {
                table.AddColumn(Markup.Escape(name));
            }

            table.AddColumn("step");
            table.AddColumn("seconds");
            table.AddColumn("reason");
            foreach (FrozenTrial trial in trials)
            {
                table.AddRow(
                [
                    trial.Number.ToString(CultureInfo.InvariantCulture),
                    trial.State.ToWireName(),
                    string.Join(", ", trial.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))),
                    .. parameters.Select(p => trial.Parameters.TryGetValue(p, out TrialParameter? value) ? Markup.Escape(Format(value.Value)) : ""),
                    trial.LastIntermediateValue?.Key.ToString(CultureInfo.InvariantCulture) ?? "",
                    trial.Duration?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
                    Markup.Escape(trial.FailReason?.Split('\n')[0] ?? ""),
                ]);
            }

            console.Rich.Write(table);
            console.Output.WriteLine($"{trials.Count} trial(s) in study '{study.Name}'.");
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static TrialState ParseState(string name)
    {
        try
        {
            return TrialStateExtensions.ParseWireName(name);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static string Format(object? value) => value is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : CategoricalDistribution.FormatChoice(value);
}
