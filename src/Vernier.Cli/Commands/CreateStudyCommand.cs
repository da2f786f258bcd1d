using System.CommandLine;
using Vernier.Runner;
using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier create-study</c>: creates a study and stores its definition with it, for <c>vernier worker</c>s on other machines.</summary>
internal static class CreateStudyCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config(required: true);
        Option<string?> storage = CommonOptions.Storage();
        var name = new Option<string?>("--name", "--study-name", "--study") { Description = "The study's name (default: the config's name, else the config file's name).", HelpName = "NAME" };
        var command = new Command("create-study", "Create a study and store its definition with it, so that workers need only the storage and the study's name.\n" +
            "Relative paths in the file (working_directory, base_config, a callable's assembly, tracker files) resolve against the file's folder, on every machine.\n" +
            "Run again with the same file but another max_trials to change the stored study's budget (never below the trials it already counts).\n\n" +
            "Examples:\n" +
            "  vernier create-study --config study.yaml --storage postgresql://vernier@db-host/vernier\n" +
            "  vernier worker --storage postgresql://vernier@db-host/vernier --study mlp");
        command.Options.Add(config);
        command.Options.Add(storage);
        command.Options.Add(name);

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, name);
            StudyDefinition definition = target.Definition!;
            string text = await File.ReadAllTextAsync(definition.SourcePath!, cancellationToken);
            string where = StorageLocator.Redact(target.StorageUrl);
            await using IStorage store = StorageLocator.Open(target.StorageUrl);
            if (await store.FindStudyAsync(target.StudyName, cancellationToken) is { } existing)
            {
                return await ExistingAsync(console, store, existing, definition, text, where, cancellationToken);
            }

            try
            {
                await using Study study = await StudyComposition.CreateBuilder(definition, store, target.StudyName).CreateAsync(cancellationToken);
                await StoredDefinition.SaveAsync(store, study.StudyId, definition, text, cancellationToken);
            }
            catch (DuplicateStudyException)
            {
                // Another process created it between the look-up and the insert.
                return await ExistingAsync(console, store, (await store.FindStudyAsync(target.StudyName, cancellationToken))!, definition, text, where, cancellationToken);
            }

            console.Output.WriteLine($"created study '{target.StudyName}' in {where} (config hash {definition.ContentHash[..12]}…).");
            console.Output.WriteLine($"start workers with: vernier worker --storage {where} --study {target.StudyName}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> ExistingAsync(
        CliConsole console, IStorage store, StudyRecord existing, StudyDefinition definition, string text, string where, CancellationToken cancellationToken)
    {
        string? hash = StoredDefinition.HashOf(existing);
        if (hash is null)
        {
            throw new CliException(
                $"a study named '{existing.Name}' already exists in {where}, without a stored definition (it was made by 'vernier search' or the library); " +
                "choose another --name, or keep running it with 'vernier search --config FILE'.");
        }

        if (hash != definition.ContentHash)
        {
            throw new CliException(
                $"a study named '{existing.Name}' already exists in {where} with a different definition (config hash {hash[..12]}…, this file's is {definition.ContentHash[..12]}…); " +
                "choose another --name, or delete the old study first.");
        }

        int? storedBudget = LoadStored(existing).MaxTrials;
        if (definition.MaxTrials != storedBudget)
        {
            await ChangeBudgetAsync(console, store, existing, storedBudget, definition.MaxTrials, where, cancellationToken);
        }
        else
        {
            console.Output.WriteLine($"study '{existing.Name}' already exists in {where} with this definition: unchanged.");
        }

        if (StoredDefinition.TextOf(existing) != text)
        {
            console.Output.WriteLine("note: the file differs from the stored one in settings that do not change results (such as timeout or trackers); " +
                "workers keep using the stored file for those" + (definition.MaxTrials != storedBudget ? " (only the budget was taken from this file)." : "."));
        }

        return ExitCodes.Success;
    }

    /// <summary>Stores a new trial budget for the study, refusing one below the trials it already counts.</summary>
    private static async Task ChangeBudgetAsync(
        CliConsole console, IStorage store, StudyRecord existing, int? from, int? to, string where, CancellationToken cancellationToken)
    {
        int counted = (await store.GetTrialsAsync(existing.StudyId, null, cancellationToken)).Count(TrialBudget.Counts);
        if (to is int lower && lower < counted)
        {
            throw new CliException(
                $"cannot lower the budget of study '{existing.Name}' from {Budget(from)} to {lower} trials: {counted} trial(s) already count toward it " +
                $"(running or finished, except interrupted and retried ones). Set max_trials to at least {counted}; the stored budget is unchanged.");
        }

        await StoredDefinition.SaveBudgetAsync(store, existing, to, cancellationToken);
        string change = to is null ? $"budget removed (it was {Budget(from)}): workers run until stopped"
            : from is null ? $"budget set to {Budget(to)} (there was none)"
            : to > from ? $"budget raised from {Budget(from)} to {Budget(to)}"
            : $"budget lowered from {Budget(from)} to {Budget(to)}";
        console.Output.WriteLine($"study '{existing.Name}' in {where}: {change} ({counted} trial(s) counted so far).");
        console.Output.WriteLine("running workers take a raised budget up when they reach the old one; a lowered one applies to workers started from now on.");
    }

    private static string Budget(int? maxTrials) => maxTrials is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no budget";

    private static StudyDefinition LoadStored(StudyRecord existing)
    {
        try
        {
            return StoredDefinition.Load(existing)!;
        }
        catch (ConfigException e)
        {
            throw new CliException($"the definition stored with study '{existing.Name}' no longer loads: {e.Message}");
        }
    }
}
