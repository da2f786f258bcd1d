using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>What a pruner sees: the running trial with its intermediate values, and the study's other trials.</summary>
/// <param name="Directions">One direction per objective.</param>
/// <param name="Trial">The running trial, with the values reported so far.</param>
/// <param name="History">The study's other trials, in number order.</param>
public sealed record PrunerContext(IReadOnlyList<StudyDirection> Directions, FrozenTrial Trial, IReadOnlyList<FrozenTrial> History);
