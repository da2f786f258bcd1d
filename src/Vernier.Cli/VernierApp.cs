using System.CommandLine;
using Vernier.Cli.Commands;
using Vernier.Runner.Config;
using Vernier.Storage;

namespace Vernier.Cli;

/// <summary>The <c>vernier</c> command line: one small class per verb, over public library calls.</summary>
internal static class VernierApp
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "Vernier: hyperparameter optimization for .NET. Runs sweeps from YAML or JSON study files, " +
            "launches any training program once per trial, and keeps every trial in SQLite.\n\n" +
            "Examples:\n" +
            "  vernier search --config study.yaml\n" +
            "  vernier trials --config study.yaml\n" +
            "  vernier best --storage sqlite:///vernier.db --study-name mlp");
        var console = new CliConsole(output, error);
        foreach (Command command in new[]
        {
            SearchCommand.Create(console),
            AskCommand.Create(console),
            TellCommand.Create(console),
            HeartbeatCommand.Create(console),
            TrialsCommand.Create(console),
            BestCommand.Create(console),
            ImportanceCommand.Create(console),
            ExportCommand.Create(console),
            PlotCommand.Create(console),
            ReportCommand.Create(console),
            StudiesCommand.Create(console),
            CreateStudyCommand.Create(console),
            WorkerCommand.Create(console),
            ServeCommand.Create(console),
        })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = Create(output, error);
        ParseResult parsed = root.Parse(args);
        // Ctrl-C cancels the command's token; give running trials time to be stopped and recorded.
        // A worker handles SIGTERM and SIGINT itself: it drains its running trials for --drain-timeout.
        TimeSpan? termination = parsed.CommandResult.Command.Name == WorkerCommand.Name ? null : TimeSpan.FromSeconds(60);
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = termination };
        int exitCode = await parsed.InvokeAsync(configuration, cancellationToken);
        return parsed.Errors.Count > 0 ? ExitCodes.UsageError : exitCode;
    }

    /// <summary>Runs a command's body, turning the errors users cause into one clear line and an exit code.</summary>
    public static async Task<int> GuardAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ConfigException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (CliException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (ArgumentException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (ConcurrencyLimitExceededException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ConcurrencyLimit;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("interrupted: running trials were recorded as interrupted; run the same command again to continue.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is VernierException or FormatException or IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
