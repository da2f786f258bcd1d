using System.CommandLine;
using System.Globalization;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier tell</c>: records the result of a trial started with <c>vernier ask</c>.</summary>
internal static class TellCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var trialNumber = new Option<int>("--trial", "--trial-number") { Description = "The trial's number, as printed by ask.", Required = true, HelpName = "N" };
        var values = new Option<double[]>("--value") { Description = "The objective value; repeat it once per objective.", HelpName = "X", AllowMultipleArgumentsPerToken = true };
        var pruned = new Option<bool>("--pruned") { Description = "Record the trial as pruned." };
        var failed = new Option<string?>("--failed") { Description = "Record the trial as failed, with this reason.", HelpName = "REASON" };
        var command = new Command("tell", "Record the result of a trial: a value (or one per objective), pruned, or failed.\n\n" +
            "Examples:\n" +
            "  vernier tell --config study.yaml --trial 3 --value 0.912\n" +
            "  vernier tell --config study.yaml --trial 4 --failed \"out of memory\"");
        foreach (Option option in new Option[] { config, storage, studyName, trialNumber, values, pruned, failed })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            double[] given = parsed.GetValue(values) ?? [];
            string? reason = parsed.GetValue(failed);
            int outcomes = (given.Length > 0 ? 1 : 0) + (parsed.GetValue(pruned) ? 1 : 0) + (reason is null ? 0 : 1);
            if (outcomes != 1)
            {
                throw new CliException("give exactly one of --value X (repeatable), --pruned, or --failed REASON.");
            }

            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using Study study = await target.LoadAsync(cancellationToken);
            int number = parsed.GetValue(trialNumber);
            FrozenTrial trial = given.Length > 0 ? await study.TellAsync(number, given, cancellationToken)
                : reason is not null ? await study.TellFailedAsync(number, reason, cancellationToken)
                : await study.TellPrunedAsync(number, cancellationToken);
            console.Output.WriteLine($"trial {trial.Number}: {trial.State.ToWireName()}" +
                (trial.Values.IsEmpty ? "" : " " + string.Join(", ", trial.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))) +
                (trial.FailReason is { } why ? $" ({why})" : ""));
            return ExitCodes.Success;
        }));
        return command;
    }
}
