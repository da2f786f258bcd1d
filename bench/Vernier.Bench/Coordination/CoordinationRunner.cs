using System.Diagnostics;
using System.Globalization;
using Vernier.Samplers;
using Vernier.Storage.Postgres;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Bench.Coordination;

/// <summary>
/// Runs the coordination benchmark: for each (objective, workers), a fresh study on PostgreSQL, W worker
/// processes (or one process running W trials at once) started together from a barrier (files in a temporary folder),
/// wall time from the barrier to the last exit; the same for Optuna's RDBStorage through <c>bench/optuna_coordination.py</c>.
/// </summary>
internal sealed class CoordinationRunner(string url, string python, Action<string> progress)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly string _runId = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public static string OptunaScript => Path.Combine(RepoPaths.Root, "bench", "optuna_coordination.py");

    /// <summary>Checks that the server answers, so that a wrong URL fails before any run.</summary>
    public async Task CheckServerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using Study study = await Study.Builder($"coordination-check-{_runId}").UsePostgres(CoordinationModel.VernierUrl(url)).CreateOrLoadAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ArgumentException($"cannot use the PostgreSQL server at {CoordinationModel.Redact(url)}: {e.Message}", e);
        }
    }

    public async Task<CoordinationRow> RunVernierAsync(string objective, int workers, int budget, bool oneProcess, CancellationToken cancellationToken)
    {
        string name = StudyName(objective, workers, oneProcess);
        string vernierUrl = CoordinationModel.VernierUrl(url);
        foreach (string study in new[] { name, name + "-warmup" })
        {
            await using Study created = await Study.Builder(study).UsePostgres(vernierUrl).WithSampler(new RandomSampler()).Minimize().CreateAsync(cancellationToken);
        }

        var (fileName, prefix) = SelfCommand();
        string[] Arguments(string ready, string go) =>
            [.. prefix, "coordination-worker", "--postgres", vernierUrl, "--study", name, "--objective", objective,
             "--total-trials", budget.ToString(CultureInfo.InvariantCulture), "--concurrency", (oneProcess ? workers : 1).ToString(CultureInfo.InvariantCulture),
             "--ready", ready, "--go", go];
        var (seconds, objectiveSeconds, error) = await RunWorkersAsync(fileName, Arguments, oneProcess ? 1 : workers, cancellationToken);

        await using Study loaded = await Study.Builder(name).UsePostgres(vernierUrl).LoadAsync(cancellationToken);
        IReadOnlyList<FrozenTrial> trials = await loaded.GetTrialsAsync(cancellationToken: cancellationToken);
        int complete = trials.Count(t => t.State == TrialState.Complete);
        int running = trials.Count(t => t.State == TrialState.Running);
        error ??= running > 0 ? $"{running} trials left Running" : complete < budget ? $"only {complete} of {budget} trials complete" : null;
        var row = new CoordinationRow("vernier", objective, workers, budget, complete, seconds, error) { ObjectiveSecondsMeasured = objectiveSeconds, OneProcess = oneProcess };
        progress(Describe(row));
        return row;
    }

    public async Task<CoordinationRow> RunOptunaAsync(string objective, int workers, int budget, bool oneProcess, CancellationToken cancellationToken)
    {
        string name = StudyName(objective, workers, oneProcess);
        int processes = oneProcess ? 1 : workers;
        var (code, _, stderr) = await RunToEndAsync(python, [OptunaScript, "create", "--url", url, "--study", name], cancellationToken);
        if (code != 0)
        {
            return new CoordinationRow("optuna", objective, workers, budget, 0, 0, $"optuna_coordination.py create exited with {code}: {LastLine(stderr)}") { OneProcess = oneProcess };
        }

        string[] Arguments(string ready, string go) =>
            [OptunaScript, "worker", "--url", url, "--study", name, "--objective", objective,
             "--n-trials", (budget / processes).ToString(CultureInfo.InvariantCulture), "--n-jobs", (workers / processes).ToString(CultureInfo.InvariantCulture),
             "--ready", ready, "--go", go];
        var (seconds, objectiveSeconds, error) = await RunWorkersAsync(python, Arguments, processes, cancellationToken);

        (code, string stdout, stderr) = await RunToEndAsync(python, [OptunaScript, "count", "--url", url, "--study", name], cancellationToken);
        int complete = 0;
        if (code != 0)
        {
            error ??= $"optuna_coordination.py count exited with {code}: {LastLine(stderr)}";
        }
        else
        {
            var (_, done, running) = CoordinationModel.ParseCount(stdout);
            complete = done;
            error ??= running > 0 ? $"{running} trials left Running" : null;
        }

        var row = new CoordinationRow("optuna", objective, workers, budget, complete, seconds, error) { ObjectiveSecondsMeasured = objectiveSeconds, OneProcess = oneProcess };
        progress(Describe(row));
        return row;
    }

    private string StudyName(string objective, int workers, bool oneProcess) => $"coordination-{_runId}-{objective}-w{workers}{(oneProcess ? "-p1" : "")}";

    private static string Describe(CoordinationRow row) => row.Error is null
        ? string.Create(CultureInfo.InvariantCulture, $"{row.Library} {row.Objective} W={row.Workers}{(row.OneProcess ? " (1 process)" : "")}: {row.Trials} trials in {row.Seconds:0.00} s, {row.TrialsPerSecond:0.0}/s, overhead {row.OverheadMilliseconds:0.00} ms/trial")
        : $"{row.Library} {row.Objective} W={row.Workers}{(row.OneProcess ? " (1 process)" : "")}: failed: {row.Error}";

    /// <summary>Starts the workers, waits until every one is ready, opens the barrier and times until the last exits.</summary>
    private static async Task<(double Seconds, double? ObjectiveSeconds, string? Error)> RunWorkersAsync(
        string fileName, Func<string, string, string[]> arguments, int workers, CancellationToken cancellationToken)
    {
        string barrier = Directory.CreateTempSubdirectory("vernier-coordination-").FullName;
        string go = Path.Combine(barrier, "go");
        var launched = new List<(Process Process, Task<string> Stdout, Task<string> Stderr)>();
        try
        {
            for (int i = 0; i < workers; i++)
            {
                launched.Add(Start(fileName, arguments(Path.Combine(barrier, $"ready-{i}"), go)));
            }

            long waitStart = Stopwatch.GetTimestamp();
            while (Directory.GetFiles(barrier, "ready-*").Length < workers)
            {
                if (launched.FirstOrDefault(l => l.Process.HasExited) is { Process: { } exited } failed)
                {
                    return (0, null, $"a worker exited with {exited.ExitCode} before the start: {LastLine(await failed.Stderr)}");
                }

                if (Stopwatch.GetElapsedTime(waitStart) > ReadyTimeout)
                {
                    return (0, null, $"the workers were not all ready after {ReadyTimeout.TotalMinutes} minutes.");
                }

                await Task.Delay(10, cancellationToken);
            }

            long start = Stopwatch.GetTimestamp();
            await File.WriteAllTextAsync(go, "", cancellationToken);
            await Task.WhenAll(launched.Select(l => l.Process.WaitForExitAsync(cancellationToken)));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double? objectiveSeconds = 0;
            foreach (var (process, stdout, stderr) in launched)
            {
                objectiveSeconds = CoordinationModel.ParseObjectiveSeconds(await stdout) is { } measured ? objectiveSeconds + measured : null;
                if (Environment.GetEnvironmentVariable("VERNIER_COORDINATION_PROFILE") == "1")
                {
                    Console.Error.Write(await stderr);
                }

                if (process.ExitCode != 0)
                {
                    return (seconds, null, $"a worker exited with {process.ExitCode}: {LastLine(await stderr)}");
                }
            }

            return (seconds, objectiveSeconds, null);
        }
        finally
        {
            foreach (var (process, _, _) in launched)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }

            Directory.Delete(barrier, recursive: true);
        }
    }

    private static (Process, Task<string>, Task<string>) Start(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}.");
        return (process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (process, stdout, stderr) = Start(fileName, arguments);
        using (process)
        {
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> with its assembly.</summary>
    private static (string FileName, string[] Prefix) SelfCommand()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path.");
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? (path, [typeof(CoordinationRunner).Assembly.Location]) : (path, []);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
}
