using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier studies</c>: the studies in a storage, with their progress and best value.</summary>
internal static class StudiesCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        var command = new Command("studies", "List the studies in a storage: name, directions, trials by state, best value.\n\n" +
            "Examples:\n" +
            "  vernier studies\n" +
            "  vernier studies --storage sqlite:///experiments.db");
        command.Options.Add(config);
        command.Options.Add(storage);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            string url = parsed.GetValue(storage)
                ?? (parsed.GetValue(config) is { } file ? StudyTarget.FromConfig(Runner.Config.StudyDefinitionLoader.Load(file.FullName)) : null)
                ?? StorageLocator.DefaultUrl;
            await using IStorage store = StorageLocator.Open(url);
            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in new[] { "study", "directions", "trials", "complete", "pruned", "failed", "running", "best" })
            {
                table.AddColumn(column);
            }

            IReadOnlyList<StudyRecord> studies = await store.GetStudiesAsync(cancellationToken);
            foreach (StudyRecord record in studies)
            {
                IReadOnlyList<FrozenTrial> trials = await store.GetTrialsAsync(record.StudyId, null, cancellationToken);
                IReadOnlyList<FrozenTrial> front = ParetoFront.Of(trials, record.Directions);
                string best = record.Directions.Length == 1 && front.Count > 0 ? front[0].Values[0].ToString("G6", CultureInfo.InvariantCulture) : front.Count > 0 ? $"{front.Count} on the front" : "";
                table.AddRow(
                    Markup.Escape(record.Name),
                    string.Join(", ", record.Directions.Select(d => d.ToWireName())),
                    trials.Count.ToString(CultureInfo.InvariantCulture),
                    Count(trials, TrialState.Complete),
                    Count(trials, TrialState.Pruned),
                    Count(trials, TrialState.Failed),
                    Count(trials, TrialState.Running),
                    best);
            }

            console.Rich.Write(table);
            console.Output.WriteLine($"{studies.Count} stud{(studies.Count == 1 ? "y" : "ies")} in {StorageLocator.Redact(url)}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Count(IReadOnlyList<FrozenTrial> trials, TrialState state) =>
        trials.Count(t => t.State == state).ToString(CultureInfo.InvariantCulture);
}
