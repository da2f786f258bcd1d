using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.Nsga2;

/// <summary>
/// The generations of an NSGA-II study, rebuilt from the trials' system attributes: which
/// generation a new trial belongs to, the elite population its parents are drawn from (elitist
/// survival by non-dominated rank and crowding distance, Deb et al. 2002), and the binary
/// tournament that picks a parent.
/// </summary>
internal static class Nsga2Population
{
    /// <summary>Trial attribute: the trial's generation (0 for the random first generation).</summary>
    public const string GenerationAttribute = "nsga2:generation";

    /// <summary>
    /// Trial attribute, on (at least) the first trial of generation g ≥ 1: the numbers of the elite
    /// population P(g−1) that generation g's parents are drawn from, so that later asks read it
    /// instead of rebuilding every generation.
    /// </summary>
    public const string PopulationAttribute = "nsga2:population";

    /// <summary>Trial attribute: the numbers of the trial's two parents.</summary>
    public const string ParentsAttribute = "nsga2:parents";

    /// <summary>The generation stored with a trial, or −1 when it has none (e.g. sampled by another sampler).</summary>
    public static int GenerationOf(FrozenTrial trial) =>
        trial.SystemAttributes.TryGetValue(GenerationAttribute, out JsonElement element) &&
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int generation)
            ? generation
            : -1;

    /// <summary>
    /// Reads the history once: the generation of a new trial (g), and — for g ≥ 1 — the elite
    /// population P(g−1) its parents are drawn from, with whether a trial of generation g already
    /// stores it. P(0) is the best <paramref name="populationSize"/> of generation 0; P(k) the best
    /// of P(k−1) ∪ Q(k), where Q(k) holds the complete trials of generation k. The rebuild starts
    /// from the latest stored population, so it usually costs one survival step.
    /// </summary>
    public static Nsga2Analysis Analyze(IReadOnlyList<FrozenTrial> history, int populationSize, IReadOnlyList<StudyDirection> directions)
    {
        int count = history.Count;
        var generations = new int[count];
        var storedAt = new Dictionary<int, int>(); // generation h → index of its first trial storing P(h−1)
        int latest = -1;
        int completeInLatest = 0;
        for (int i = 0; i < count; i++)
        {
            FrozenTrial trial = history[i];
            int g = generations[i] = GenerationOf(trial);
            if (g > latest)
            {
                latest = g;
                completeInLatest = 0;
            }

            if (g == latest && g >= 0 && IsUsable(trial, directions.Count))
            {
                completeInLatest++;
            }

            if (g >= 1 && !storedAt.ContainsKey(g) && trial.SystemAttributes.TryGetValue(PopulationAttribute, out JsonElement members) &&
                members.ValueKind == JsonValueKind.Array)
            {
                storedAt[g] = i;
            }
        }

        int next = latest < 0 ? 0 : completeInLatest >= populationSize ? latest + 1 : latest;
        if (next == 0)
        {
            return new Nsga2Analysis(0, [], Stored: false);
        }

        int start = 0;
        List<FrozenTrial> population = [];
        for (int h = next; h >= 1; h--)
        {
            if (storedAt.TryGetValue(h, out int index))
            {
                population = Resolve(history[index].SystemAttributes[PopulationAttribute], history, directions.Count);
                start = h;
                break;
            }
        }

        if (start < next)
        {
            var offspring = new List<FrozenTrial>[next - start];
            for (int k = 0; k < offspring.Length; k++)
            {
                offspring[k] = [];
            }

            for (int i = 0; i < count; i++)
            {
                if (generations[i] >= start && generations[i] < next && IsUsable(history[i], directions.Count))
                {
                    offspring[generations[i] - start].Add(history[i]);
                }
            }

            for (int k = start; k < next; k++)
            {
                population = Survivors([.. population, .. offspring[k - start]], populationSize, directions);
            }
        }

        return new Nsga2Analysis(next, population, storedAt.ContainsKey(next));
    }

    /// <summary>
    /// NSGA-II survival: whole non-dominated fronts (under constrained domination) while they fit,
    /// then the members of the next front with the largest crowding distance (ties: lower trial
    /// number). Returned in trial-number order.
    /// </summary>
    public static List<FrozenTrial> Survivors(List<FrozenTrial> candidates, int populationSize, IReadOnlyList<StudyDirection> directions)
    {
        if (candidates.Count <= populationSize)
        {
            candidates.Sort((a, b) => a.Number.CompareTo(b.Number));
            return candidates;
        }

        var survivors = new List<FrozenTrial>(populationSize);
        foreach (List<int> front in ParetoFront.NondominatedFronts(candidates, directions))
        {
            if (survivors.Count + front.Count <= populationSize)
            {
                survivors.AddRange(front.Select(i => candidates[i]));
                if (survivors.Count == populationSize)
                {
                    break;
                }

                continue;
            }

            double[] crowding = CrowdingDistance.Of([.. front.Select(i => candidates[i].Values)]);
            int[] order = [.. Enumerable.Range(0, front.Count)];
            Array.Sort(order, (x, y) =>
            {
                int byCrowding = crowding[y].CompareTo(crowding[x]);
                return byCrowding != 0 ? byCrowding : candidates[front[x]].Number.CompareTo(candidates[front[y]].Number);
            });
            for (int k = 0; survivors.Count < populationSize; k++)
            {
                survivors.Add(candidates[front[order[k]]]);
            }

            break;
        }

        survivors.Sort((a, b) => a.Number.CompareTo(b.Number));
        return survivors;
    }

    /// <summary>Each member's non-dominated rank (0 = best front) and crowding distance within its front.</summary>
    public static (int[] Rank, double[] Crowding) RankAndCrowding(IReadOnlyList<FrozenTrial> population, IReadOnlyList<StudyDirection> directions)
    {
        var rank = new int[population.Count];
        var crowding = new double[population.Count];
        List<List<int>> fronts = ParetoFront.NondominatedFronts(population, directions);
        for (int f = 0; f < fronts.Count; f++)
        {
            double[] distances = CrowdingDistance.Of([.. fronts[f].Select(i => population[i].Values)]);
            for (int k = 0; k < fronts[f].Count; k++)
            {
                rank[fronts[f][k]] = f;
                crowding[fronts[f][k]] = distances[k];
            }
        }

        return (rank, crowding);
    }

    /// <summary>
    /// Binary tournament: two distinct members drawn at random (other than <paramref name="exclude"/>),
    /// the lower rank wins, then the larger crowding distance, then the first drawn.
    /// </summary>
    public static int Tournament(int[] rank, double[] crowding, Randomness.RandomStream random, int exclude = -1)
    {
        int count = rank.Length;
        int available = exclude >= 0 && exclude < count ? count - 1 : count;
        if (available <= 0)
        {
            return Math.Max(0, exclude);
        }

        int first = Pick(random, available, exclude);
        if (available == 1)
        {
            return first;
        }

        int second = Pick(random, available - 1, exclude, first);
        bool firstWins = rank[first] < rank[second] || (rank[first] == rank[second] && crowding[first] >= crowding[second]);
        return firstWins ? first : second;
    }

    /// <summary>Complete with one finite value per objective.</summary>
    public static bool IsUsable(FrozenTrial trial, int objectives)
    {
        if (trial.State != TrialState.Complete || trial.Values.Length != objectives)
        {
            return false;
        }

        foreach (double value in trial.Values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A uniform index among <paramref name="choices"/> indices, skipping the excluded ones.</summary>
    private static int Pick(Randomness.RandomStream random, int choices, int skipA, int skipB = -1)
    {
        int index = (int)random.NextInt64(choices);
        int low = Math.Min(skipA, skipB);
        int high = Math.Max(skipA, skipB);
        if (low >= 0 && index >= low)
        {
            index++;
        }

        if (high >= 0 && high != low && index >= high)
        {
            index++;
        }

        return index;
    }

    /// <summary>The usable trials a stored population names, found by binary search on the number-ordered history.</summary>
    private static List<FrozenTrial> Resolve(JsonElement members, IReadOnlyList<FrozenTrial> history, int objectives)
    {
        var population = new List<FrozenTrial>(members.GetArrayLength());
        foreach (JsonElement member in members.EnumerateArray())
        {
            if (!member.TryGetInt32(out int number))
            {
                continue;
            }

            int low = 0, high = history.Count - 1;
            while (low <= high)
            {
                int middle = (low + high) >>> 1;
                int found = history[middle].Number;
                if (found == number)
                {
                    if (IsUsable(history[middle], objectives))
                    {
                        population.Add(history[middle]);
                    }

                    break;
                }

                if (found < number)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
        }

        return population;
    }
}

/// <summary>What <see cref="Nsga2Population.Analyze"/> found: the new trial's generation and its parents' population.</summary>
/// <param name="Generation">The generation of the new trial.</param>
/// <param name="Population">P(generation − 1), in trial-number order; empty for generation 0.</param>
/// <param name="Stored">Whether a trial of this generation already stores the population.</param>
internal sealed record Nsga2Analysis(int Generation, List<FrozenTrial> Population, bool Stored);
