using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Vernier.Server;
using Vernier.Storage;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier serve</c>: the REST service and the dashboard over one storage.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string?> storage = CommonOptions.Storage();
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';' (default: http://127.0.0.1:8080, loopback only).",
            HelpName = "URLS",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var allowCommands = new Option<bool>("--allow-commands")
        {
            Description = "Let tuning jobs bring their own command (\"objective\": {\"command\": ...}) to run on this machine (default: only --command-template commands run).",
        };
        var commandTemplate = new Option<string[]>("--command-template")
        {
            Description = "A command tuning jobs may name with \"objective\": {\"template\": \"NAME\"} (repeatable); it may use {dataset_key}, {base_model_id}, {job_id} and the parameters. NAME 'default' serves jobs without an objective.",
            HelpName = "NAME=COMMAND",
        };
        var artifacts = new Option<string?>("--artifacts")
        {
            Description = "The folder for tuning jobs' files, tuning/<job_id>/ in it (default: artifacts).",
            HelpName = "DIR",
        };
        var command = new Command("serve", "Run the REST service and the web dashboard over a storage.\n\n" +
            "Examples:\n" +
            "  vernier serve\n" +
            "  vernier serve --storage postgresql://vernier@db:5432/vernier --urls http://127.0.0.1:9000\n" +
            "  vernier serve --command-template finetune='python3 finetune.py --data {dataset_key} --model {base_model_id}'");
        command.Options.Add(storage);
        command.Options.Add(urls);
        command.Options.Add(allowCommands);
        command.Options.Add(commandTemplate);
        command.Options.Add(artifacts);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            Dictionary<string, string> templates = ParseTemplates(parsed.GetValue(commandTemplate) ?? []);
            string url = parsed.GetValue(storage) ?? StorageLocator.DefaultUrl;
            await using IStorage store = StorageLocator.Open(url);
            var options = new VernierServerOptions
            {
                Storage = store,
                StorageDisplayName = StorageLocator.Redact(url),
                Urls = parsed.GetValue(urls)!,
                AllowCommands = parsed.GetValue(allowCommands),
                CommandTemplates = templates,
                ArtifactsRoot = parsed.GetValue(artifacts) ?? "artifacts",
            };
            await using WebApplication app = VernierServer.Build(options);
            await app.StartAsync(cancellationToken);
            foreach (string address in app.Urls)
            {
                console.Output.WriteLine($"Vernier is serving {options.StorageDisplayName} at {address}");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reads <c>--command-template NAME=COMMAND</c> values.</summary>
    internal static Dictionary<string, string> ParseTemplates(IEnumerable<string> values)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? "" : value[..equals].Trim();
            string commandLine = equals < 0 ? "" : value[(equals + 1)..].Trim();
            if (name.Length == 0 || commandLine.Length == 0)
            {
                throw new CliException($"--command-template '{value}': write NAME=COMMAND, e.g. finetune='python3 finetune.py --model {{base_model_id}}'; NAME holds letters, digits, '_', '-' and '.'");
            }

            if (!templates.TryAdd(name, commandLine))
            {
                throw new CliException($"--command-template: the template '{name}' is given twice.");
            }
        }

        return templates;
    }
}
