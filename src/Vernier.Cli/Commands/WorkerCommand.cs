using System.CommandLine;
using System.Runtime.InteropServices;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;

namespace Vernier.Cli.Commands;

/// <summary>
/// <c>vernier worker</c>: runs trials of a study whose definition is stored with it (<c>vernier create-study</c>),
/// alongside any number of other workers, until the study's budget is reached, its own share is done, or a signal.
/// </summary>
internal static class WorkerCommand
{
    /// <summary>The command's name; <see cref="VernierApp"/> lets it handle SIGTERM and SIGINT itself.</summary>
    public const string Name = "worker";

    public static Command Create(CliConsole console)
    {
        Option<string?> storage = CommonOptions.Storage();
        storage.Description = $"Storage URL holding the study: sqlite:///path.db, sqlite:////abs/path.db or postgresql://user@host:5432/db (default: {StorageLocator.DefaultUrl}).";
        var study = new Option<string>("--study", "--study-name") { Description = "The study's name, as given to 'vernier create-study'.", HelpName = "NAME", Required = true };
        var nTrials = new Option<int?>("--n-trials", "-n") { Description = "Start at most this many trials in this worker (default: until the study's budget is reached).", HelpName = "K" };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "How many trials this worker runs at once (default: the definition's resource.max_concurrent).", HelpName = "C" };
        var drainTimeout = new Option<double>("--drain-timeout") { Description = "On SIGTERM or Ctrl-C, how long running trials may take to finish before they are stopped (recorded interrupted).", HelpName = "SECONDS", DefaultValueFactory = _ => 60 };
        var outputDir = new Option<DirectoryInfo?>("--output-dir") { Description = "Folder for this worker's outputs and one folder per trial (default: runs/<study>).", HelpName = "DIR" };
        var command = new Command(Name, "Run trials of a study created with 'vernier create-study', together with any number of other workers on this or other machines.\n" +
            "Stops when the study's budget is reached (counted across all workers), after --n-trials of its own, or on SIGTERM/Ctrl-C:\n" +
            "it then starts nothing more, lets running trials finish for up to --drain-timeout seconds, and stops the rest (they are retried by the study's rules).\n\n" +
            "Examples:\n" +
            "  vernier worker --storage postgresql://vernier@db-host/vernier --study mlp\n" +
            "  vernier worker --storage sqlite:///vernier.db --study mlp --n-trials 10 --max-concurrent 2");
        foreach (Option option in new Option[] { storage, study, nTrials, maxConcurrent, drainTimeout, outputDir })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            string name = parsed.GetValue(study)!;
            string url = parsed.GetValue(storage) ?? StorageLocator.DefaultUrl;
            double drain = parsed.GetValue(drainTimeout);
            if (parsed.GetValue(nTrials) is < 1 || parsed.GetValue(maxConcurrent) is < 1 || drain < 0)
            {
                throw new CliException("--n-trials and --max-concurrent must be at least 1, and --drain-timeout not negative.", ExitCodes.UsageError);
            }

            await using IStorage store = StorageLocator.Open(url);
            StudyDefinition definition = await LoadDefinitionAsync(store, url, name, cancellationToken);
            if (parsed.GetValue(maxConcurrent) is int perWorker)
            {
                definition = definition with { Resource = definition.Resource with { MaxConcurrent = perWorker } };
            }

            // max_concurrent is per worker: each machine has its own devices, so no study-wide running limit.
            await using Study loaded = await StudyComposition.CreateBuilder(definition, store, name).Configure(o => o.MaxConcurrent = null).LoadAsync(cancellationToken);
            string folder = parsed.GetValue(outputDir)?.FullName ?? Path.GetFullPath(Path.Combine("runs", name));
            StudyRunnerOptions runnerOptions = SearchCommand.RunnerOptions(console, definition, folder, SearchCommand.ReadTrackers(definition, []));
            runnerOptions.NTrials = parsed.GetValue(nTrials);

