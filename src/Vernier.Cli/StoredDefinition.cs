using System.Text.Json;
using Vernier.Runner.Config;
using Vernier.Storage;

namespace Vernier.Cli;

/// <summary>
/// A study's definition kept in the storage with the study (by <c>vernier create-study</c>), so that a
/// <c>vernier worker</c> on any machine needs only the storage URL and the study's name.
/// </summary>
/// <remarks>
/// Kept as a system attribute of the study: the study file's text exactly as written, its full path (for
/// messages and so that relative paths resolve against the original file's folder), and its config hash.
/// Reading parses the text again with <see cref="StudyDefinitionLoader.Parse"/>, as loading the file would.
/// The trial budget (<c>max_trials</c>) is not part of the config hash: <c>vernier create-study</c> may change it
/// later (<see cref="SaveBudgetAsync"/>), and the changed budget then overrides the one in the stored text.
/// </remarks>
internal static class StoredDefinition
{
    /// <summary>The study system attribute that holds the definition.</summary>
    public const string AttributeKey = "study_definition";

    /// <summary>Stores the definition read from <paramref name="definition"/>'s file with the study.</summary>
    public static async Task SaveAsync(IStorage storage, long studyId, StudyDefinition definition, string text, CancellationToken cancellationToken)
    {
        var stored = new Stored(definition.SourcePath!, text, definition.ContentHash);
        await storage.SetStudyAttributeAsync(studyId, AttributeScope.System, AttributeKey, JsonSerializer.SerializeToElement(stored, AttributeJson.SnakeCase), cancellationToken);
    }

    /// <summary>Changes the stored definition's trial budget (null: none); the text, path and hash stay as they were.</summary>
    /// <exception cref="InvalidOperationException">The study holds no definition.</exception>
    public static async Task SaveBudgetAsync(IStorage storage, StudyRecord study, int? maxTrials, CancellationToken cancellationToken)
    {
        Stored stored = Read(study) ?? throw new InvalidOperationException($"study '{study.Name}' has no stored definition.");
        Stored changed = stored with { BudgetChanged = true, MaxTrials = maxTrials };
        await storage.SetStudyAttributeAsync(study.StudyId, AttributeScope.System, AttributeKey, JsonSerializer.SerializeToElement(changed, AttributeJson.SnakeCase), cancellationToken);
    }

    /// <summary>The stored config hash, or null when the study holds no definition.</summary>
    public static string? HashOf(StudyRecord study) => Read(study)?.ConfigHash;

    /// <summary>The stored file's text, or null when the study holds no definition.</summary>
    public static string? TextOf(StudyRecord study) => Read(study)?.Text;

    /// <summary>The stored definition, parsed again, or null when the study holds none.</summary>
    /// <exception cref="ConfigException">The stored text no longer parses (a newer or older Vernier wrote it).</exception>
    public static StudyDefinition? Load(StudyRecord study)
    {
        if (Read(study) is not { } stored)
        {
            return null;
        }

        StudyDefinition definition = StudyDefinitionLoader.Parse(stored.Text, stored.File) with { SourcePath = stored.File };
        return stored.BudgetChanged ? definition with { MaxTrials = stored.MaxTrials } : definition;
    }

    private static Stored? Read(StudyRecord study) =>
        study.SystemAttributes.TryGetValue(AttributeKey, out JsonElement element) && element.ValueKind == JsonValueKind.Object
            ? element.Deserialize<Stored>(AttributeJson.SnakeCase)
            : null;

    /// <summary>The attribute's content.</summary>
    /// <param name="File">The study file's full path when it was stored.</param>
    /// <param name="Text">The file's text.</param>
    /// <param name="ConfigHash">The definition's <see cref="StudyDefinition.ContentHash"/>.</param>
    /// <param name="BudgetChanged">True once the budget was changed after the study was created: <paramref name="MaxTrials"/> then replaces the text's.</param>
    /// <param name="MaxTrials">The changed budget (null: none).</param>
    private sealed record Stored(string File, string Text, string ConfigHash, bool BudgetChanged = false, int? MaxTrials = null);
}
