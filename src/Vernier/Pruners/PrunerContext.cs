using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>What a pruner sees: the running trial with its intermediate values, and the study's other trials.</summary>
/// <param name="Directions">One direction per objective.</param>
/// <param name="Trial">The running trial, with the values reported so far.</param>
/// <param name="History">The study's other trials, in number order.</param>
public sealed record PrunerContext(IReadOnlyList<StudyDirection> Directions, FrozenTrial Trial, IReadOnlyList<FrozenTrial> History)
{
    private Dictionary<string, JsonElement>? _pendingSystemAttributes;

    /// <summary>Asks the study to store a value with the trial after this decision (e.g. the rungs a trial has passed).</summary>
    internal void SetTrialSystemAttribute(string key, JsonElement value) => (_pendingSystemAttributes ??= [])[key] = value;

    /// <summary>Takes and clears the attributes asked for so far.</summary>
    internal Dictionary<string, JsonElement> DrainPendingSystemAttributes()
    {
        Dictionary<string, JsonElement> drained = _pendingSystemAttributes ?? [];
        _pendingSystemAttributes = null;
        return drained;
    }
}
