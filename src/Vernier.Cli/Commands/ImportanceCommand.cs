using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Vernier.Importance;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier importance</c>: which parameters mattered, ranked, from the study's complete trials.</summary>
internal static class ImportanceCommand
{
    private const int BarWidth = 30;

    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var evaluatorName = new Option<string>("--evaluator")
        {
            Description = $"How to measure importance: {string.Join(", ", ImportanceEvaluators.Names)}. PED-ANOVA is fast and deterministic.",
            HelpName = "NAME",
            DefaultValueFactory = _ => "ped-anova",
        };
        var objective = new Option<int>("--objective") { Description = "Which objective of a multi-objective study, from 0 (default: 0).", HelpName = "K" };
        var parameters = new Option<string?>("--params") { Description = "Rank only these parameters, comma-separated (default: every parameter).", HelpName = "A,B" };
        var seed = new Option<ulong>("--seed") { Description = "The seed of an evaluator that draws random numbers (default: 0).", HelpName = "S" };
        var json = new Option<bool>("--json") { Description = "Print [{\"name\": ..., \"importance\": ...}] instead of a table." };
        var command = new Command("importance", "Rank the parameters by how much they mattered to the objective, from the study's complete trials " +
            "(PED-ANOVA by default: how differently the best 10% of trials chose each parameter). Importances sum to 1.\n\n" +
            "Examples:\n" +
            "  vernier importance --config study.yaml\n" +
            "  vernier importance --storage sqlite:///vernier.db --study mlp --evaluator fanova --seed 1\n" +
            "  vernier importance --storage sqlite:///vernier.db --study mlp --objective 1 --params lr,units --json");
        foreach (Option option in new Option[] { config, storage, studyName, evaluatorName, objective, parameters, seed, json })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            IImportanceEvaluator evaluator = ImportanceEvaluators.Create(parsed.GetValue(evaluatorName)!, parsed.GetValue(seed));
            int index = parsed.GetValue(objective);
            string[]? named = parsed.GetValue(parameters) is { } list
                ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
                : null;
            if (named is { Length: 0 })
            {
                throw new CliException("--params names no parameter; give a comma-separated list such as --params lr,units.");
            }

            await using Study study = await target.LoadAsync(cancellationToken);
            if (index < 0 || index >= study.Directions.Length)
            {
                throw new CliException($"--objective {index} is out of range: study '{study.Name}' has {study.Directions.Length} objective(s), numbered from 0.");
            }

            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync([TrialState.Complete], cancellationToken);
            FrozenTrial[] used = [.. trials.Where(t => t.Values.Length > index && double.IsFinite(t.Values[index]))];
            if (used.Length == 0)
            {
                throw new CliException($"study '{study.Name}' has no complete trial with a finite value{(study.IsMultiObjective ? $" for objective {index}" : "")}; importance needs finished trials.", ExitCodes.Failure);
            }

            string[] known = [.. used.SelectMany(t => t.Parameters.Keys).Distinct().Order(StringComparer.Ordinal)];
            if (named?.FirstOrDefault(n => !known.Contains(n, StringComparer.Ordinal)) is { } unknown)
            {
                throw new CliException($"unknown parameter '{unknown}': the study's parameters are {string.Join(", ", known)}.");
            }

            IReadOnlyList<ParameterImportance> importances = await ParameterImportances.EvaluateAsync(study, evaluator, index, named, cancellationToken);
            if (parsed.GetValue(json))
            {
                var array = new JsonArray([.. importances.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["importance"] = p.Importance })]);
                console.Output.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple);
            foreach (string column in new[] { "#", "parameter", "importance", "", "trials" })
            {
                table.AddColumn(column);
            }

            for (int rank = 0; rank < importances.Count; rank++)
            {
                ParameterImportance p = importances[rank];
                table.AddRow(
                    (rank + 1).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(p.Name),
                    p.Importance.ToString("0.000", CultureInfo.InvariantCulture),
                    new string('█', (int)Math.Round(p.Importance * BarWidth)),
                    used.Count(t => t.Parameters.ContainsKey(p.Name)).ToString(CultureInfo.InvariantCulture));
            }

            console.Rich.Write(table);
            string which = study.IsMultiObjective ? $"objective {index} ({study.Directions[index].ToWireName()})" : study.Direction.ToWireName();
            console.Output.WriteLine($"{parsed.GetValue(evaluatorName)!.Trim().ToLowerInvariant()} importance for {which} in study '{study.Name}', from {used.Length} complete trial(s).");
            if (importances.All(p => p.Importance == 0))
            {
                console.Output.WriteLine("note: every importance is 0: too few trials, or the value did not change; run more trials.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
