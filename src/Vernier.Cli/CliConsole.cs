using Spectre.Console;
using Vernier.Runner.Trackers;

namespace Vernier.Cli;

/// <summary>Where a command writes: plain text for results and errors, a Spectre console for tables and progress.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>A rich console on the output: a live progress bar only on a real terminal.</summary>
    public IAnsiConsole Rich { get; } = ConsoleReporter.CreateConsole(output);
}
