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
    /// The generation of a new trial: the latest generation in the history, or the next one once
    /// the latest has <paramref name="populationSize"/> complete trials.
    /// </summary>
    public static int NextGeneration(IReadOnlyList<FrozenTrial> history, int populationSize, int objectives)
    {
        int latest = -1;
        int completeInLatest = 0;
        foreach (FrozenTrial trial in history)
        {
            int generation = GenerationOf(trial);
            if (generation > latest)
            {
                latest = generation;
                completeInLatest = 0;
            }

            if (generation == latest && generation >= 0 && IsUsable(trial, objectives))
            {
                completeInLatest++;
            }
        }

        return latest < 0 ? 0 : completeInLatest >= populationSize ? latest + 1 : latest;
    }

    /// <summary>
    /// The elite population P(g−1) from which a generation-g trial (g ≥ 1) draws its parents, and
    /// whether a trial of generation g already stores it. P(0) is the best
    /// <paramref name="populationSize"/> of generation 0; P(k) the best of P(k−1) ∪ Q(k), where Q(k)
    /// holds the complete trials of generation k. The rebuild starts from the latest stored population.
    /// </summary>
    public static (List<FrozenTrial> Population, bool Stored) ParentPopulation(
        IReadOnlyList<FrozenTrial> history, int generation, int populationSize, IReadOnlyList<StudyDirection> directions)
    {
        var complete = new Dictionary<int, FrozenTrial>();
        var offspring = new List<FrozenTrial>[generation];
        var stored = new Dictionary<int, JsonElement>();
        for (int k = 0; k < generation; k++)
        {
            offspring[k] = [];
        }

        foreach (FrozenTrial trial in history)
        {
            int g = GenerationOf(trial);
            if (g < 0 || g > generation)
            {
                continue;
            }

            if (g >= 1 && !stored.ContainsKey(g) && trial.SystemAttributes.TryGetValue(PopulationAttribute, out JsonElement members) &&
                members.ValueKind == JsonValueKind.Array)
            {
                stored[g] = members;
            }

            if (g < generation && IsUsable(trial, directions.Count))
            {
                complete[trial.Number] = trial;
                offspring[g].Add(trial);
            }
        }

        int start = 0;
        List<FrozenTrial> population = [];
        for (int h = generation; h >= 1; h--)
        {
            if (stored.TryGetValue(h, out JsonElement members))
            {
                population = Resolve(members, complete);
                start = h;
                break;
            }
        }

        for (int k = start; k < generation; k++)
        {
            population = Survivors([.. population, .. offspring[k]], populationSize, directions);
        }

        return (population, stored.ContainsKey(generation));
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

    private static List<FrozenTrial> Resolve(JsonElement members, Dictionary<int, FrozenTrial> complete)
    {
        var population = new List<FrozenTrial>(members.GetArrayLength());
        foreach (JsonElement member in members.EnumerateArray())
        {
            if (member.TryGetInt32(out int number) && complete.TryGetValue(number, out FrozenTrial? trial))
            {
                population.Add(trial);
            }
        }

        return population;
    }
}
