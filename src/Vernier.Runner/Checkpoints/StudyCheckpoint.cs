using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Runner.Outputs;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Checkpoints;

/// <summary>
/// A JSON snapshot of a whole study (its trials, seed and the hash of the config that ran it),
/// written after every finished trial by <c>vernier search --checkpoint F</c> and read back by
/// <c>--resume F</c>, also into a fresh storage. Because samplers derive their randomness from
/// (seed, trial number, history), a resumed study makes exactly the suggestions the uninterrupted one would.
/// </summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Directions">Its directions.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="ConfigHash">The hash of the config that ran it, or null.</param>
/// <param name="Trials">Its trials, in number order.</param>
public sealed record StudyCheckpoint(string StudyName, ImmutableArray<StudyDirection> Directions, ulong Seed, string? ConfigHash, ImmutableArray<FrozenTrial> Trials)
{
    /// <summary>The format tag in the file.</summary>
    public const string Format = "vernier-checkpoint";

    /// <summary>The version of the file's format this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Takes a snapshot of a study.</summary>
    /// <param name="study">The study.</param>
    /// <param name="configHash">The hash of the config that runs it, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<StudyCheckpoint> CaptureAsync(Study study, string? configHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
        return new StudyCheckpoint(study.Name, study.Directions, study.Seed, configHash, [.. trials]);
    }

    /// <summary>Writes the snapshot to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="writtenAt">The time to record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task WriteAsync(string path, DateTimeOffset writtenAt, CancellationToken cancellationToken = default)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["study"] = StudyName,
            ["directions"] = new JsonArray([.. Directions.Select(d => (JsonNode)d.ToWireName())]),
            ["seed"] = Seed,
            ["config_hash"] = ConfigHash,
            ["written_at"] = writtenAt.ToString("O", CultureInfo.InvariantCulture),
            ["trials"] = new JsonArray([.. Trials.Select(t => (JsonNode)TrialJson.ToJson(t))]),
        };
        return AtomicFile.WriteAllTextAsync(path, json.ToJsonString(), cancellationToken);
    }

    /// <summary>Reads a checkpoint file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FormatException">The file is not a readable checkpoint; the message says why.</exception>
    public static async Task<StudyCheckpoint> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read checkpoint {path}: {e.Message}", e);
        }

        try
        {
            JsonObject json = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("it is not a JSON object.");
            if (json["format"]?.GetValue<string>() != Format)
            {
                throw new FormatException($"it is not a Vernier checkpoint (no \"format\": \"{Format}\").");
            }

            int version = json["version"]?.GetValue<int>() ?? 0;
            if (version != Version)
            {
                throw new FormatException($"it has format version {version}; this Vernier reads version {Version}.");
            }

            return new StudyCheckpoint(
                Required<string>(json, "study", "a string"),
                [.. RequiredArray(json, "directions").Select(d => StudyDirectionExtensions.ParseWireName(
                    d is JsonValue v && v.TryGetValue(out string? name) ? name : throw new FormatException($"a direction must be a string, got {d?.ToJsonString() ?? "null"}.")))],
                Required<ulong>(json, "seed", "an unsigned 64-bit integer"),
                json["config_hash"] is null ? null : Required<string>(json, "config_hash", "a string"),
                [.. RequiredArray(json, "trials").Select(t => TrialJson.FromJson(t as JsonObject ?? throw new FormatException($"a trial must be a JSON object, got {t?.ToJsonString() ?? "null"}."))).OrderBy(t => t.Number)]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new FormatException($"checkpoint {path} is unreadable: {e.Message}", e);
        }
    }

    /// <summary>
    /// Puts the checkpoint's study into <paramref name="storage"/>: creates it with the same seed
    /// and directions if missing, then adds the trials the storage does not have yet, keeping their
    /// numbers. Trials that were running when the checkpoint was written come back as Failed
    /// (interrupted), so they are not charged to the budget.
    /// </summary>
    /// <param name="storage">The storage to resume into.</param>
    /// <param name="timeProvider">The clock for the interruption time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many trials were added.</returns>
    /// <exception cref="VernierException">The storage holds a study of this name with another seed or directions.</exception>
    public async Task<int> RestoreAsync(IStorage storage, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Study study;
        try
        {
            study = await Study.Builder(StudyName).UseStorage(storage).WithDirections([.. Directions]).WithSeed(Seed).CreateOrLoadAsync(cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new VernierException($"cannot resume into this storage: {e.Message}", e);
        }

        await using (study)
        {
            int existing = (await study.GetTrialsAsync(null, cancellationToken)).Count;
            int added = 0;
            foreach (FrozenTrial trial in Trials.Where(t => t.Number >= existing))
            {
                bool wasRunning = trial.State == TrialState.Running;
                await storage.CreateTrialAsync(
                    study.StudyId,
                    new NewTrial
                    {
                        State = wasRunning ? TrialState.Failed : trial.State,
                        Parameters = trial.Parameters,
                        Values = trial.Values,
                        IntermediateValues = trial.IntermediateValues,
                        UserAttributes = trial.UserAttributes,
                        SystemAttributes = wasRunning
                            ? trial.SystemAttributes.SetItem(SystemAttributes.Interrupted, JsonSerializer.SerializeToElement(true))
                            : trial.SystemAttributes,
                        StartedAt = trial.StartedAt,
                        CompletedAt = wasRunning ? timeProvider.GetUtcNow() : trial.CompletedAt,
                        FailReason = wasRunning ? "interrupted: it was still running when the checkpoint was written." : trial.FailReason,
                    },
                    cancellationToken: cancellationToken);
                added++;
            }

            return added;
        }
    }

    private static T Required<T>(JsonObject json, string name, string what) => json[name] switch
    {
        null => throw new FormatException($"missing \"{name}\"."),
        JsonValue v when v.TryGetValue(out T? value) && value is not null => value,
        JsonNode other => throw new FormatException($"\"{name}\" must be {what}, got {other.ToJsonString()}."),
    };

    private static JsonArray RequiredArray(JsonObject json, string name) => json[name] switch
    {
        null => throw new FormatException($"missing \"{name}\"."),
        JsonArray array => array,
        JsonNode other => throw new FormatException($"\"{name}\" must be an array, got {other.ToJsonString()}."),
    };
}
