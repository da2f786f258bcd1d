using System.Text.Json.Nodes;
using Vernier.Plots.Tests.Support;

namespace Vernier.Plots.Tests.Output;

public class PlotHtmlTests
{
    [Fact]
    public void Html_InlinesTheLibraryAndTheOption()
    {
        PlotFigure figure = StudyPlots.History("demo", SampleStudies.Minimize, SampleStudies.Mixed(30));

        string html = PlotHtml.Render(figure);

        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain(PlotHtml.EChartsScript);
        html.ShouldNotContain("<script src");
        html.ShouldContain(figure.Option.ToJsonString());
        html.ShouldContain("echarts.init(");
        html.ShouldContain("<title>Optimization history: demo</title>");
    }

    [Fact]
    public void Html_EscapesNamesSoNoScriptEndsEarly()
    {
        PlotFigure figure = StudyPlots.History("</script><b>x", SampleStudies.Minimize, SampleStudies.Mixed(10));

        string html = PlotHtml.Render(figure);

        html.Split("</script>").Length.ShouldBe(3); // the library's and the options' script elements only
        html.ShouldContain("&lt;/script&gt;&lt;b&gt;x");
    }

    [Fact]
    public void Html_WithSeveralFigures_InlinesTheLibraryOnce_AndListsNotes()
    {
        var trials = SampleStudies.Mixed(30);
        PlotFigure[] figures = [StudyPlots.History("demo", SampleStudies.Minimize, trials), StudyPlots.Edf("demo", SampleStudies.Minimize, trials)];

        string html = PlotHtml.Render("report", figures);

        html.Split("echarts.apache.org").Length.ShouldBe(2);
        html.ShouldContain("vernier-chart-1");
        html.ShouldContain(System.Net.WebUtility.HtmlEncode(figures[0].Notes[0]));
    }

    [Fact]
    public void EChartsScript_IsTheVendoredVersion()
    {
        PlotHtml.EChartsVersion.ShouldBe("6.1.0");
        PlotHtml.EChartsScript.Length.ShouldBeGreaterThan(500_000);
        PlotHtml.EChartsScript.ShouldContain("6.1.0");
    }
}
