using Spectre.Console;

namespace Vernier.Cli;

/// <summary>Where a command writes: plain text for results and errors, a Spectre console for tables and progress.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>A rich console on the output: interactive (progress bars) only when it is the real terminal.</summary>
    public IAnsiConsole Rich { get; } = CreateRich(output);

    private static IAnsiConsole CreateRich(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!terminal)
        {
            // Files and pipes have no width: do not wrap tables and log lines at 80 columns.
            console.Profile.Width = 1000;
        }

        return console;
    }
}
