using System.Globalization;
using Spectre.Console;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// A progress bar with the best value so far when the console is a terminal; otherwise (logs, CI,
/// pipes) one line per finished trial, so nothing is lost to cursor movements.
/// </summary>
/// <param name="console">The console to draw on.</param>
public sealed class ConsoleReporter(IAnsiConsole console) : IRunReporter
{
    private ProgressTask? _task;
    private RunStart? _start;

    /// <summary>A reporter on the process's standard output.</summary>
    public ConsoleReporter()
        : this(CreateConsole(Console.Out))
    {
    }

    /// <summary>
    /// A console on <paramref name="output"/>: interactive (a live progress bar) only on a real
    /// terminal; elsewhere plain, and wide, so that log lines and tables are not wrapped at 80 columns.
    /// </summary>
    /// <param name="output">Where to write.</param>
    public static IAnsiConsole CreateConsole(TextWriter output)
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
            console.Profile.Width = 1000;
        }

        return console;
    }

    /// <inheritdoc />
    public async Task RunAsync(RunStart start, Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(run);
        _start = start;
        string budget = start.TotalTrials is int total ? $"{total} trials" : "no trial limit";
        string continued = start.AlreadyCounted > 0 ? $", continuing from {start.AlreadyCounted} done" : "";
        console.MarkupLine($"[bold]study[/] {Markup.Escape(start.StudyName)}: {budget}{continued}");

        if (!console.Profile.Capabilities.Interactive)
        {
            await run();
            return;
        }

        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _task = context.AddTask(Describe(start.Best), maxValue: start.TotalTrials ?? 1);
                _task.Value = start.TotalTrials is null ? 0 : start.AlreadyCounted;
                _task.IsIndeterminate = start.TotalTrials is null;
                try
                {
                    await run();
                }
                finally
                {
                    if (start.TotalTrials is not null)
                    {
                        _task.Value = _task.MaxValue;
                    }

                    _task.StopTask();
                }
            });
    }

    /// <inheritdoc />
    public void TrialFinished(FrozenTrial trial, FrozenTrial? best, int counted)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (_task is not null)
        {
            _task.Value = Math.Min(counted, _task.MaxValue);
            _task.Description = Describe(best);
            return;
        }

        string outcome = trial.State switch
        {
            TrialState.Complete => "value " + string.Join(", ", trial.Values.Select(Format)),
            TrialState.Failed => "failed: " + trial.FailReason,
            _ => trial.State.ToWireName(),
        };
        string progress = _start?.TotalTrials is int total ? $"[{counted}/{total}] " : "";
        string bestText = best is null ? "" : $"; best {Format(best.Values[0])} (trial {best.Number})";
        string parameters = string.Join(", ", trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value.Value)}"));
        string name = RunLabels.Of(trial).Name is { Length: > 0 } n ? $" ({n})" : "";
        console.WriteLine($"{progress}trial {trial.Number}{name} {outcome}{bestText} | {parameters}");
    }

    private static string Describe(FrozenTrial? best) =>
        best is null ? "trials (no result yet)" : $"trials, best {Format(best.Values[0])} (trial {best.Number})";

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
