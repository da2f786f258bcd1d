using System.Collections.Immutable;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>How a running trial ended: written in one transaction by <see cref="IStorage.FinishTrialAsync"/>.</summary>
/// <param name="State">Complete, Pruned or Failed.</param>
/// <param name="Values">The objective values when Complete, otherwise empty.</param>
/// <param name="FailReason">Why it failed, when Failed.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record TrialOutcome(TrialState State, ImmutableArray<double> Values, string? FailReason, DateTimeOffset CompletedAt)
{
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
