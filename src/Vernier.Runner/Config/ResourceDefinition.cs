using System.Collections.Immutable;

namespace Vernier.Runner.Config;

/// <summary>
/// How trials share the machine: <c>resource: { max_concurrent: 2, min_interval_ms: 500, deterministic: false }</c>,
/// and which devices and cores each takes: <c>devices: [0, 1], gpus: 1, trials_per_device: 1, cpus: 2, cpu_count: 8</c>.
/// </summary>
public sealed record ResourceDefinition
{
    private readonly int? _gpus;

    /// <summary>The most trials that run at the same time.</summary>
    /// <remarks>The default value is 1 (sequential, which keeps a seeded study reproducible). At least 1.</remarks>
    public int MaxConcurrent { get; init; } = 1;

    /// <summary>The least time between the starts of two trials (<c>min_interval_ms</c> in the file, in milliseconds).</summary>
    /// <remarks>The default value is zero. Not negative.</remarks>
    public TimeSpan MinInterval { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Deterministic-parallel mode (<c>deterministic</c> in the file): the same seed gives the same
    /// study at any number of workers, at some cost in throughput (see <c>StudyOptions.DeterministicParallel</c>).
    /// </summary>
    /// <remarks>The default value is false.</remarks>
    public bool Deterministic { get; init; }

    /// <summary>How often a running trial records that its process is alive (<c>heartbeat_interval</c>, seconds).</summary>
    /// <remarks>The default value is 10 seconds. Positive, and shorter than <see cref="StaleAfter"/>.</remarks>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a running trial may go without a heartbeat before another process of the study fails it as stale and,
    /// within <c>max_retries</c>, retries it (<c>stale_after</c>, seconds).
    /// </summary>
    /// <remarks>The default value is 60 seconds.</remarks>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The devices (GPUs) trials are placed on, as the program sees them: <c>0</c>, <c>1</c> or <c>GPU-…</c> UUIDs (<c>devices</c> in the file).</summary>
    /// <remarks>The default value is empty: trials are not placed and <c>CUDA_VISIBLE_DEVICES</c> is left alone. No id twice.</remarks>
    public ImmutableArray<string> Devices { get; init; } = [];

    /// <summary>How many devices each trial takes (<c>gpus</c> in the file); 0 runs a trial with every GPU hidden.</summary>
    /// <remarks>The default value is 1 when <see cref="Devices"/> is not empty, otherwise 0. At most the number of devices.</remarks>
    public int Gpus { get => _gpus ?? (Devices.IsDefaultOrEmpty ? 0 : 1); init => _gpus = value; }

    /// <summary>How many trials may share one device (<c>trials_per_device</c> in the file).</summary>
    /// <remarks>The default value is 1: never two trials on one device. At least 1.</remarks>
    public int TrialsPerDevice { get; init; } = 1;

    /// <summary>How many CPU cores each trial takes (<c>cpus</c> in the file); also its thread count (<c>OMP_NUM_THREADS</c>, …).</summary>
    /// <remarks>The default value is 0: cores are not counted.</remarks>
    public int Cpus { get; init; }

    /// <summary>How many cores the trials share (<c>cpu_count</c> in the file).</summary>
    /// <remarks>The default value is null: <see cref="Environment.ProcessorCount"/> of the machine that runs the study.</remarks>
    public int? CpuCount { get; init; }

    /// <summary>Whether trials take devices or cores from a pool, so that they may wait for them.</summary>
    internal bool PlacesTrials => !Devices.IsDefaultOrEmpty || Cpus > 0;
}
