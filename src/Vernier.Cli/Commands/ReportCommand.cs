using System.CommandLine;
using System.Globalization;
using Vernier.Importance;
using Vernier.Plots;
using Vernier.Runner.Config;
using Vernier.Runner.Outputs;
using Vernier.Studies;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier report</c>: the study on one self-contained HTML page (summary, best trial, importance, main plots).</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The HTML file to write.", HelpName = "FILE", Required = true };
        var evaluatorName = new Option<string>("--evaluator")
        {
            Description = $"How to measure parameter importance: {string.Join(", ", ImportanceEvaluators.Names)}.",
            HelpName = "NAME",
            DefaultValueFactory = _ => StudyReportOptions.Default.Evaluator,
        };
        var seed = new Option<ulong>("--seed") { Description = "The seed of an importance evaluator that draws random numbers (default: 0).", HelpName = "S" };
        var objective = new Option<int>("--objective") { Description = "Which objective the importance and the per-objective plots use, from 0 (default: 0).", HelpName = "K" };
        var maxPoints = new Option<int>("--max-points")
        {
            Description = "The most points a chart draws; larger studies are sampled evenly.",
            HelpName = "N",
            DefaultValueFactory = _ => PlotOptions.Default.MaxPoints,
        };
        var command = new Command("report", "Write a study report: one self-contained HTML page (opens offline) with the study's summary, " +
            "the best trial (or the Pareto front), parameter importance and the main plots.\n\n" +
            "Examples:\n" +
            "  vernier report --storage sqlite:///vernier.db --study mlp --output report.html\n" +
            "  vernier report --config study.yaml -o report.html --evaluator fanova");
        foreach (Option option in new Option[] { config, storage, studyName, output, evaluatorName, seed, objective, maxPoints })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            FileInfo file = parsed.GetValue(output)!;
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            string evaluator = parsed.GetValue(evaluatorName)!;
            _ = ImportanceEvaluators.Create(evaluator); // an unknown name is an error before the storage is opened
            await using Study study = await target.LoadAsync(cancellationToken);
            StudyDefinition? definition = target.Definition ?? StoredDefinition.Load(await study.GetRecordAsync(cancellationToken));
            var options = new StudyReportOptions
            {
                Evaluator = evaluator,
                Seed = parsed.GetValue(seed),
                Plots = new PlotOptions
                {
                    ObjectiveIndex = parsed.GetValue(objective),
                    ObjectiveNames = definition?.Objective.Metrics is { IsDefault: false } metrics ? [.. metrics] : null,
                    MaxPoints = parsed.GetValue(maxPoints),
                    Now = TimeProvider.System.GetUtcNow(),
                },
                Details = Details(target, definition),
            };

            string html = await StudyReport.RenderAsync(study, options, cancellationToken);
            await AtomicFile.WriteAllTextAsync(file.FullName, html, cancellationToken);
            int count = (await study.GetTrialsAsync(null, cancellationToken)).Count;
            console.Error.WriteLine(count == 0
                ? $"warning: study '{study.Name}' has no trials yet; {file.FullName} says so."
                : $"wrote the report of study '{study.Name}' ({count.ToString(CultureInfo.InvariantCulture)} trial(s)) to {file.FullName}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The summary's extra rows: the storage, and the sampler and pruner when the study file is known.</summary>
    private static List<KeyValuePair<string, string>> Details(StudyTarget target, StudyDefinition? definition)
    {
        var rows = new List<KeyValuePair<string, string>> { new("Storage", StorageLocator.Redact(target.StorageUrl)) };
        if (definition is null)
        {
            return rows;
        }

        rows.Add(new("Sampler", Describe(definition.Strategy.Name, definition.Strategy.Options) +
            (definition.Strategy.Seed is { } s ? $", seed {s.ToString(CultureInfo.InvariantCulture)}" : "")));
        rows.Add(new("Pruner", Describe(definition.Pruner.Name, definition.Pruner.Options)));
        if (definition.MaxTrials is { } max)
        {
            rows.Add(new("Trial budget", max.ToString(CultureInfo.InvariantCulture)));
        }

        if (definition.SourcePath is { } path)
        {
            rows.Add(new("Study file", path));
        }

        return rows;
    }

    private static string Describe(string name, IReadOnlyDictionary<string, object?> options) =>
        options.Count == 0 ? name : $"{name} ({string.Join(", ", options.Select(o => $"{o.Key}={Text(o.Value)}"))})";

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{Text(k)}: {Text(d[k])}")) + "}",
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Text)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
