using Vernier.Importance.PedAnova;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Importance;

/// <summary>
/// Which parameters mattered to a study: the entry point that reads the study's complete trials and asks
/// an <see cref="IImportanceEvaluator"/> (by default <see cref="PedAnovaImportanceEvaluator"/>), as Optuna's
/// <c>get_param_importances</c>.
/// </summary>
/// <example>
/// <code>
/// foreach (var (name, importance) in await ParameterImportances.EvaluateAsync(study))
/// {
///     Console.WriteLine($"{name}: {importance:P1}");
/// }
/// </code>
/// </example>
public static class ParameterImportances
{
    /// <summary>Evaluates each parameter's importance for one of the study's objectives.</summary>
    /// <param name="study">The study; its complete trials with a finite value for the objective are used.</param>
    /// <param name="evaluator">The method; null uses a <see cref="PedAnovaImportanceEvaluator"/> with its default options.</param>
    /// <param name="objectiveIndex">Which objective (0-based); its direction says which trials are good. The default value is 0.</param>
    /// <param name="parameters">The parameters to rank; null ranks every parameter a complete trial has.</param>
    /// <param name="cancellationToken">Stops reading the trials or a long evaluation.</param>
    /// <returns>One entry per parameter, most important first; the importances sum to 1 unless all are 0 (too few trials).</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="objectiveIndex"/> is not one of the study's objectives, or a parameter in
    /// <paramref name="parameters"/> is in no complete trial.
    /// </exception>
    public static async Task<IReadOnlyList<ParameterImportance>> EvaluateAsync(
        Study study,
        IImportanceEvaluator? evaluator = null,
        int objectiveIndex = 0,
        IReadOnlyList<string>? parameters = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (objectiveIndex < 0 || objectiveIndex >= study.Directions.Length)
        {
            throw new ArgumentException(
                $"objective index {objectiveIndex} is out of range: study '{study.Name}' has {study.Directions.Length} objective(s), numbered from 0.",
                nameof(objectiveIndex));
        }

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync([TrialState.Complete], cancellationToken).ConfigureAwait(false);
        var request = new ImportanceRequest
        {
            Trials = trials,
            Direction = study.Directions[objectiveIndex],
            ObjectiveIndex = objectiveIndex,
            Parameters = parameters,
        };
        return (evaluator ?? new PedAnovaImportanceEvaluator()).Evaluate(request, cancellationToken);
    }
}
