using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Samplers.Population;

/// <summary>
/// The segment of training one trial does for one member of a <see cref="PopulationSampler"/>
/// population: which member, from which step to which, and what it restores from.
/// </summary>
/// <remarks>
/// <para>Step convention: a step count is the number of training steps done so far. A segment
/// starts with <see cref="StartStep"/> steps done (restored from the checkpoint of trial
/// <see cref="RestoreFromTrial"/>, or from scratch when that is null and the start is 0), trains
/// steps <c>StartStep + 1 … EndStep</c> (reporting each with <c>trial.Report(value, step)</c>),
/// saves a checkpoint for its own trial number, and returns the value after step
/// <see cref="EndStep"/>.</para>
/// <para>The sampler stores the segment as trial system attributes with the prefix
/// <c>population:</c> (<c>population:member</c>, <c>population:generation</c>,
/// <c>population:start_step</c>, <c>population:end_step</c>, <c>population:restore_from</c>,
/// <c>population:exploited</c>, <c>population:donor_member</c>, <c>population:old_params</c>,
/// <c>population:new_params</c>), so the lineage is in the history and in exports.</para>
/// </remarks>
/// <example><code>
/// PopulationSegment seg = trial.Population!;
/// Model model = seg.RestoreFromTrial is int parent ? checkpoints[parent].Clone() : new Model();
/// for (long step = seg.StartStep + 1; step &lt;= seg.EndStep; step++)
/// {
///     model.Train(trial.Params);
///     trial.Report(model.Score, step);
/// }
/// checkpoints[trial.Number] = model;
/// return model.Score;
/// </code></example>
public sealed record PopulationSegment
{
    internal const string Prefix = "population:";
    internal const string MemberKey = Prefix + "member";
    internal const string GenerationKey = Prefix + "generation";
    internal const string StartStepKey = Prefix + "start_step";
    internal const string EndStepKey = Prefix + "end_step";
    internal const string RestoreFromKey = Prefix + "restore_from";
    internal const string ExploitedKey = Prefix + "exploited";
    internal const string DonorMemberKey = Prefix + "donor_member";
    internal const string OldParametersKey = Prefix + "old_params";
    internal const string NewParametersKey = Prefix + "new_params";

    /// <summary>The member of the population this trial trains (0, 1, … population size − 1).</summary>
    public required int Member { get; init; }

    /// <summary>How many segments precede this one in the chain of restored checkpoints: 0 for a start from scratch.</summary>
    public required int Generation { get; init; }

    /// <summary>The steps done before this segment (what the restored checkpoint has done; 0 from scratch).</summary>
    public required long StartStep { get; init; }

    /// <summary>The steps done after this segment: it trains steps <c>StartStep + 1 … EndStep</c>.</summary>
    public required long EndStep { get; init; }

    /// <summary>The trial whose checkpoint this segment starts from, or null to start from scratch.</summary>
    public int? RestoreFromTrial { get; init; }

    /// <summary>True when the member copied another member (exploit) with perturbed parameters (explore).</summary>
    public bool Exploited { get; init; }

    /// <summary>The member copied when <see cref="Exploited"/>; otherwise null.</summary>
    public int? DonorMember { get; init; }

    /// <summary>When <see cref="Exploited"/>: the member's parameters before it copied the donor (external values); otherwise null.</summary>
    public IReadOnlyDictionary<string, object?>? OldParameters { get; init; }

    /// <summary>When <see cref="Exploited"/>: the parameters chosen for this segment, the donor's after perturbation (external values); otherwise null.</summary>
    public IReadOnlyDictionary<string, object?>? NewParameters { get; init; }

    /// <summary>The number of steps this segment trains.</summary>
    public long Steps => EndStep - StartStep;

    /// <summary>The segment a population trial trains, read from its system attributes; null when the trial was not assigned by a <see cref="PopulationSampler"/>.</summary>
    /// <param name="trial">The trial.</param>
    public static PopulationSegment? Of(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return FromAttributes(trial.SystemAttributes);
    }

    /// <summary>Reads a segment from system attributes, or null when they hold none (or a malformed one).</summary>
    /// <param name="attributes">The trial's system attributes.</param>
    /// <param name="withParameters">Whether to read the old and new parameters too (the sampler's scan of the history skips them).</param>
    internal static PopulationSegment? FromAttributes(IReadOnlyDictionary<string, JsonElement> attributes, bool withParameters = true)
    {
        if (!attributes.TryGetValue(MemberKey, out JsonElement member) || !member.TryGetInt32(out int memberId) ||
            !attributes.TryGetValue(StartStepKey, out JsonElement start) || !start.TryGetInt64(out long startStep) ||
            !attributes.TryGetValue(EndStepKey, out JsonElement end) || !end.TryGetInt64(out long endStep))
        {
            return null;
        }

        return new PopulationSegment
        {
            Member = memberId,
            Generation = attributes.TryGetValue(GenerationKey, out JsonElement g) && g.TryGetInt32(out int generation) ? generation : 0,
            StartStep = startStep,
            EndStep = endStep,
            RestoreFromTrial = attributes.TryGetValue(RestoreFromKey, out JsonElement r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out int parent) ? parent : null,
            Exploited = attributes.TryGetValue(ExploitedKey, out JsonElement x) && x.ValueKind == JsonValueKind.True,
            DonorMember = attributes.TryGetValue(DonorMemberKey, out JsonElement d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out int donor) ? donor : null,
            OldParameters = withParameters && attributes.TryGetValue(OldParametersKey, out JsonElement o) ? ReadParameters(o) : null,
            NewParameters = withParameters && attributes.TryGetValue(NewParametersKey, out JsonElement n) ? ReadParameters(n) : null,
        };
    }

    /// <summary>The segment as system attributes.</summary>
    internal IEnumerable<KeyValuePair<string, JsonElement>> ToAttributes()
    {
        yield return new(MemberKey, JsonSerializer.SerializeToElement(Member));
        yield return new(GenerationKey, JsonSerializer.SerializeToElement(Generation));
        yield return new(StartStepKey, JsonSerializer.SerializeToElement(StartStep));
        yield return new(EndStepKey, JsonSerializer.SerializeToElement(EndStep));
        yield return new(RestoreFromKey, JsonSerializer.SerializeToElement(RestoreFromTrial));
        yield return new(ExploitedKey, JsonSerializer.SerializeToElement(Exploited));
        yield return new(DonorMemberKey, JsonSerializer.SerializeToElement(DonorMember));
        if (OldParameters is not null)
        {
            yield return new(OldParametersKey, WriteParameters(OldParameters));
        }

        if (NewParameters is not null)
        {
            yield return new(NewParametersKey, WriteParameters(NewParameters));
        }
    }

    private static ImmutableSortedDictionary<string, object?>? ReadParameters(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            builder[property.Name] = property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                ? null
                : DistributionJson.NodeToValue(JsonNode.Parse(property.Value.GetRawText()));
        }

        return builder.ToImmutable();
    }

    private static JsonElement WriteParameters(IReadOnlyDictionary<string, object?> parameters)
    {
        var json = new JsonObject();
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json[name] = DistributionJson.ValueToNode(value);
        }

        return JsonSerializer.SerializeToElement(json);
    }
}
