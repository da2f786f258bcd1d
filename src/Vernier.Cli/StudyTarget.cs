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
        string url = parsed.GetValue(storage) ?? definition?.Storage ?? StorageLocator.DefaultUrl;
        return new StudyTarget(url, name, definition);
    }

    /// <summary>Loads the existing study for reading (random sampler; reading needs none).</summary>
    public async Task<Study> LoadAsync(IStorage storage, CancellationToken cancellationToken)
    {
        try
        {
            return await Study.Builder(StudyName).UseStorage(storage).LoadAsync(cancellationToken);
        }
        catch (StudyNotFoundException)
        {
            IReadOnlyList<StudyRecord> studies = await storage.GetStudiesAsync(cancellationToken);
            string known = studies.Count == 0 ? "it holds no study" : "it holds: " + string.Join(", ", studies.Select(s => s.Name));
            throw new CliException($"no study named '{StudyName}' in {StorageUrl}; {known}.", ExitCodes.Failure);
        }
    }
}