            using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var draining = new ShutdownSignals(console, loaded, hardStop, TimeSpan.FromSeconds(drain));
            console.Output.WriteLine($"worker {Environment.MachineName}:{Environment.ProcessId} on study '{name}' in {StorageLocator.Redact(url)}" +
                $"{(definition.MaxTrials is { } budget ? $", budget {budget} trials" : "")}, {definition.Resource.MaxConcurrent} at once.");
            OptimizeResult result;
            try
            {
                var runner = new StudyRunner(loaded, runnerOptions);
                var objective = StudyComposition.CreateObjective(definition, Path.Combine(folder, "trials"));
                int? ownBudget = runnerOptions.NTrials;
                int started = 0;
                while (true)
                {
                    result = await runner.RunAsync(objective, hardStop.Token);
                    started += result.TrialsStarted;
                    if (result.StopReason != OptimizeStopReason.BudgetReached || draining.Signalled || (ownBudget is int own && started >= own) ||
                        await RaisedBudgetAsync(store, url, name, runnerOptions.TotalTrials, cancellationToken) is not { } raised)
                    {
                        break;
                    }

                    // 'vernier create-study' raised the study's budget while this worker ran: carry on up to the new one.
                    console.Output.WriteLine($"the study's budget was raised to {(raised.MaxTrials is int n ? $"{n} trials" : "no budget")}: continuing.");
                    runnerOptions.TotalTrials = raised.MaxTrials;
                    runnerOptions.NTrials = ownBudget - started;
                }

                result = result with { TrialsStarted = started };
            }
            catch (OperationCanceledException) when (draining.Signalled)
            {
                console.Error.WriteLine($"stopped: running trials did not finish within {drain:0.###} s; they were recorded interrupted (retried by the study's rules).");
                return ExitCodes.Interrupted;
            }

            await SearchCommand.PrintSummaryAsync(console, loaded, result, folder, null, CancellationToken.None);
            if (draining.Signalled)
            {
                console.Output.WriteLine("stopped on request after the running trials finished.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The stored definition when its budget is now above <paramref name="budget"/> (or removed), else null.</summary>
    private static async Task<StudyDefinition?> RaisedBudgetAsync(IStorage store, string url, string name, int? budget, CancellationToken cancellationToken)
    {
        StudyDefinition stored = await LoadDefinitionAsync(store, url, name, cancellationToken);
        return budget is int old && (stored.MaxTrials is null || stored.MaxTrials > old) ? stored : null;
    }

    private static async Task<StudyDefinition> LoadDefinitionAsync(IStorage store, string url, string name, CancellationToken cancellationToken)
    {
        StudyRecord record = await store.FindStudyAsync(name, cancellationToken) ?? throw new CliException(
            $"no study named '{name}' in {StorageLocator.Redact(url)}; create it first with 'vernier create-study --config FILE --storage {StorageLocator.Redact(url)}'.",
            ExitCodes.Failure);
        try
        {
            return StoredDefinition.Load(record) ?? throw new CliException(
                $"study '{name}' has no stored definition, so a worker cannot know what to run; it was made by 'vernier search' or the library. " +
                "Run it with 'vernier search --config FILE', or create a study with 'vernier create-study --config FILE' for workers.",
                ExitCodes.Failure);
        }
        catch (ConfigException e)
        {
            throw new CliException($"the definition stored with study '{name}' no longer loads: {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>SIGTERM and SIGINT: the first asks the study to start nothing more and cancels after the drain timeout; a second cancels now.</summary>
    private sealed class ShutdownSignals : IDisposable
    {
        private readonly CliConsole _console;
        private readonly Study _study;
        private readonly CancellationTokenSource _hardStop;
        private readonly TimeSpan _drain;
        private readonly PosixSignalRegistration _term;
        private readonly PosixSignalRegistration _interrupt;
        private readonly CancellationTokenSource _disposed = new();
        private int _signals;

        public ShutdownSignals(CliConsole console, Study study, CancellationTokenSource hardStop, TimeSpan drain)
        {
            _console = console;
            _study = study;
            _hardStop = hardStop;
            _drain = drain;
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        }

        public bool Signalled => Volatile.Read(ref _signals) > 0;

        public void Dispose()
        {
            _term.Dispose();
            _interrupt.Dispose();
            _disposed.Cancel();
            _disposed.Dispose();
        }

        private void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // the worker ends on its own, once its trials are finished or stopped
            if (Interlocked.Increment(ref _signals) > 1)
            {
                _console.Error.WriteLine("second signal: stopping the running trials now.");
                _hardStop.Cancel();
                return;
            }

            _console.Error.WriteLine($"{context.Signal}: starting no more trials; running trials may finish within {_drain.TotalSeconds:0.###} s.");
            _hardStop.CancelAfter(_drain);
            _ = KeepStoppingAsync();
        }

        /// <summary>Asks the study to stop until the run ends: a stop asked just before its optimize loop starts would be forgotten.</summary>
        private async Task KeepStoppingAsync()
        {
            try
            {
                while (!_disposed.IsCancellationRequested)
                {
                    _study.RequestStop();
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _disposed.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
