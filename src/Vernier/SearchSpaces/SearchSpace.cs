using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.SearchSpaces;

/// <summary>
/// A search space declared up front (as in a config file): parameters, the conditions under which
/// conditional ones exist, and constraints (forbidden combinations, values fixed under a condition).
/// </summary>
/// <remarks>
/// Validated on construction: names are unique, conditions and constraints name declared
/// parameters and values those parameters can take, and conditions do not form a cycle.
/// <see cref="Parameters"/> is in dependency order (a parameter comes after those its condition
/// reads), which is the order in which values are drawn.
/// </remarks>
public sealed class SearchSpace
{
    /// <summary>The largest grid <see cref="EnumerateGrid"/> will build.</summary>
    public const long MaxGridSize = 10_000_000;

    private readonly Dictionary<string, ParameterSpec> _byName;

    /// <summary>Creates and validates a search space.</summary>
    /// <param name="parameters">The parameters, in the order declared.</param>
    /// <param name="constraints">Constraints, or null.</param>
    /// <exception cref="ArgumentException">The space is inconsistent; the message names the parameter and the problem.</exception>
    public SearchSpace(IEnumerable<ParameterSpec> parameters, IEnumerable<Constraint>? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        List<ParameterSpec> declared = [.. parameters];
        _byName = new Dictionary<string, ParameterSpec>(StringComparer.Ordinal);
        foreach (ParameterSpec spec in declared)
        {
            if (string.IsNullOrWhiteSpace(spec.Name))
            {
                throw new ArgumentException("a parameter needs a non-empty name.");
            }

            if (!_byName.TryAdd(spec.Name, spec))
            {
                throw new ArgumentException($"parameter '{spec.Name}' is declared more than once.");
            }
        }

        Constraints = [.. constraints ?? []];
        foreach (ParameterSpec spec in declared.Where(s => s.When is not null))
        {
            CheckCondition(spec.When!, $"the condition of parameter '{spec.Name}'");
        }

        foreach (Constraint constraint in Constraints)
        {
            CheckCondition(constraint.When, $"constraint '{constraint}'");
            if (constraint is FixedValue fixedValue)
            {
                if (!_byName.TryGetValue(fixedValue.Parameter, out ParameterSpec? target))
                {
                    throw new ArgumentException($"constraint '{constraint}' fixes '{fixedValue.Parameter}', which is not a declared parameter.");
                }

                try
                {
                    target.Distribution.ToInternal(fixedValue.Value);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"constraint '{constraint}': {e.Message}", e);
                }
            }
        }

