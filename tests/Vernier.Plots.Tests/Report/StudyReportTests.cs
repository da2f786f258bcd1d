using System.Text.RegularExpressions;
using Vernier.Plots.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Report;

public class StudyReportTests
{
    [Fact]
    public async Task Report_SingleObjective_HasSummaryBestTrialImportanceAndThePlots()
    {
        await using Study study = await ReportStudies.CreateAsync("quad", 30);
        FrozenTrial best = (await study.GetBestTrialAsync())!;

        string html = await StudyReport.RenderAsync(study);

        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<title>Study report: quad</title>");
        html.ShouldContain("<tr><th>Direction</th><td>minimize</td></tr>");
        html.ShouldContain("<tr><th>Trials</th><td>30: 20 complete, 6 pruned, 4 failed</td></tr>");
        html.ShouldContain("<th>Duration</th>");
        html.ShouldContain("<h2 id=\"best\">Best trial</h2>");
        html.ShouldContain($"<tr><th>Trial</th><td>#{best.Number}</td></tr>");
        html.ShouldContain("<table class=\"vernier-table\" id=\"vernier-importance\">");
        html.ShouldContain("measured by ped-anova from 20 complete trials");
        ImportanceRanks(html)[0].ShouldBe("x"); // x alone decides the value
        foreach (string chart in new[] { "Parameter importance: quad", "Optimization history: quad", "Parallel coordinates: quad", "Slice: quad", "Intermediate values: quad", "Timeline: quad" })
        {
            html.ShouldContain(chart);
        }

        html.ShouldNotContain("Pareto front: quad");
        Regex.Matches(html, "id=\"vernier-chart-\\d+\"").Count.ShouldBe(6);
    }

    [Fact]
    public async Task Report_InlinesTheChartLibraryOnce()
    {
        await using Study study = await ReportStudies.CreateAsync("quad", 12);

        string html = await StudyReport.RenderAsync(study);

        html.Split(PlotHtml.EChartsScript).Length.ShouldBe(2);
        html.ShouldNotContain("<script src");
        html.Split("echarts.init(").Length.ShouldBe(2); // one loop draws every chart
    }

    [Fact]
    public async Task Report_MultiObjective_ListsTheParetoFrontAndDrawsIt()
    {
        await using Study study = await ReportStudies.CreateAsync("two", 30, StudyDirection.Minimize, StudyDirection.Minimize);
        IReadOnlyList<FrozenTrial> front = await study.GetBestTrialsAsync();

        string html = await StudyReport.RenderAsync(study, new StudyReportOptions
        {
            Plots = new PlotOptions { ObjectiveIndex = 1, ObjectiveNames = ["loss", "distance"] },
        });

        html.ShouldContain("<tr><th>Directions</th><td>loss: minimize, distance: minimize</td></tr>");
        html.ShouldContain("<h2 id=\"best\">Pareto front</h2>");
        html.ShouldContain($"{front.Count} trial{(front.Count == 1 ? "" : "s")} on the Pareto front");
        foreach (FrozenTrial trial in front)
        {
            html.ShouldContain($"<tr><td class=\"num\">#{trial.Number}</td>");
        }

        html.ShouldContain("<th>loss (minimize)</th><th>distance (minimize)</th><th>kind</th><th>noise</th><th>x</th>");
        html.ShouldContain("How much each parameter mattered to distance (minimize)");
        html.ShouldContain("Pareto front: two");
        html.ShouldContain("Optimization history: two (distance, minimize)");
    }

    [Fact]
    public async Task Report_LongParetoFront_ListsTheFirstRowsAndCountsTheRest()
    {
        await using Study study = await ReportStudies.CreateAsync("two", 30, StudyDirection.Minimize, StudyDirection.Maximize);
        int front = (await study.GetBestTrialsAsync()).Count;
        front.ShouldBeGreaterThan(2);

        string html = await StudyReport.RenderAsync(study, new StudyReportOptions { MaxTableRows = 2 });

        Regex.Matches(html, "<tr><td class=\"num\">#").Count.ShouldBe(2);
        html.ShouldContain($"{front - 2} more trial{(front - 2 == 1 ? "" : "s")} on the front not listed");
    }

    [Fact]
    public async Task Report_EmptyStudy_SaysSoWithoutCharts()
    {
        await using Study study = await Study.Builder("nothing").Minimize().CreateAsync();

        string html = await StudyReport.RenderAsync(study);

        html.ShouldContain("<tr><th>Trials</th><td>none yet</td></tr>");
        html.ShouldContain("has no trials yet: there is no best trial, importance or plot to show.");
        html.ShouldContain("id=\"vernier-empty-study\"");
        html.ShouldNotContain("vernier-chart-0");
        html.ShouldContain("var options = [\n  ];");
    }

    [Fact]
    public async Task Report_NoCompleteTrial_ShowsWhyInPlaceOfEachChart()
    {
        await using Study study = await Study.Builder("failing").Minimize().CreateAsync();
        for (int i = 0; i < 3; i++)
        {
            Trial trial = await study.AskAsync();
            trial.SuggestFloat("x", 0, 1);
            await study.TellFailedAsync(trial.Number, "boom");
        }

        string html = await StudyReport.RenderAsync(study);

        html.ShouldContain("No complete trial yet (3 failed): no best trial.");
        html.ShouldContain("No parameter importance: it needs complete trials");
        html.ShouldContain("has no complete trial with a finite value");
        html.ShouldContain("Timeline: failing");
    }

    [Fact]
    public async Task Report_DetailsAndEvaluator_AreShown()
    {
        await using Study study = await ReportStudies.CreateAsync("quad", 20);

        string html = await StudyReport.RenderAsync(study, new StudyReportOptions
        {
            Evaluator = "fanova",
            Seed = 3,
            Details = [new("Sampler", "tpe <fast>"), new("Pruner", "median")],
        });

        html.ShouldContain("<tr><th>Sampler</th><td>tpe &lt;fast&gt;</td></tr>");
        html.ShouldContain("<tr><th>Pruner</th><td>median</td></tr>");
        html.ShouldContain("measured by fanova");
        ImportanceRanks(html)[0].ShouldBe("x");
    }

    [Fact]
    public async Task Report_BadOptions_ThrowNamingTheInput()
    {
        await using Study study = await ReportStudies.CreateAsync("quad", 5);

        (await Should.ThrowAsync<ArgumentException>(() => StudyReport.RenderAsync(study, new StudyReportOptions { Evaluator = "shap" })))
            .Message.ShouldContain("unknown importance evaluator 'shap'");
        (await Should.ThrowAsync<ArgumentException>(() => StudyReport.RenderAsync(study, new StudyReportOptions { Plots = new PlotOptions { ObjectiveIndex = 2 } })))
            .Message.ShouldContain("objective 2 does not exist");
        (await Should.ThrowAsync<ArgumentException>(() => StudyReport.RenderAsync(study, new StudyReportOptions { MaxTableRows = 0 })))
            .ParamName.ShouldBe("MaxTableRows");
    }

    /// <summary>The importance table's parameters, in rank order.</summary>
    private static List<string> ImportanceRanks(string html)
    {
        string table = html[html.IndexOf("id=\"vernier-importance\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        return [.. Regex.Matches(table, "<tr><td class=\"num\">\\d+</td><td>([^<]+)</td>").Select(m => m.Groups[1].Value)];
    }
}
