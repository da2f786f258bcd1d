using System.CommandLine;
using System.Globalization;
using Vernier.Runner.Outputs;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier export</c>: every trial as CSV (runs.csv's columns) or JSON lines (trials.jsonl's records).</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var format = new Option<string>("--format", "-f") { Description = "csv or jsonl.", DefaultValueFactory = _ => "csv", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file (atomically) instead of standard output.", HelpName = "FILE" };
        var command = new Command("export", "Export every trial: csv (one row per trial, a column per parameter and metric) or jsonl (one lossless JSON record per trial).\n\n" +
            "Examples:\n" +
            "  vernier export --config study.yaml --format csv > runs.csv\n" +
            "  vernier export --storage sqlite:///vernier.db --study-name mlp --format jsonl -o trials.jsonl");
        foreach (Option option in new Option[] { config, storage, studyName, format, output })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using Study study = await target.LoadAsync(cancellationToken);
            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
            var text = new StringWriter(CultureInfo.InvariantCulture);
            if (parsed.GetValue(format) == "jsonl")
            {
                StudyOutputs.WriteTrialsJsonl(text, trials);
            }
            else
            {
                StudyOutputs.WriteRunsCsv(text, trials, study.Directions.Length);
            }

            if (parsed.GetValue(output) is { } file)
            {
                await AtomicFile.WriteAllTextAsync(file.FullName, text.ToString(), cancellationToken);
                console.Error.WriteLine($"wrote {trials.Count} trial(s) to {file.FullName}");
            }
            else
            {
                await console.Output.WriteAsync(text.ToString());
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
