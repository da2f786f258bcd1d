using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>What a storage needs to create a trial; it assigns the id and the number.</summary>
public sealed record NewTrial
{
    /// <summary>The initial state: Running (asked now), Waiting (enqueued), or a finished state (imported).</summary>
    public TrialState State { get; init; } = TrialState.Running;

    /// <summary>Parameters known at creation.</summary>
    public ImmutableDictionary<string, TrialParameter> Parameters { get; init; } = ImmutableDictionary<string, TrialParameter>.Empty;

    /// <summary>Objective values, for an imported complete trial.</summary>
    public ImmutableArray<double> Values { get; init; } = [];

    /// <summary>Intermediate values, for an imported trial.</summary>
    public ImmutableSortedDictionary<long, double> IntermediateValues { get; init; } = ImmutableSortedDictionary<long, double>.Empty;

    /// <summary>User attributes.</summary>
    public ImmutableDictionary<string, JsonElement> UserAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>System attributes.</summary>
    public ImmutableDictionary<string, JsonElement> SystemAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Start time; set for Running and imported trials.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>
    /// The first heartbeat, for a Running trial whose process will keep beating (see <see cref="IStorage.RecordHeartbeatAsync"/>);
    /// null for one that never beats (asked by a script), which is then never stale.
    /// </summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    /// <summary>End time, for an imported finished trial.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Failure reason, for an imported failed trial.</summary>
    public string? FailReason { get; init; }
}
