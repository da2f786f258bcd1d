using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier ask</c>: starts a trial and prints its parameters, for scripts that run the training themselves.</summary>
internal static class AskCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config(required: true);
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var command = new Command("ask", "Start a trial of the study a config file describes and print it as JSON: {\"trial_number\": 3, \"params\": {...}}. " +
            "Refused (exit code 3) when max_concurrent trials are already running.\n\n" +
            "Examples:\n" +
            "  vernier ask --config study.yaml\n" +
            "  trial=$(vernier ask -c study.yaml | jq .trial_number)");
        command.Options.Add(config);
        command.Options.Add(storage);
        command.Options.Add(studyName);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using IStorage store = StorageLocator.Open(target.StorageUrl);
            // A script's trial has no process of ours to watch: no worker identity is recorded, and it goes stale only once the
            // script has sent heartbeats (vernier heartbeat) and they stop.
            await using Study study = await StudyComposition.CreateBuilder(target.Definition!, store, target.StudyName)
                .Configure(o => o.Worker = null)
                .CreateOrLoadAsync(cancellationToken);
            // Like every process of the study, ask fails stale trials (and queues their retries) before starting another.
            await study.RecoverAbandonedTrialsAsync(cancellationToken);
            Trial trial = await study.AskAsync(target.Definition!.Space, cancellationToken);
            var parameters = new JsonObject();
            foreach (var (name, value) in trial.Params)
            {
                parameters[name] = DistributionJson.ValueToNode(value);
            }

            console.Output.WriteLine(new JsonObject { ["study"] = study.Name, ["trial_number"] = trial.Number, ["params"] = parameters }.ToJsonString());
            return ExitCodes.Success;
        }));
        return command;
    }
}
