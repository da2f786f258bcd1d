using System.Globalization;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Scheduling;
using Vernier.Runner.Tests.Support;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Scheduling;

/// <summary>Trials placed on devices, run as real <c>bash</c> processes.</summary>
public sealed class DevicePlacementTests : IDisposable
{
    // A guard against a hang (a lease never given back), not a timing assertion.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Trials => _temp.Combine("trials");

    [Fact]
    public async Task CommandTrial_PlacedOnDevices_SeesThemInItsEnvironmentAndRecordsThem()
    {
        StudyDefinition definition = Define(
            """printf '%s|%s|%s|%s|%s' "$CUDA_VISIBLE_DEVICES" "$HIP_VISIBLE_DEVICES" "$VERNIER_DEVICES" "$VERNIER_CPUS" "${OMP_NUM_THREADS-unset}" > "$VERNIER_TRIAL_DIR/env"; echo METRIC loss=1""",
            "devices: [GPU-a, GPU-b, GPU-c], gpus: 2, cpus: 2, cpu_count: 4, max_concurrent: 1");

        FrozenTrial trial = (await RunAsync(definition, trials: 1)).ShouldHaveSingleItem();

        trial.State.ShouldBe(TrialState.Complete);
        string omp = Environment.GetEnvironmentVariable("OMP_NUM_THREADS") ?? "2";
        (await File.ReadAllTextAsync(Path.Combine(Trials, "0000", "env"))).ShouldBe($"GPU-a,GPU-b|GPU-a,GPU-b|GPU-a,GPU-b|2|{omp}");
        trial.SystemAttributes[TrialResources.DevicesAttribute].EnumerateArray().Select(e => e.GetString()).ShouldBe(["GPU-a", "GPU-b"]);
    }

    [Fact]
    public async Task ConcurrentTrials_OnTwoDevicesWithMaxConcurrentFour_NeverShareADevice()
    {
        // Each trial claims its device with mkdir (atomic: it fails if another trial holds it) and records when it started
        // and ended; trials on one device must follow each other.
        string root = _temp.Combine("claims");
        Directory.CreateDirectory(root);
        StudyDefinition definition = Define(
            """
            d=$CUDA_VISIBLE_DEVICES
            date +%s%N > "$VERNIER_TRIAL_DIR/start"
            mkdir "$CLAIMS/device-$d" || echo "trial $VERNIER_TRIAL_NUMBER" >> "$CLAIMS/clashes"
            sleep 0.3
            rmdir "$CLAIMS/device-$d"
            printf %s "$d" > "$VERNIER_TRIAL_DIR/device"
            date +%s%N > "$VERNIER_TRIAL_DIR/end"
            echo METRIC loss=1
            """,
            "devices: [0, 1], max_concurrent: 4",
            $"CLAIMS: '{root}'");

        IReadOnlyList<FrozenTrial> trials = await RunAsync(definition, trials: 8);

        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        File.Exists(Path.Combine(root, "clashes")).ShouldBeFalse();
        var runs = new List<(string Device, long Start, long End)>();
        foreach (FrozenTrial trial in trials)
        {
            string folder = Path.Combine(Trials, trial.Number.ToString("D4", CultureInfo.InvariantCulture));
            string device = await File.ReadAllTextAsync(Path.Combine(folder, "device"));
            trial.SystemAttributes[TrialResources.DevicesAttribute].EnumerateArray().Single().GetString().ShouldBe(device);
            runs.Add((device, await ReadNumber(Path.Combine(folder, "start")), await ReadNumber(Path.Combine(folder, "end"))));
        }

        runs.Select(r => r.Device).Distinct().Order().ShouldBe(["0", "1"]);
        foreach (var sameDevice in runs.GroupBy(r => r.Device))
        {
            var ordered = sameDevice.OrderBy(r => r.Start).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                ordered[i].Start.ShouldBeGreaterThan(ordered[i - 1].End, $"two trials overlapped on device {sameDevice.Key}");
            }
        }
    }

    [Fact]
    public async Task FailingAndTimedOutTrials_GiveTheirDeviceBack()
    {
        // One device, two trials at a time: each trial needs the device the one before it held, whether it failed or timed out.
        StudyDefinition definition = Define(
            """
            case $VERNIER_TRIAL_NUMBER in
              0) exit 3 ;;
              1) exec sleep 60 ;;
              *) echo METRIC loss=1 ;;
            esac
            """,
            "devices: [0], max_concurrent: 2",
            timeout: 1);

        IReadOnlyList<FrozenTrial> trials = await RunAsync(definition, trials: 4);

        trials.Select(t => t.State).ShouldBe([TrialState.Failed, TrialState.Failed, TrialState.Complete, TrialState.Complete]);
        trials[1].SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("timeout");
    }

    [Fact]
    public async Task TrialWaitingForADevice_Cancelled_StopsWaitingAndStartsNothing()
    {
        var pool = new DevicePool(["0"]);
        DeviceLease held = await pool.AcquireAsync(1);
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options("echo METRIC val_loss=1")), Trials)
        {
            Resources = new TrialResources(pool, gpus: 1),
        };
        await using Study study = await Study.Builder("waiting").UseStorage(new InMemoryStorage()).CreateAsync();
        Trial trial = await study.AskAsync(new Vernier.SearchSpaces.SearchSpace([]));
        using var cancel = new CancellationTokenSource();

        Task<IReadOnlyList<double>> evaluation = objective.EvaluateAsync(trial, cancel.Token);
        evaluation.IsCompleted.ShouldBeFalse();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(evaluation);
        Directory.Exists(Path.Combine(Trials, "0000")).ShouldBeFalse();
        pool.Waiting.ShouldBe(0);
        held.Dispose();
        pool.Loads().ShouldBe([0]);
    }

    private StudyDefinition Define(string script, string resource, string env = "", double? timeout = null)
    {
        string indented = string.Join("\n", script.Split('\n').Select(l => "      " + l));
        string yaml = $$"""
            space: { x: { type: float, low: 0, high: 1 } }
            objective:
              command:
                - bash
                - -c
                - |
            {{indented}}
              metric: loss
              pass_parameters: none
              env: { {{env}} }
            {{(timeout is { } t ? $"  timeout: {t.ToString(CultureInfo.InvariantCulture)}" : "")}}
            strategy: { name: random, seed: 3 }
            resource: { {{resource}} }
            """;
        return StudyDefinitionLoader.Parse(yaml, "study.yaml");
    }

    private async Task<IReadOnlyList<FrozenTrial>> RunAsync(StudyDefinition definition, int trials)
    {
        using var guard = new CancellationTokenSource(Guard);
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync(guard.Token);
        await study.OptimizeAsync(
            StudyComposition.CreateObjective(definition, Trials),
            new OptimizeOptions { NTrials = trials, MaxConcurrency = definition.Resource.MaxConcurrent, SearchSpace = definition.Space },
            guard.Token);
        return [.. (await study.GetTrialsAsync(null, guard.Token)).OrderBy(t => t.Number)];
    }

    private static async Task<long> ReadNumber(string path) => long.Parse((await File.ReadAllTextAsync(path)).Trim(), CultureInfo.InvariantCulture);
}