        Parameters = OrderByDependency(declared);
    }

    /// <summary>The parameters in dependency order.</summary>
    public ImmutableArray<ParameterSpec> Parameters { get; }

    /// <summary>The constraints.</summary>
    public ImmutableArray<Constraint> Constraints { get; }

    /// <summary>The declared parameter with this name, or null.</summary>
    /// <param name="name">The name.</param>
    public ParameterSpec? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>True when some parameter is conditional.</summary>
    public bool IsConditional => Parameters.Any(p => p.When is not null);

    /// <summary>
    /// Draws one combination: each active parameter in dependency order, taking a value fixed by a
    /// constraint where one applies and calling <paramref name="draw"/> otherwise.
    /// Forbidden combinations are not filtered here; see <see cref="FindViolation"/>.
    /// </summary>
    /// <param name="draw">Chooses an internal value for (name, distribution), given the parameters chosen so far.</param>
    public ImmutableDictionary<string, TrialParameter> Sample(Func<string, ParameterDistribution, IReadOnlyDictionary<string, TrialParameter>, double> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        var chosen = ImmutableDictionary<string, TrialParameter>.Empty;
        var values = new Dictionary<string, object?>();
        foreach (ParameterSpec spec in Parameters)
        {
            if (spec.When is { } when && !when.IsSatisfiedBy(values))
            {
                continue;
            }

            double internalValue = FixedValueFor(spec, values) is { } fixedValue
                ? spec.Distribution.ToInternal(fixedValue.Value)
                : draw(spec.Name, spec.Distribution, chosen);
            var parameter = new TrialParameter(spec.Distribution, internalValue);
            chosen = chosen.Add(spec.Name, parameter);
            values[spec.Name] = parameter.Value;
        }

        return chosen;
    }

    /// <summary>The first forbidden combination the values match, or null when they are allowed.</summary>
    /// <param name="values">External values by name.</param>
    public ForbiddenCombination? FindViolation(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (Constraint constraint in Constraints)
        {
            if (constraint is ForbiddenCombination forbidden && forbidden.When.IsSatisfiedBy(values))
            {
                return forbidden;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks a complete assignment against the space: every active parameter present and valid,
    /// no inactive one present, fixed values respected, nothing forbidden.
    /// </summary>
    /// <param name="values">External values by name.</param>
    /// <returns>The problems found, in words; empty when valid.</returns>
    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var problems = new List<string>();
        var seen = new Dictionary<string, object?>();
        foreach (ParameterSpec spec in Parameters)
        {
            bool active = spec.When is null || spec.When.IsSatisfiedBy(seen);
            bool present = values.TryGetValue(spec.Name, out object? value);
            if (!active)
            {
                if (present)
                {
                    problems.Add($"'{spec.Name}' is given but only exists when {spec.When}.");
                }

                continue;
            }

            if (!present)
            {
                problems.Add($"'{spec.Name}' is missing.");
                continue;
            }

            try
            {
                spec.Distribution.ToInternal(value);
                seen[spec.Name] = value;
            }
            catch (ArgumentException e)
            {
                problems.Add($"'{spec.Name}': {e.Message}");
                continue;
            }

            if (FixedValueFor(spec, seen) is { } fixedValue &&
                spec.Distribution.ToInternal(fixedValue.Value) != spec.Distribution.ToInternal(value))
            {
                problems.Add($"'{spec.Name}' must be {CategoricalDistribution.FormatChoice(fixedValue.Value)} because {fixedValue.When}.");
            }
        }

        problems.AddRange(values.Keys.Where(k => !_byName.ContainsKey(k)).Select(k => $"'{k}' is not a parameter of the search space."));
        if (FindViolation(seen) is { } violation)
        {
            problems.Add($"the combination is forbidden ({violation.When}).");
        }

        return problems;
    }

    /// <summary>
    /// Every allowed combination of the space, for a grid search: categorical choices, integer
    /// values and stepped float values, with conditional parameters only where active, fixed values
    /// applied (duplicates merged) and forbidden combinations left out, in a canonical order.
    /// </summary>
    /// <exception cref="ArgumentException">A float parameter has no step, a parameter is normal (unbounded), or the grid is larger than <see cref="MaxGridSize"/>.</exception>
    public GridEnumeration EnumerateGrid()
    {
        foreach (ParameterSpec spec in Parameters)
        {
            if (spec.Distribution is FloatDistribution { Step: null, IsSingle: false })
            {
                throw new ArgumentException(
                    $"grid search needs a finite set of values, but '{spec.Name}' is a continuous {spec.Distribution}: give it a step, or make it categorical.");
            }

            if (spec.Distribution is NormalDistribution)
            {
                throw new ArgumentException(
                    $"grid search needs a finite set of values, but '{spec.Name}' is an unbounded {spec.Distribution}: make it a stepped float or categorical.");
            }
        }

        var points = new List<ImmutableDictionary<string, TrialParameter>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int forbidden = 0, rewritten = 0;
        long visited = 0;
        Expand(0, ImmutableDictionary<string, TrialParameter>.Empty, new Dictionary<string, object?>(), false);
        return new GridEnumeration([.. points], forbidden, rewritten);

        void Expand(int index, ImmutableDictionary<string, TrialParameter> chosen, Dictionary<string, object?> values, bool wasRewritten)
        {
            if (++visited > MaxGridSize)
            {
                throw new ArgumentException($"the grid has more than {MaxGridSize:N0} points; reduce the number of values.");
            }

            if (index == Parameters.Length)
            {
                if (FindViolation(values) is not null)
                {
                    forbidden++;
                }
                else if (keys.Add(string.Join("|", chosen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.InternalValue:R}"))))
                {
                    points.Add(chosen);
                }
                else if (wasRewritten)
                {
                    rewritten++;
                }

                return;
            }

            ParameterSpec spec = Parameters[index];
            if (spec.When is { } when && !when.IsSatisfiedBy(values))
            {
                Expand(index + 1, chosen, values, wasRewritten);
                return;
            }

            FixedValue? fixedValue = FixedValueFor(spec, values);
            foreach (double internalValue in GridValues(spec.Distribution))
            {
                double actual = fixedValue is null ? internalValue : spec.Distribution.ToInternal(fixedValue.Value);
                var parameter = new TrialParameter(spec.Distribution, actual);
                values[spec.Name] = parameter.Value;
                Expand(index + 1, chosen.Add(spec.Name, parameter), values, wasRewritten || actual != internalValue);
                values.Remove(spec.Name);
            }
        }
    }

    private static IEnumerable<double> GridValues(ParameterDistribution distribution) => distribution switch
    {
        CategoricalDistribution c => Enumerable.Range(0, c.Choices.Count).Select(i => (double)i),
        IntDistribution i => LongRange(i.GridSize).Select(k => (double)(i.Low + k * i.Step)),
        FloatDistribution { Step: double s } f => LongRange(f.GridSize!.Value).Select(k => f.Clamp(f.Low + k * s)),
        FloatDistribution f => [f.Low],
        _ => throw new ArgumentException($"unsupported distribution {distribution}."),
    };

    private static IEnumerable<long> LongRange(long count)
    {
        for (long k = 0; k < count; k++)
        {
            yield return k;
        }
    }

    private FixedValue? FixedValueFor(ParameterSpec spec, IReadOnlyDictionary<string, object?> values)
    {
        foreach (Constraint constraint in Constraints)
        {
            if (constraint is FixedValue fixedValue && fixedValue.Parameter == spec.Name && fixedValue.When.IsSatisfiedBy(values))
            {
                return fixedValue;
            }
        }

        return null;
    }

    private void CheckCondition(Condition condition, string where)
    {
        foreach (Condition leaf in Leaves(condition))
        {
            string name = leaf switch
            {
                InCondition i => i.Parameter,
                ComparisonCondition c => c.Parameter,
                _ => throw new ArgumentException($"{where}: unsupported condition {leaf}."),
            };
            if (!_byName.TryGetValue(name, out ParameterSpec? target))
            {
                throw new ArgumentException($"{where} reads '{name}', which is not a declared parameter.");
            }

            if (leaf is InCondition inCondition)
            {
                foreach (object? value in inCondition.Values)
                {
                    if (target.Distribution is CategoricalDistribution c ? c.IndexOf(value) < 0 : !IsNumberIn(target.Distribution, value))
                    {
                        throw new ArgumentException(
                            $"{where} compares '{name}' with {CategoricalDistribution.FormatChoice(value)}, which '{name}' can never take ({target.Distribution}).");
                    }
                }
            }
            else if (target.Distribution is CategoricalDistribution)
            {
                throw new ArgumentException($"{where} compares the categorical '{name}' with a number; use == or in.");
            }
        }
    }

    private static bool IsNumberIn(ParameterDistribution distribution, object? value)
    {
        try
        {
            distribution.ToInternal(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IEnumerable<Condition> Leaves(Condition condition) =>
        condition is AllCondition all ? all.Conditions.SelectMany(Leaves) : [condition];

    private ImmutableArray<ParameterSpec> OrderByDependency(List<ParameterSpec> declared)
    {
        // A parameter depends on those its condition reads, and on those that decide a fixed value for it.
        var dependencies = declared.ToDictionary(
            s => s.Name,
            s => (s.When?.Parameters ?? [])
                .Concat(Constraints.OfType<FixedValue>().Where(f => f.Parameter == s.Name).SelectMany(f => f.When.Parameters))
                .Distinct()
                .ToList());
        var ordered = ImmutableArray.CreateBuilder<ParameterSpec>(declared.Count);
        var state = new Dictionary<string, bool>(); // false: on the current path, true: done
        foreach (ParameterSpec spec in declared)
        {
            Visit(spec.Name, []);
        }

        return ordered.MoveToImmutable();

        void Visit(string name, List<string> path)
        {
            if (state.TryGetValue(name, out bool done))
            {
                if (!done)
                {
                    throw new ArgumentException($"conditions form a cycle: {string.Join(" -> ", path.SkipWhile(p => p != name).Append(name))}.");
                }

                return;
            }

            state[name] = false;
            path.Add(name);
            foreach (string dependency in dependencies[name])
            {
                Visit(dependency, path);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = true;
            ordered.Add(_byName[name]);
        }
    }
}

/// <summary>The result of <see cref="SearchSpace.EnumerateGrid"/>.</summary>
/// <param name="Points">The allowed combinations, in canonical order.</param>
/// <param name="ForbiddenCount">How many combinations a forbidden-combination constraint removed.</param>
/// <param name="RewrittenCount">How many combinations a fixed-value constraint merged into another.</param>
public sealed record GridEnumeration(ImmutableArray<ImmutableDictionary<string, TrialParameter>> Points, int ForbiddenCount, int RewrittenCount);
