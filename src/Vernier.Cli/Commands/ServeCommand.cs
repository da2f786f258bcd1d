using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Vernier.Server;
using Vernier.Server.Security;
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
        var tokenFile = new Option<FileInfo?>("--token-file")
        {
            Description = "A file holding the bearer token every request must carry. Without it, a token is generated and printed once when --urls reach beyond loopback; on loopback none is needed.",
            HelpName = "FILE",
        };
        var corsOrigins = new Option<string[]>("--cors-origin")
        {
            Description = "An origin (scheme://host[:port]) whose pages may call the API from a browser; repeatable (default: none, CORS off).",
            HelpName = "URL",
            AllowMultipleArgumentsPerToken = false,
        };
        var maxBody = new Option<long?>("--max-body-bytes")
        {
            Description = "The largest request body accepted, in bytes (default: 1048576).",
            HelpName = "N",
        };
        var command = new Command("serve", "Run the REST service and the web dashboard over a storage. On loopback (the default) no token is needed; " +
            "bound to any other address every request needs a bearer token.\n\n" +
            "Examples:\n" +
            "  vernier serve\n" +
            "  vernier serve --storage postgresql://vernier@db:5432/vernier --urls http://127.0.0.1:9000\n" +
            "  vernier serve --urls http://0.0.0.0:8080 --token-file /etc/vernier/token --cors-origin https://dash.example.com\n" +
            "  vernier serve --command-template finetune='python3 finetune.py --data {dataset_key} --model {base_model_id}'");
        command.Options.Add(storage);
        command.Options.Add(urls);
        command.Options.Add(tokenFile);
        command.Options.Add(corsOrigins);
        command.Options.Add(maxBody);
        command.Options.Add(allowCommands);
        command.Options.Add(commandTemplate);
        command.Options.Add(artifacts);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            Dictionary<string, string> templates = ParseTemplates(parsed.GetValue(commandTemplate) ?? []);
            string url = parsed.GetValue(storage) ?? StorageLocator.DefaultUrl;
            await using IStorage store = StorageLocator.Open(url);
            string addresses = parsed.GetValue(urls)!;
            string? token = ResolveToken(parsed.GetValue(tokenFile), addresses, console);
            var options = new VernierServerOptions
            {
                Storage = store,
                StorageDisplayName = StorageLocator.Redact(url),
                AllowCommands = parsed.GetValue(allowCommands),
                CommandTemplates = templates,
                ArtifactsRoot = parsed.GetValue(artifacts) ?? "artifacts",
                Urls = addresses,
                AccessToken = token,
                CorsOrigins = parsed.GetValue(corsOrigins) ?? [],
                MaxRequestBodyBytes = parsed.GetValue(maxBody) ?? VernierServerOptions.DefaultMaxRequestBodyBytes,
            };
            WebApplication built;
            try
            {
                built = VernierServer.Build(options);
            }
            catch (ArgumentException e)
            {
                throw new CliException(WithoutParameterName(e));
            }

            await using WebApplication app = built;
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
    /// <summary>
    /// The access token: read from <paramref name="tokenFile"/> if given; otherwise generated, and printed once, when an address
    /// reaches beyond loopback; otherwise none.
    /// </summary>
    internal static string? ResolveToken(FileInfo? tokenFile, string urls, CliConsole console)
    {
        if (tokenFile is not null)
        {
            try
            {
                return AccessToken.ReadFile(tokenFile.FullName);
            }
            catch (ArgumentException e)
            {
                throw new CliException(WithoutParameterName(e));
            }
        }

        if (!AccessToken.IsRequiredFor(urls))
        {
            return null;
        }

        string token = AccessToken.Generate();
        console.Output.WriteLine($"Access token (generated, shown only now): {token}");
        console.Output.WriteLine("  send it as 'Authorization: Bearer TOKEN', or open /?token=TOKEN once in a browser; keep it in a file and pass --token-file to reuse it.");
        return token;
    }

    private static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
}
