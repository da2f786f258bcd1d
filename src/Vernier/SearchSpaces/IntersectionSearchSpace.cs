using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.SearchSpaces;

/// <summary>
/// The parameters every finished trial shares with the same distribution: the space that
/// model-based samplers (multivariate TPE, GP, CMA-ES) sample jointly, as Optuna's
/// <c>IntersectionSearchSpace</c>. Parameters that exist only in some trials (conditional ones)
/// are left to independent sampling.
/// </summary>
public static class IntersectionSearchSpace
{
    /// <summary>
    /// The intersection over the complete trials (and pruned ones, when asked) of
    /// <paramref name="trials"/>, ordered by name. Parameters with a single value are left out:
    /// there is nothing to choose.
    /// </summary>
    /// <param name="trials">The history.</param>
    /// <param name="includePruned">Whether pruned trials count too.</param>
    public static ImmutableSortedDictionary<string, ParameterDistribution> Compute(IEnumerable<FrozenTrial> trials, bool includePruned = false)
    {
        ArgumentNullException.ThrowIfNull(trials);
        Dictionary<string, ParameterDistribution>? shared = null;
        foreach (FrozenTrial trial in trials)
        {
            if (trial.State != TrialState.Complete && !(includePruned && trial.State == TrialState.Pruned))
            {
                continue;
            }

            if (shared is null)
            {
                shared = trial.Parameters.ToDictionary(p => p.Key, p => p.Value.Distribution);
                continue;
            }

            foreach (string name in shared.Keys.ToList())
            {
                if (!trial.Parameters.TryGetValue(name, out TrialParameter? parameter) || !parameter.Distribution.Equals(shared[name]))
                {
                    shared.Remove(name);
                }
            }
        }

        return shared is null
            ? ImmutableSortedDictionary<string, ParameterDistribution>.Empty.WithComparers(StringComparer.Ordinal)
            : shared.Where(p => !p.Value.IsSingle).ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
