using System.CommandLine;
using System.Text.Json;
using Vernier.Runner.Outputs;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier best</c>: the best trial (or the Pareto front), as best.json shows it.</summary>
internal static class BestCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var command = new Command("best", "Print the best trial as JSON (for several objectives, the Pareto front).\n\n" +
            "Examples:\n" +
            "  vernier best --config study.yaml\n" +
            "  vernier best --storage sqlite:///vernier.db --study-name mlp | jq .params");
        command.Options.Add(config);
        command.Options.Add(storage);
        command.Options.Add(studyName);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using Study study = await target.LoadAsync(cancellationToken);
            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
            var best = StudyOutputs.BestJson(study.Name, study.Directions, trials, target.Definition?.Objective.Metrics);
            console.Output.WriteLine(best.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return trials.Any(t => t.State == TrialState.Complete) ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }
}
