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
        var command = new Command("serve", "Run the REST service and the web dashboard over a storage.\n\n" +
            "Examples:\n" +
            "  vernier serve\n" +
            "  vernier serve --storage postgresql://vernier@db:5432/vernier --urls http://127.0.0.1:9000");
        command.Options.Add(storage);
        command.Options.Add(urls);
        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            string url = parsed.GetValue(storage) ?? StorageLocator.DefaultUrl;
            await using IStorage store = StorageLocator.Open(url);
            var options = new VernierServerOptions
            {
                Storage = store,
                StorageDisplayName = StorageLocator.Redact(url),
                Urls = parsed.GetValue(urls)!,
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
}
