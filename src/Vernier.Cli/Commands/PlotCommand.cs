using System.CommandLine;
using System.Globalization;
using Vernier.Importance;
using Vernier.Plots;
using Vernier.Runner.Outputs;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Commands;

/// <summary><c>vernier plot KIND</c>: one plot of a study as a self-contained HTML file (opens offline) or an SVG image.</summary>
internal static class PlotCommand
{
    public static Command Create(CliConsole console)
    {
        var kind = new Argument<string>("KIND") { Description = "The plot: " + string.Join(", ", PlotKinds.All) + "." };
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The file to write (.html or .svg).", HelpName = "FILE", Required = true };
        var format = new Option<string?>("--format", "-f") { Description = "html or svg (default: from the output's extension; html unless it is .svg).", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("html", "svg");
        var parameters = new Option<string?>("--params") { Description = "Comma-separated parameters to show (parallel-coordinates, slice; contour takes two).", HelpName = "a,b" };
        var objective = new Option<int>("--objective") { Description = "Which objective to plot, from 0, in a multi-objective study (default: 0).", HelpName = "K" };
        var maxPoints = new Option<int>("--max-points")
        {
            Description = "The most points a chart draws; larger studies are sampled evenly, keeping the best-so-far line, the Pareto front and the counts exact.",
            HelpName = "N",
            DefaultValueFactory = _ => PlotOptions.Default.MaxPoints,
        };
        var command = new Command("plot", "Plot a study: " + string.Join(", ", PlotKinds.All) + ". " +
            "Writes a self-contained HTML file (the chart library inlined, opens offline) or an SVG image.\n\n" +
            "Examples:\n" +
            "  vernier plot history --storage sqlite:///vernier.db --study mlp --output history.html\n" +
            "  vernier plot contour --config study.yaml --params lr,batch_size --output contour.svg\n" +
            "  vernier plot pareto-front --storage sqlite:///vernier.db --study mo -o front.html");
        command.Arguments.Add(kind);
        foreach (Option option in new Option[] { config, storage, studyName, output, format, parameters, objective, maxPoints })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            string kindName = parsed.GetValue(kind) ?? "";
            if (!PlotKinds.TryParse(kindName, out PlotKind plotKind))
            {
                throw new CliException($"unknown plot kind '{kindName}'; the kinds are: {string.Join(", ", PlotKinds.All)}.");
            }

            FileInfo file = parsed.GetValue(output)!;
            bool svg = (parsed.GetValue(format) ?? (file.Extension.Equals(".svg", StringComparison.OrdinalIgnoreCase) ? "svg" : "html")) == "svg";
            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using Study study = await target.LoadAsync(cancellationToken);
            IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync(null, cancellationToken);
            var options = new PlotOptions
            {
                ObjectiveIndex = parsed.GetValue(objective),
                Parameters = parsed.GetValue(parameters) is { } list
                    ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                    : null,
                ObjectiveNames = target.Definition?.Objective.Metrics is { IsDefault: false } metrics ? [.. metrics] : null,
                MaxPoints = parsed.GetValue(maxPoints),
                Now = TimeProvider.System.GetUtcNow(),
            };

            PlotFigure figure = plotKind == PlotKind.Importance
                ? StudyPlots.Importance(study.Name, study.Directions, trials, await ImportancesAsync(study, options, cancellationToken), options)
                : StudyPlots.Build(plotKind, study.Name, study.Directions, trials, options);

            string text;
            try
            {
                text = svg ? PlotSvg.Render(figure, cancellationToken: cancellationToken) : PlotHtml.Render(figure);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException($"{e.Message} Write HTML instead (--format html).", ExitCodes.Failure);
            }

            await AtomicFile.WriteAllTextAsync(file.FullName, text, cancellationToken);
            if (figure.Message is { } message)
            {
                console.Error.WriteLine($"warning: nothing to plot: {message} {file.FullName} says so in place of a chart.");
                return ExitCodes.Failure;
            }

            foreach (string note in figure.Notes)
            {
                console.Error.WriteLine($"note: {note}");
            }

            console.Error.WriteLine($"wrote the {plotKind.ToName()} plot of {trials.Count.ToString(CultureInfo.InvariantCulture)} trial(s) to {file.FullName}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The study's parameter importances for the importance plot.</summary>
    /// <exception cref="NotSupportedException">This build has no importance evaluators yet.</exception>
    private static Task<IReadOnlyList<ParameterImportance>> ImportancesAsync(Study study, PlotOptions options, CancellationToken cancellationToken) =>
        ParameterImportances.EvaluateAsync(study, null, options.ObjectiveIndex, options.Parameters, cancellationToken);
}
