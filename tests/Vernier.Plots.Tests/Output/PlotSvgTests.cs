using System.Xml.Linq;
using Vernier.Plots.Tests.Support;

namespace Vernier.Plots.Tests.Output;

public class PlotSvgTests
{
    public static TheoryData<PlotKind> Kinds() => [.. Enum.GetValues<PlotKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Svg_IsWellFormedXmlWithTheTitle(PlotKind kind)
    {
        var directions = kind == PlotKind.ParetoFront ? SampleStudies.MinMax : SampleStudies.Minimize;
        PlotFigure figure = Vernier.Plots.Tests.Kinds.EveryKindTests.Build(kind, directions, SampleStudies.Mixed(80, directions.Count));

        string svg = PlotSvg.Render(figure);

        XDocument document = XDocument.Parse(svg);
        document.Root!.Name.LocalName.ShouldBe("svg");
        document.Root.Attribute("width")!.Value.ShouldBe(figure.Width.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string text = string.Concat(document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        text.ShouldContain("demo");
        document.Descendants().Count(e => e.Name.LocalName is "path" or "rect" or "circle").ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Svg_OfAnEmptyStudy_ShowsTheMessage()
    {
        PlotFigure figure = StudyPlots.History("nothing", SampleStudies.Minimize, []);

        string svg = PlotSvg.Render(figure, 600, 300);

        XDocument.Parse(svg).Root!.Attribute("height")!.Value.ShouldBe("300");
        svg.ShouldContain("has no trials yet");
    }

    [Fact]
    public void Svg_RejectsAbsurdSizes()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => PlotSvg.Render(StudyPlots.History("x", SampleStudies.Minimize, []), 10, 300));
    }
}
