namespace Vernier.Runner.Config;

/// <summary>How trials share the machine: <c>resource: { max_concurrent: 2, min_interval_ms: 500, deterministic: false }</c>.</summary>
public sealed record ResourceDefinition
{
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
}
