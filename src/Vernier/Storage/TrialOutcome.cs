using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>How a running trial ended: written in one transaction by <see cref="IStorage.FinishTrialAsync"/>.</summary>
/// <remarks>
/// Besides the state and values, an outcome may carry <see cref="SystemAttributes"/> to set on the trial and a
/// <see cref="Retry"/> to enqueue: the storage writes them in the same transaction as the finish, and only when
/// that call actually finished the trial, so a process killed in between leaves either both or neither.
/// </remarks>
/// <param name="State">Complete, Pruned or Failed.</param>
/// <param name="Values">The objective values when Complete, otherwise empty.</param>
/// <param name="FailReason">Why it failed, when Failed.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record TrialOutcome(TrialState State, ImmutableArray<double> Values, string? FailReason, DateTimeOffset CompletedAt)
{
    /// <summary>
    /// System attributes set (or replaced) on the finished trial in the same transaction, e.g.
    /// <see cref="Studies.SystemAttributes.Interrupted"/> or <see cref="Studies.SystemAttributes.Retried"/>.
    /// The default value is empty.
    /// </summary>
    public ImmutableDictionary<string, JsonElement> SystemAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>
    /// A follow-up trial created in the same transaction, with the study's next number; it must be
    /// <see cref="TrialState.Waiting"/> (a retry of this trial, linked through its system attributes). Waiting
    /// trials do not use up the study's budget, so no budget is checked. The default value is null (none).
    /// </summary>
    public NewTrial? Retry { get; init; }

    /// <summary>A complete trial.</summary>
    /// <param name="values">One value per objective.</param>
    /// <param name="at">When it ended.</param>
    public static TrialOutcome Complete(IEnumerable<double> values, DateTimeOffset at) => new(TrialState.Complete, [.. values], null, at);

    /// <summary>A pruned trial.</summary>
    /// <param name="at">When it was stopped.</param>
    public static TrialOutcome Pruned(DateTimeOffset at) => new(TrialState.Pruned, [], null, at);

    /// <summary>A failed trial.</summary>
    /// <param name="reason">Why, in words a user can act on.</param>
    /// <param name="at">When it failed.</param>
    public static TrialOutcome Failed(string reason, DateTimeOffset at) => new(TrialState.Failed, [], reason, at);
}
