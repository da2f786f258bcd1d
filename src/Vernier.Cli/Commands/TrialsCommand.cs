using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vernier.Distributions;
using Vernier.Runner.Trackers;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier trials</c>: the study's trials as a table, or one trial in detail with <c>--trial N</c>.</summary>
internal static class TrialsCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var state = new Option<string?>("--state") { Description = "Only trials in this state: waiting, running, complete, pruned, failed.", HelpName = "STATE" };
        var last = new Option<int?>("--last") { Description = "Only the last N trials.", HelpName = "N" };
        var trialNumber = new Option<int?>("--trial", "--trial-number") { Description = "Show this trial in detail: state, values, parameters, attributes and every intermediate value.", HelpName = "N" };
        var command = new Command("trials", "Show the study's trials as a table: number, state, value, parameters (and the run name when trials have one), last reported step and intermediate value, duration, failure reason. " +
            "With --trial N, show one trial in detail, with its intermediate values step by step.\n\n" +
            "Examples:\n" +
            "  vernier trials --config study.yaml\n" +
            "  vernier trials --storage sqlite:///vernier.db --study-name mlp --state failed\n" +
            "  vernier trials --config study.yaml --trial 7");
        foreach (Option option in new Option[] { config, storage, studyName, state, last, trialNumber })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            if (parsed.GetValue(trialNumber) is int number)
            {
                if (parsed.GetValue(state) is not null || parsed.GetValue(last) is not null)
                {
                    throw new CliException("--trial shows one trial; it cannot be combined with --state or --last.");
                }

                await using Study one = await target.LoadAsync(cancellationToken);
                TrialDetail.Write(console.Output, one.Name, one.IsMultiObjective, await FindAsync(one, number, cancellationToken));
                return ExitCodes.Success;
            }

            TrialState[]? states = parsed.GetValue(state) is { } s ? [ParseState(s)] : null;
            await using Study study = await target.LoadAsync(cancellationToken);
            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(states, cancellationToken);
            if (parsed.GetValue(last) is int n)
            {
                trials = [.. trials.TakeLast(Math.Max(0, n))];
            }

            string[] parameters = [.. trials.SelectMany(t => t.Parameters.Keys).Distinct().Order(StringComparer.Ordinal)];
            bool named = trials.Any(t => RunLabels.Of(t).Name is not null);
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("#");
            if (named)
            {
                table.AddColumn("name");
            }

            table.AddColumn("state");
            table.AddColumn(study.IsMultiObjective ? "values" : "value");
            foreach (string name in parameters)
            {
                table.AddColumn(Markup.Escape(name));
            }

            table.AddColumn("step");
            table.AddColumn("intermediate");
            table.AddColumn("seconds");
            table.AddColumn("reason");
            foreach (FrozenTrial trial in trials)
            {
                table.AddRow(
                [
                    trial.Number.ToString(CultureInfo.InvariantCulture),
                    .. (named ? new[] { Markup.Escape(RunLabels.Of(trial).Name ?? "") } : []),
                    trial.State.ToWireName(),
                    string.Join(", ", trial.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))),
                    .. parameters.Select(p => trial.Parameters.TryGetValue(p, out TrialParameter? value) ? Markup.Escape(Format(value.Value)) : ""),
                    trial.LastIntermediateValue?.Key.ToString(CultureInfo.InvariantCulture) ?? "",
                    trial.LastIntermediateValue?.Value.ToString("G6", CultureInfo.InvariantCulture) ?? "",
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

    private static async Task<FrozenTrial> FindAsync(Study study, int number, CancellationToken cancellationToken)
    {
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
        return trials.FirstOrDefault(t => t.Number == number) ?? throw new CliException(
            trials.Count == 0
                ? $"no trial {number} in study '{study.Name}': it has no trials yet."
                : $"no trial {number} in study '{study.Name}': its trials are numbered {trials.Min(t => t.Number)} to {trials.Max(t => t.Number)}.",
            ExitCodes.Failure);
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

    internal static string Format(object? value) => value is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : CategoricalDistribution.FormatChoice(value);
}
