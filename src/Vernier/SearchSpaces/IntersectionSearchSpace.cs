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

        // Called on every ask over the whole history: no allocation per trial. The candidates are
        // the first counted trial's parameters; each later trial can only remove some.
        string[]? names = null;
        ParameterDistribution[]? distributions = null;
        int alive = 0;
        foreach (FrozenTrial trial in trials)
        {
            if (trial.State != TrialState.Complete && !(includePruned && trial.State == TrialState.Pruned))
            {
                continue;
            }

            if (names is null)
            {
                names = [.. trial.Parameters.Keys];
                distributions = [.. names.Select(n => trial.Parameters[n].Distribution)];
                alive = names.Length;
                continue;
            }

            for (int i = 0; i < alive; i++)
            {
                if (!trial.Parameters.TryGetValue(names[i], out TrialParameter? parameter) || !ReferenceEquals(parameter.Distribution, distributions![i]) && !parameter.Distribution.Equals(distributions[i]))
                {
                    // Swap the dead candidate out of the live prefix.
                    alive--;
                    (names[i], names[alive]) = (names[alive], names[i]);
                    (distributions![i], distributions[alive]) = (distributions[alive], distributions[i]);
                    i--;
                }
            }

            if (alive == 0)
            {
                break;
            }
        }

        var result = ImmutableSortedDictionary.CreateBuilder<string, ParameterDistribution>(StringComparer.Ordinal);
        for (int i = 0; i < alive; i++)
        {
            if (!distributions![i].IsSingle)
            {
                result[names![i]] = distributions[i];
            }
        }

        return result.ToImmutable();
    }
}
