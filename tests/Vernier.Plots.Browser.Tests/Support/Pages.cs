using Vernier.Importance;
using Vernier.Importance.PedAnova;
using Vernier.Plots.Tests.Support;
using Vernier.Studies;

namespace Vernier.Plots.Browser.Tests.Support;

/// <summary>The HTML files under test: every plot kind as <c>vernier plot</c> writes it, and study reports.</summary>
internal static class Pages
{
    /// <summary>The names of the pages <see cref="WriteAsync"/> writes.</summary>
    public static IEnumerable<string> Names =>
        PlotKinds.All.Select(k => "plot-" + k).Concat(["report-single", "report-multi", "report-empty"]);

    /// <summary>Writes the page called <paramref name="name"/> into <paramref name="folder"/>; returns its path.</summary>
    public static async Task<string> WriteAsync(string name, string folder)
    {
        string html = name switch
        {
            "report-single" => await ReportAsync("quad", StudyDirection.Minimize),
            "report-multi" => await ReportAsync("two", StudyDirection.Minimize, StudyDirection.Maximize),
            "report-empty" => await ReportAsync("empty"),
            _ => Plot(name["plot-".Length..]),
        };
        string path = Path.Combine(folder, name + ".html");
        await File.WriteAllTextAsync(path, html);
        return path;
    }

    private static async Task<string> ReportAsync(string study, params StudyDirection[] directions)
    {
        await using Study s = directions.Length == 0
            ? await Study.Builder(study).Minimize().CreateAsync()
            : await ReportStudies.CreateAsync(study, 40, directions);
        return await StudyReport.RenderAsync(s);
    }

    private static string Plot(string kindName)
    {
        PlotKinds.TryParse(kindName, out PlotKind kind).ShouldBeTrue(kindName);
        IReadOnlyList<StudyDirection> directions = kind == PlotKind.ParetoFront ? SampleStudies.MinMax : SampleStudies.Minimize;
        var trials = SampleStudies.Mixed(60, directions.Count);
        var options = new PlotOptions { Parameters = kind == PlotKind.Contour ? ["lr", "optimizer"] : null };
        PlotFigure figure = kind == PlotKind.Importance
            ? StudyPlots.Importance("demo", directions, trials, new PedAnovaImportanceEvaluator().Evaluate(new ImportanceRequest { Trials = trials }), options)
            : StudyPlots.Build(kind, "demo", directions, trials, options);
        figure.IsEmpty.ShouldBeFalse(figure.Message);
        return PlotHtml.Render(figure);
    }
}
