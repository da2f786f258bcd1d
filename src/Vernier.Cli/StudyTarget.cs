using System.CommandLine;
using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;

namespace Vernier.Cli;

/// <summary>Which study a command means: from --storage and --study-name, falling back on the config file's values.</summary>
internal sealed record StudyTarget(string StorageUrl, string StudyName, StudyDefinition? Definition)
{
    public static StudyTarget Resolve(ParseResult parsed, Option<FileInfo?> config, Option<string?> storage, Option<string?> studyName)
    {
        FileInfo? file = parsed.GetValue(config);
        if (file is not null && !file.Exists)
        {
            throw new CliException($"the config file {file.FullName} does not exist.");
        }

        StudyDefinition? definition = file is null ? null : StudyDefinitionLoader.Load(file.FullName);
        string name = parsed.GetValue(studyName) ?? definition?.Name
            ?? throw new CliException("say which study: --study-name NAME, or --config FILE.");
        string url = parsed.GetValue(storage) ?? FromConfig(definition) ?? StorageLocator.DefaultUrl;
        return new StudyTarget(url, name, definition);
    }

    /// <summary>A config's storage; a relative SQLite path in it is relative to the config file, wherever the command runs.</summary>
    public static string? FromConfig(StudyDefinition? definition)
    {
        const string Relative = "sqlite:///";
        return definition?.Storage is { } url && url.StartsWith(Relative, StringComparison.Ordinal) && !url.StartsWith(Relative + "/", StringComparison.Ordinal)
            ? Relative + definition.ResolvePath(url[Relative.Length..])
            : definition?.Storage;
    }

    /// <summary>Opens the storage and loads the existing study, which then owns (and closes) the storage.</summary>
    public async Task<Study> LoadAsync(CancellationToken cancellationToken)
    {
        IStorage storage = StorageLocator.Open(StorageUrl);
        try
        {
            return await Study.Builder(StudyName).UseStorage(storage, ownsStorage: true).LoadAsync(cancellationToken);
        }
        catch (StudyNotFoundException)
        {
            IReadOnlyList<StudyRecord> studies = await storage.GetStudiesAsync(cancellationToken);
            await storage.DisposeAsync();
            string known = studies.Count == 0 ? "it holds no study" : "it holds: " + string.Join(", ", studies.Select(s => s.Name));
            throw new CliException($"no study named '{StudyName}' in {StorageLocator.Redact(StorageUrl)}; {known}.", ExitCodes.Failure);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }
}
