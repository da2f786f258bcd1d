using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Samplers.Tpe;

/// <summary>
/// Splits the parameters seen in finished trials into groups that always occur together: two
/// parameters share a group exactly when every complete or pruned trial has both or neither. In a
/// conditional space each branch's parameters form their own group, and multivariate TPE samples
/// each group jointly from the trials that contain it.
/// </summary>
internal static class GroupDecomposedSearchSpace
{
    /// <summary>The groups, each ordered by name, the groups ordered by their first name. Parameters with one value, or whose distribution changed between trials, are left out.</summary>
    public static List<ImmutableSortedDictionary<string, ParameterDistribution>> Compute(IReadOnlyList<FrozenTrial> history)
    {
        var groups = new List<HashSet<string>>();
        var distributions = new Dictionary<string, ParameterDistribution>(StringComparer.Ordinal);
        var inconsistent = new HashSet<string>(StringComparer.Ordinal);
        var previous = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FrozenTrial trial in history)
        {
            if (trial.State is not (TrialState.Complete or TrialState.Pruned))
            {
                continue;
            }

            names.Clear();
            foreach (var (name, parameter) in trial.Parameters)
            {
                names.Add(name);
                if (!distributions.TryGetValue(name, out ParameterDistribution? known))
                {
                    distributions[name] = parameter.Distribution;
                }
                else if (!ReferenceEquals(known, parameter.Distribution) && !known.Equals(parameter.Distribution))
                {
                    inconsistent.Add(name);
                }
            }

            // Splitting by the same set twice changes nothing, and most trials repeat their predecessor's set.
            if (names.SetEquals(previous))
            {
                continue;
            }

            previous.Clear();
            previous.UnionWith(names);

            var next = new List<HashSet<string>>(groups.Count + 1);
            foreach (HashSet<string> group in groups)
            {
                var shared = new HashSet<string>(group, StringComparer.Ordinal);
                shared.IntersectWith(names);
                group.ExceptWith(shared);
                names.ExceptWith(shared);
                if (shared.Count > 0)
                {
                    next.Add(shared);
                }

                if (group.Count > 0)
                {
                    next.Add(group);
                }
            }

            if (names.Count > 0)
            {
                next.Add(new HashSet<string>(names, StringComparer.Ordinal));
            }

            groups = next;
        }

        var result = new List<ImmutableSortedDictionary<string, ParameterDistribution>>();
        foreach (HashSet<string> group in groups)
        {
            var builder = ImmutableSortedDictionary.CreateBuilder<string, ParameterDistribution>(StringComparer.Ordinal);
            foreach (string name in group)
            {
                if (!inconsistent.Contains(name) && !distributions[name].IsSingle)
                {
                    builder[name] = distributions[name];
                }
            }

            if (builder.Count > 0)
            {
                result.Add(builder.ToImmutable());
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Keys.First(), b.Keys.First()));
        return result;
    }
}
