using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Bench.Functions;
using Vernier.Bench.Regret;
using Vernier.Bench.Results;

namespace Vernier.Bench.Optuna;

/// <summary>
/// Runs <c>bench/optuna_bench.py</c> with the system Python when Optuna is importable there: one process per
/// (sampler, function), up to <c>--parallel</c> at a time. The harness never installs anything; it only detects.
/// </summary>
internal sealed class OptunaBridge(string python)
{
    /// <summary>The Optuna samplers the script knows, under the benchmark's names (unscrambled QMC last: it is a caveat, not a contender).</summary>
    public static readonly IReadOnlyList<string> SamplerNames = ["random", "tpe", "tpe-multivariate", "cmaes", "qmc", "qmc-unscrambled"];

    /// <summary>Optuna samplers left out when choosing Optuna's best per function.</summary>
    public static readonly IReadOnlySet<string> NotContenders = new HashSet<string>(StringComparer.Ordinal) { "qmc-unscrambled" };

    public string Python { get; } = python;

    /// <summary>Optuna's version, or null with the reason when <c>python -c 'import optuna'</c> fails.</summary>
    public async Task<(string? Version, string? Problem)> DetectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (code, output, error) = await RunAsync(["-c", "import optuna; print(optuna.__version__)"], cancellationToken);
            return code == 0 ? (output.Trim(), null) : (null, $"{Python} -c 'import optuna' failed: {LastLine(error)}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"cannot run {Python}: {e.Message}");
        }
    }

    /// <summary>Whether the Python imports <paramref name="module"/>, or why not.</summary>
    public async Task<(bool Imports, string? Problem)> ImportsAsync(string module, CancellationToken cancellationToken)
    {
        var (code, _, error) = await RunAsync(["-c", "import " + module], cancellationToken);
        return code == 0 ? (true, null) : (false, $"{Python} -c 'import {module}' failed: {LastLine(error)}");
    }

    /// <summary>Writes the plan the script reads: the functions with their exact (possibly shifted) domains, the seeds and the budgets.</summary>
    /// <param name="functions">The functions.</param>
    /// <param name="seeds">The seeds.</param>
    /// <param name="budgets">The trial budgets.</param>
    /// <param name="enqueue">Per seed, trials (parameter values) to enqueue before sampling; the pruning command's same-trials comparison.</param>
    public static string WritePlan(IReadOnlyList<BenchFunction> functions, IReadOnlyList<ulong> seeds, IReadOnlyList<int> budgets,
        IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>>? enqueue = null)
    {
        var plan = new JsonObject
        {
            ["functions"] = new JsonArray([.. functions.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["base_name"] = f.BaseName,
                ["f_star"] = f.FStar,
                ["domain"] = JsonSerializer.SerializeToNode(Reports.Domain(f), ResultJson.Options),
            })]),
            ["seeds"] = new JsonArray([.. seeds.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["budgets"] = new JsonArray([.. budgets.Select(b => (JsonNode)JsonValue.Create(b))]),
        };
        if (enqueue is not null)
        {
            plan["enqueue"] = new JsonObject(seeds.Select((seed, i) => KeyValuePair.Create(
                seed.ToString(CultureInfo.InvariantCulture), (JsonNode?)JsonSerializer.SerializeToNode(enqueue[i], ResultJson.Options))));
        }

        string path = Path.Combine(Path.GetTempPath(), $"vernier-bench-plan-{Environment.ProcessId}.json");
        File.WriteAllText(path, plan.ToJsonString());
        return path;
    }

    public async Task<IReadOnlyList<RegretCell>> RegretAsync(
        IReadOnlyList<string> samplers, IReadOnlyList<BenchFunction> functions, IReadOnlyList<ulong> seeds, IReadOnlyList<int> budgets,
        int parallel, Action<string> progress, CancellationToken cancellationToken)
    {
        string plan = WritePlan(functions, seeds, budgets);
        try
        {
            var jobs = (from s in samplers from f in functions select (Sampler: s, Function: f)).ToArray();
            var cells = new RegretCell[jobs.Length];
            int done = 0;
            await Parallel.ForAsync(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (sampler, function) = jobs[i];
                long start = Stopwatch.GetTimestamp();
                var (code, output, error) = await RunAsync([RepoPaths.OptunaScript, "regret", "--plan", plan, "--sampler", sampler, "--function", function.Name], ct);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (code != 0)
                {
                    cells[i] = new RegretCell(sampler, function.Name, [], seconds, $"optuna_bench.py exited with {code}: {LastLine(error)}");
                }
                else
                {
                    JsonObject result = JsonNode.Parse(output)!.AsObject();
                    VernierRegret.Run[] runs = [.. result["best_so_far"]!.AsArray().Select(c => new VernierRegret.Run([.. c!.AsArray().Select(v => v!.GetValue<double>())], 0.0, null))];
                    cells[i] = VernierRegret.Summarise(sampler, function, runs, budgets) with { Seconds = result["seconds"]!.GetValue<double>() };
                }

                progress($"optuna: {Interlocked.Increment(ref done)}/{jobs.Length} (sampler, function) processes");
            });
            return cells;
        }
        finally
        {
            File.Delete(plan);
        }
    }

    /// <summary>Optuna's side of the pruner benchmark: one process per pruner, running every seed; up to <paramref name="parallel"/> at a time. With <paramref name="sameTrials"/>, each seed's study enqueues those trials first.</summary>
    public async Task<IReadOnlyList<PruningCell>> PruningAsync(
        IReadOnlyList<string> pruners, string sampler, BenchFunction function, IReadOnlyList<ulong> seeds, int trials, int steps, string maxResource,
        int parallel, Action<string> progress, CancellationToken cancellationToken,
        IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, object?>>>? sameTrials = null)
    {
        string plan = WritePlan([function], seeds, [trials], sameTrials);
        try
        {
            var cells = new PruningCell[pruners.Count];
            int done = 0;
            await Parallel.ForAsync(0, pruners.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                long start = Stopwatch.GetTimestamp();
                var (code, output, error) = await RunAsync(
                    [RepoPaths.OptunaScript, "pruning", "--plan", plan, "--pruner", pruners[i], "--function", function.Name, "--sampler", sampler,
                     "--trials", trials.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture), "--max-resource", maxResource],
                    ct);
                if (code != 0)
                {
                    cells[i] = new PruningCell(pruners[i], [], null, null, null, Stopwatch.GetElapsedTime(start).TotalSeconds, $"optuna_bench.py exited with {code}: {LastLine(error)}");
                }
                else
                {
                    PruningRun[] runs = [.. JsonNode.Parse(output)!["runs"]!.AsArray().Select(r => new PruningRun(
                        r!["seed"]!.GetValue<ulong>(), r["trials"]!.GetValue<int>(), r["steps"]!.GetValue<long>(), r["pruned"]!.GetValue<int>(),
                        r["best"]?.GetValue<double>(), r["seconds"]!.GetValue<double>(),
                        [.. r["completions"]!.AsArray().Select(c => new[] { c![0]!.GetValue<double>(), c[1]!.GetValue<double>() })]))];
                    cells[i] = Pruning.VernierPruning.Summarise(pruners[i], runs, null);
                }

                progress($"optuna: {Interlocked.Increment(ref done)}/{pruners.Count} pruner processes");
            });
            return cells;
        }
        finally
        {
            File.Delete(plan);
        }
    }

    /// <summary>Optuna's ask time per trial for one (sampler, function), run alone.</summary>
    public async Task<TimingCell> TimingAsync(string sampler, BenchFunction function, int trials, IReadOnlyList<TimingRange> ranges, ulong seed, CancellationToken cancellationToken)
    {
        string plan = WritePlan([function], [seed], [1]);
        try
        {
            string rangeText = string.Join(",", ranges.Select(r => $"{r.First}-{r.Last}"));
            var (code, output, error) = await RunAsync(
                [RepoPaths.OptunaScript, "timing", "--plan", plan, "--sampler", sampler, "--function", function.Name,
                 "--trials", trials.ToString(CultureInfo.InvariantCulture), "--ranges", rangeText, "--seed", seed.ToString(CultureInfo.InvariantCulture)],
                cancellationToken);
            if (code != 0)
            {
                return new TimingCell(sampler, function.Name, 0, [], $"optuna_bench.py exited with {code}: {LastLine(error)}");
            }

            JsonObject result = JsonNode.Parse(output)!.AsObject();
            double?[] means = [.. result["mean_ms"]!.AsArray().Select(v => v?.GetValue<double>())];
            double?[] medians = [.. result["median_ms"]!.AsArray().Select(v => v?.GetValue<double>())];
            return new TimingCell(sampler, function.Name, result["trials"]!.GetValue<int>(),
                [.. ranges.Select((r, i) => r with { MeanMilliseconds = means[i], MedianMilliseconds = medians[i] })], null);
        }
        finally
        {
            File.Delete(plan);
        }
    }

    /// <summary>
    /// Optuna's fANOVA importances of the studies in a trials file (<c>bench/optuna_importance.py</c>), per study in file
    /// order: the importances by parameter and the evaluation time; or the problem (scikit-learn missing, a crash).
    /// </summary>
    public async Task<(IReadOnlyList<(IReadOnlyDictionary<string, double> Importances, double Seconds)>? Studies, string? Problem)> ImportanceAsync(
        string trialsFile, ulong seed, int trees, CancellationToken cancellationToken)
    {
        var (code, output, error) = await RunAsync(
            [RepoPaths.OptunaImportanceScript, "--trials", trialsFile, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--trees", trees.ToString(CultureInfo.InvariantCulture)],
            cancellationToken);
        if (code != 0)
        {
            return (null, $"optuna_importance.py exited with {code}: {LastLine(error)}");
        }

        var studies = JsonNode.Parse(output)!["studies"]!.AsArray().Select(s => (
            (IReadOnlyDictionary<string, double>)s!["importances"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()),
            s["seconds"]!.GetValue<double>())).ToList();
        return (studies, null);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // One thread per process: the harness runs processes side by side, as it runs Vernier's jobs.
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        info.Environment["MKL_NUM_THREADS"] = "1";
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Python}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";
}
