using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>Argument checks shared by every storage backend, so that all give the same messages.</summary>
public static class StorageValidation
{
    /// <summary>Checks a new study's name and directions.</summary>
    /// <param name="name">The name: non-empty, at most 512 characters.</param>
    /// <param name="directions">At least one direction.</param>
    /// <exception cref="ArgumentException">Either is invalid.</exception>
    public static void ValidateNewStudy(string name, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(directions);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 512)
        {
            throw new ArgumentException("a study name must be 1 to 512 characters and not only spaces.", nameof(name));
        }

        if (directions.Count == 0)
        {
            throw new ArgumentException("a study needs at least one direction.", nameof(directions));
        }
    }

    /// <summary>Checks that an outcome is a finished state with values only when Complete, and that its follow-up trial, if any, is Waiting.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <exception cref="ArgumentException">It is inconsistent.</exception>
    public static void ValidateOutcome(TrialOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.State.IsFinished())
        {
            throw new ArgumentException($"a trial can only finish as complete, pruned or failed, not {outcome.State.ToWireName()}.", nameof(outcome));
        }

        if (outcome.State == TrialState.Complete && (outcome.Values.IsDefaultOrEmpty || outcome.Values.Any(v => !double.IsFinite(v))))
        {
            throw new ArgumentException("a complete trial needs finite objective values.", nameof(outcome));
        }

        if (outcome.SystemAttributes is null || outcome.SystemAttributes.Keys.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("the outcome's system attributes need non-empty keys.", nameof(outcome));
        }

        if (outcome.Retry is { State: not TrialState.Waiting } retry)
        {
            throw new ArgumentException($"the follow-up trial of an outcome must be waiting, not {retry.State.ToWireName()}.", nameof(outcome));
        }
    }
}
