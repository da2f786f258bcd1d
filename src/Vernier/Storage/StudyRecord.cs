using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Studies;

namespace Vernier.Storage;

/// <summary>A study as a storage holds it.</summary>
public sealed record StudyRecord
{
    /// <summary>The storage's identifier.</summary>
    public required long StudyId { get; init; }

    /// <summary>The study's unique name.</summary>
    public required string Name { get; init; }

    /// <summary>One direction per objective.</summary>
    public required ImmutableArray<StudyDirection> Directions { get; init; }

    /// <summary>Attributes set by users.</summary>
    public ImmutableDictionary<string, JsonElement> UserAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Attributes set by Vernier: the seed, the definition's hash, the sampler's name.</summary>
    public ImmutableDictionary<string, JsonElement> SystemAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>When the study was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
