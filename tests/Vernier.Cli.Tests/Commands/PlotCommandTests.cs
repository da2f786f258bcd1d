using System.Xml.Linq;
using Vernier.Cli.Tests.Support;
using Vernier.Storage.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Tests.Commands;

public class PlotCommandTests
{
    [Fact]
    public async Task Plot_History_WritesASelfContainedHtmlFile()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 12);
        string file = Path.Combine(dir.Path, "history.html");

        (int exit, _, string error) = await RunAsync("plot", "history", "--storage", storage, "--study", "mlp", "--output", file);

        exit.ShouldBe(0, error);
        string html = File.ReadAllText(file);
        html.ShouldContain("<title>Optimization history: mlp</title>");
        html.ShouldContain("echarts.init(");
        html.ShouldNotContain("<script src");
        error.ShouldContain("wrote the history plot of 12 trial(s)");
        error.ShouldContain("note: not drawn: 1 failed.");
    }

    [Theory]
    [InlineData("slice")]
    [InlineData("parallel-coordinates")]
    [InlineData("intermediate-values")]
    [InlineData("edf")]
    [InlineData("timeline")]
    public async Task Plot_EveryTrialBasedKind_WritesItsFile(string kind)
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 8);
        string file = Path.Combine(dir.Path, kind + ".html");

        (int exit, _, string error) = await RunAsync("plot", kind, "--storage", storage, "--study", "mlp", "-o", file);

        exit.ShouldBe(0, error);
        File.ReadAllText(file).ShouldContain("\"series\"");
    }

    [Fact]
    public async Task Plot_ToAnSvgFile_WritesWellFormedSvgWithTheTitle()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 10);
        string file = Path.Combine(dir.Path, "contour.svg");

        (int exit, _, string error) = await RunAsync("plot", "contour", "--storage", storage, "--study", "mlp", "--params", "lr,optimizer", "--output", file);

        exit.ShouldBe(0, error);
        XDocument svg = XDocument.Parse(File.ReadAllText(file));
        svg.Root!.Name.LocalName.ShouldBe("svg");
        string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)).ShouldContain("Contour: mlp");
    }

    [Fact]
    public async Task Plot_AnUnknownKind_ListsTheKinds()
    {
        (int exit, _, string error) = await RunAsync("plot", "pie", "--storage", "memory:", "--study", "x", "--output", "x.html");

        exit.ShouldBe(2);
        error.ShouldContain("unknown plot kind 'pie'");
        error.ShouldContain("history, parallel-coordinates, slice, contour, importance, intermediate-values, pareto-front, edf, timeline");
    }

    [Fact]
    public async Task Plot_AMissingStudy_SaysWhichStudiesExist()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 2);
        string file = Path.Combine(dir.Path, "x.html");

        (int exit, _, string error) = await RunAsync("plot", "history", "--storage", storage, "--study", "nope", "--output", file);

        exit.ShouldBe(1);
        error.ShouldContain("no study named 'nope'");
        error.ShouldContain("mlp");
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Plot_AnEmptyStudy_WritesTheMessageAndExitsNonZero()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "empty", 0);
        string file = Path.Combine(dir.Path, "empty.html");

        (int exit, _, string error) = await RunAsync("plot", "history", "--storage", storage, "--study", "empty", "--output", file);

        exit.ShouldBe(1);
        error.ShouldContain("warning: nothing to plot: study 'empty' has no trials yet.");
        File.ReadAllText(file).ShouldContain("has no trials yet");
    }

    [Fact]
    public async Task Plot_ParetoFrontOfASingleObjectiveStudy_SaysWhy()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 4);

        (int exit, _, string error) = await RunAsync("plot", "pareto-front", "--storage", storage, "--study", "mlp", "--output", Path.Combine(dir.Path, "p.html"));

        exit.ShouldBe(1);
        error.ShouldContain("single objective");
    }

    [Fact]
    public async Task Plot_BadOptions_AreErrorsNamingThem()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 4);
        string file = Path.Combine(dir.Path, "x.html");

        (int objective, _, string objectiveError) = await RunAsync("plot", "history", "--storage", storage, "--study", "mlp", "--objective", "3", "-o", file);
        (int parameter, _, string parameterError) = await RunAsync("plot", "slice", "--storage", storage, "--study", "mlp", "--params", "momentum", "-o", file);
        (int contour, _, string contourError) = await RunAsync("plot", "contour", "--storage", storage, "--study", "mlp", "--params", "lr", "-o", file);

        objective.ShouldBe(2);
        objectiveError.ShouldContain("objective 3 does not exist");
        parameter.ShouldBe(2);
        parameterError.ShouldContain("momentum");
        contour.ShouldBe(2);
        contourError.ShouldContain("exactly two parameters");
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Plot_Importance_RanksTheStudysParametersWithTheDefaultEvaluator()
    {
        using var dir = new TempDirectory();
        string storage = await SampleStudies.CreateSqliteAsync(dir, "mlp", 12);
        string file = Path.Combine(dir.Path, "i.html");

        (int exit, _, string error) = await RunAsync("plot", "importance", "--storage", storage, "--study", "mlp", "--output", file);

        exit.ShouldBe(0, error);
        string html = await File.ReadAllTextAsync(file);
        html.ShouldContain("\"lr\"");
        html.ShouldContain("\"layers\"");
        html.ShouldContain("\"optimizer\"");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
