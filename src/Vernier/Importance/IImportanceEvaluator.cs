namespace Vernier.Importance;

/// <summary>
/// Measures how much each parameter matters to a study's objective, from its finished trials.
/// Implementations are deterministic for a given request (any randomness comes from their seed).
/// </summary>
public interface IImportanceEvaluator
{
    /// <summary>Evaluates the importance of each parameter for the request's target.</summary>
    /// <param name="request">The trials, the target and the parameters to rank.</param>
    /// <param name="cancellationToken">Stops a long evaluation.</param>
    /// <returns>
    /// One entry per parameter, most important first; the importances are non-negative and sum to 1
    /// unless every one is 0 (too few trials, or a constant target).
    /// </returns>
    /// <exception cref="ArgumentException">The request names a parameter no complete trial has.</exception>
    IReadOnlyList<ParameterImportance> Evaluate(ImportanceRequest request, CancellationToken cancellationToken = default);
}
