using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers;

/// <summary>
/// Full-factorial grid search over a declared search space: every allowed combination of its
/// categorical, integer and stepped float values, each visited once, in a shuffled order fixed by
/// the study's seed. The study stops when the grid is exhausted.
/// </summary>
/// <remarks>
/// <para>Config name: <c>grid</c>. Continuous float parameters need a <c>step</c>. Conditional
/// parameters appear only where active; constraints are applied (forbidden combinations skipped,
/// fixed values merged), see <see cref="SearchSpace.EnumerateGrid"/>.</para>
/// <para>Each trial records its grid point's index (system attribute <c>grid_id</c>), so a resumed
/// study, or several workers, never revisit a point that is running or done. Failed points are not
/// retried automatically: enqueue them again if wanted.</para>
/// </remarks>
/// <example><code>var grid = new GridSampler(space); // then Study.Builder("sweep").WithSampler(grid)</code></example>
public sealed class GridSampler : Sampler
{
    /// <summary>The system attribute holding a trial's grid point index.</summary>
    public const string GridIdAttribute = "grid_id";

    private readonly ImmutableDictionary<string, ParameterDistribution> _distributions;

    // The visit order depends only on the seed; caching it keeps asks cheap on large grids.
    private readonly ConcurrentDictionary<ulong, int[]> _visitOrders = new();

    /// <summary>Creates a grid over a declared search space.</summary>
    /// <param name="space">The space; every float parameter needs a step.</param>
    /// <exception cref="ArgumentException">The space has a continuous parameter or is too large.</exception>
    public GridSampler(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        Grid = space.EnumerateGrid();
        if (Grid.Points.IsEmpty)
        {
            throw new ArgumentException("the grid is empty: the constraints forbid every combination.");
        }

        _distributions = space.Parameters.ToImmutableDictionary(p => p.Name, p => p.Distribution);
    }

    /// <inheritdoc />
    public override string Name => "grid";

    /// <summary>The grid: its points and how many combinations constraints removed or merged.</summary>
    public GridEnumeration Grid { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context) => _distributions;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        // An enqueued trial (or a retry) runs its own values: give it the point they name, not a fresh one.
        int gridId = MatchingGridId(context.Trial, VisitedIds(context.History), context.Seed) ?? NextGridId(context);
        context.SetTrialSystemAttribute(GridIdAttribute, JsonSerializer.SerializeToElement(gridId));
        return Grid.Points[gridId].ToImmutableDictionary(p => p.Key, p => p.Value.InternalValue);
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution) =>
        throw new InvalidOperationException(
            $"the grid has no values for '{name}': it only covers {string.Join(", ", _distributions.Keys.Order(StringComparer.Ordinal))}.");

    /// <inheritdoc />
    public override bool IsExhausted(IReadOnlyList<FrozenTrial> history) => VisitedIds(history).Count >= Grid.Points.Length;

    /// <summary>The visited grid points are those of every trial, whatever the pruner's brackets.</summary>
    internal override bool NeedsWholeHistory => true;

    private int NextGridId(SamplerContext context)
    {
        HashSet<int> visited = VisitedIds(context.History);
        foreach (int id in VisitOrder(context.Seed))
        {
            if (!visited.Contains(id))
            {
                return id;
            }
        }

        // Every point is taken (a race between workers, or an enqueued extra trial): repeat one, deterministically.
        return VisitOrder(context.Seed)[context.TrialNumber % Grid.Points.Length];
    }

    private int[] VisitOrder(ulong seed) => _visitOrders.GetOrAdd(seed, s =>
    {
        int[] order = [.. Enumerable.Range(0, Grid.Points.Length)];
        RandomStream.Derive(s, -1, "grid-order").Shuffle(order.AsSpan());
        return order;
    });

    private HashSet<int> VisitedIds(IReadOnlyList<FrozenTrial> history)
    {
        var ids = new HashSet<int>();
        foreach (FrozenTrial trial in history)
        {
            if (trial.State == TrialState.Failed && trial.SystemAttributes.ContainsKey(Studies.SystemAttributes.Interrupted))
            {
                continue; // interrupted, not evaluated: the point is visited again
            }

            if (trial.SystemAttributes.TryGetValue(GridIdAttribute, out JsonElement id) && id.TryGetInt32(out int value))
            {
                ids.Add(value);
            }
            else if (trial.State == TrialState.Waiting && MatchingGridId(trial, [], 0) is int reserved)
            {
                ids.Add(reserved); // an enqueued trial will run this point
            }
        }

        return ids;
    }

    /// <summary>The first unvisited grid point that a trial's enqueued values select, if it has any.</summary>
    private int? MatchingGridId(FrozenTrial trial, HashSet<int> visited, ulong seed)
    {
        if (!trial.SystemAttributes.TryGetValue(Studies.SystemAttributes.FixedParameters, out JsonElement fixedJson) || fixedJson.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var fixedValues = System.Text.Json.Nodes.JsonNode.Parse(fixedJson.GetRawText())!.AsObject()
            .ToDictionary(p => p.Key, p => DistributionJson.NodeToValue(p.Value));
        int? firstMatch = null;
        foreach (int id in VisitOrder(seed))
        {
            if (Matches(Grid.Points[id], fixedValues))
            {
                if (!visited.Contains(id))
                {
                    return id;
                }

                firstMatch ??= id;
            }
        }

        return firstMatch;
    }

    private static bool Matches(ImmutableDictionary<string, TrialParameter> point, Dictionary<string, object?> fixedValues)
    {
        foreach (var (name, value) in fixedValues)
        {
            if (!point.TryGetValue(name, out TrialParameter? parameter))
            {
                return false;
            }

            try
            {
                if (parameter.Distribution.ToInternal(value) != parameter.InternalValue)
                {
                    return false;
                }
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return true;
    }
}
