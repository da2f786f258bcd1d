using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Importance;

/// <summary>What an <see cref="IImportanceEvaluator"/> ranks: which trials, which value, which parameters.</summary>
public sealed record ImportanceRequest
{
    /// <summary>The study's trials in any state; evaluators use the complete ones whose target is finite.</summary>
    public required IReadOnlyList<FrozenTrial> Trials { get; init; }

    /// <summary>Whether lower or higher target values are better (PED-ANOVA ranks by the good trials). The default value is <see cref="StudyDirection.Minimize"/>.</summary>
    public StudyDirection Direction { get; init; } = StudyDirection.Minimize;

    /// <summary>Which objective value is the target when <see cref="Target"/> is null. The default value is 0.</summary>
    public int ObjectiveIndex { get; init; }

    /// <summary>Computes the target from a trial instead of an objective value (a duration, a constraint). The default value is null.</summary>
    public Func<FrozenTrial, double>? Target { get; init; }

    /// <summary>The parameters to rank; null ranks every parameter that a complete trial has. The default value is null.</summary>
    public IReadOnlyList<string>? Parameters { get; init; }
}
