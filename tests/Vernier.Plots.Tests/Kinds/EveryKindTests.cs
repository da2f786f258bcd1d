using System.Collections.Immutable;
using Vernier.Importance;
using Vernier.Plots.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Kinds;

public class EveryKindTests
{
    public static TheoryData<PlotKind> Kinds() => [.. Enum.GetValues<PlotKind>()];

    private static readonly IReadOnlyList<ParameterImportance> Importances =
        [new("lr", 0.7), new("optimizer", 0.2), new("layers", 0.1)];

    internal static PlotFigure Build(PlotKind kind, IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials, PlotOptions? options = null) =>
        kind == PlotKind.Importance
            ? StudyPlots.Importance("demo", directions, trials, trials.Count == 0 ? [] : Importances, options)
            : StudyPlots.Build(kind, "demo", directions, trials, options);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SingleObjective_WithFailedAndPrunedTrials_Renders(PlotKind kind)
    {
        var trials = SampleStudies.Mixed(60);
        trials.ShouldContain(t => t.State == TrialState.Failed);
        trials.ShouldContain(t => t.State == TrialState.Pruned);

        PlotFigure figure = Build(kind, SampleStudies.Minimize, trials);

        if (kind == PlotKind.ParetoFront)
        {
            figure.IsEmpty.ShouldBeTrue();
            figure.Message!.ShouldContain("single objective");
            return;
        }

        figure.IsEmpty.ShouldBeFalse(figure.Message);
        figure.Title.ShouldContain("demo");
        figure.Series().Count.ShouldBeGreaterThan(0);
        figure.PointCount().ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MultiObjective_WithFailedAndPrunedTrials_RendersTheChosenObjective(PlotKind kind)
    {
        var trials = SampleStudies.Mixed(60, objectives: 2);

        PlotFigure figure = Build(kind, SampleStudies.MinMax, trials, new PlotOptions { ObjectiveIndex = 1, ObjectiveNames = ["loss", "accuracy"] });

        figure.IsEmpty.ShouldBeFalse(figure.Message);
        figure.PointCount().ShouldBeGreaterThan(0);
        if (kind is not PlotKind.ParetoFront and not PlotKind.Timeline)
        {
            figure.Title.ShouldContain("accuracy");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ThreeObjectives_Render(PlotKind kind)
    {
        PlotFigure figure = Build(kind, SampleStudies.Three, SampleStudies.Mixed(40, objectives: 3), new PlotOptions { ObjectiveIndex = 2 });

        figure.IsEmpty.ShouldBeFalse(figure.Message);
        figure.PointCount().ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EmptyStudy_GivesAFigureWithAMessage(PlotKind kind)
    {
        PlotFigure figure = Build(kind, kind == PlotKind.ParetoFront ? SampleStudies.MinMax : SampleStudies.Minimize, []);

        figure.IsEmpty.ShouldBeTrue();
        figure.Message.ShouldBe("study 'demo' has no trials yet.");
        figure.Option["title"]!["subtext"]!.GetValue<string>().ShouldBe(figure.Message);
        figure.Notes.ShouldContain(figure.Message!);
    }

    [Theory]
    [InlineData(PlotKind.History)]
    [InlineData(PlotKind.ParallelCoordinates)]
    [InlineData(PlotKind.Slice)]
    [InlineData(PlotKind.Contour)]
    [InlineData(PlotKind.ParetoFront)]
    [InlineData(PlotKind.Edf)]
    public void NoCompleteTrial_GivesAMessageNamingTheStates(PlotKind kind)
    {
        var trials = new[]
        {
            SampleStudies.Trial(0, TrialState.Failed, []),
            SampleStudies.Trial(1, TrialState.Pruned, []),
        };

        PlotFigure figure = Build(kind, kind == PlotKind.ParetoFront ? SampleStudies.MinMax : SampleStudies.Minimize, trials);

        figure.IsEmpty.ShouldBeTrue();
        figure.Message!.ShouldContain("no complete trial");
        figure.Message!.ShouldContain("1 pruned, 1 failed");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AnObjectiveThatDoesNotExist_IsAnArgumentErrorNamingIt(PlotKind kind)
    {
        var e = Should.Throw<ArgumentException>(() => Build(kind, SampleStudies.MinMax, SampleStudies.Mixed(10, 2), new PlotOptions { ObjectiveIndex = 2 }));

        e.Message.ShouldContain("objective 2 does not exist");
    }

    [Fact]
    public void OptionsBelowTheirMinimum_AreRejectedWithTheirName()
    {
        Should.Throw<ArgumentException>(() => StudyPlots.History("demo", SampleStudies.Minimize, [], new PlotOptions { MaxPoints = 5 }))
            .Message.ShouldContain("MaxPoints");
        Should.Throw<ArgumentException>(() => StudyPlots.Contour("demo", SampleStudies.Minimize, [], new PlotOptions { ContourCells = 1 }))
            .Message.ShouldContain("ContourCells");
    }

    [Fact]
    public void TrialsWithoutParameters_GiveMessagesForParameterPlots()
    {
        var trial = SampleStudies.Trial(0, TrialState.Complete, ImmutableArray.Create(1.0)) with { Parameters = ImmutableDictionary<string, TrialParameter>.Empty };

        StudyPlots.Slice("demo", SampleStudies.Minimize, [trial]).Message!.ShouldContain("no parameters");
        StudyPlots.ParallelCoordinates("demo", SampleStudies.Minimize, [trial]).Message!.ShouldContain("no parameters");
        StudyPlots.Contour("demo", SampleStudies.Minimize, [trial]).Message!.ShouldContain("needs two parameters");
    }

    [Fact]
    public void Kinds_HaveCommandLineNamesThatRoundTrip()
    {
        foreach (PlotKind kind in Enum.GetValues<PlotKind>())
        {
            PlotKinds.TryParse(kind.ToName(), out PlotKind parsed).ShouldBeTrue();
            parsed.ShouldBe(kind);
        }

        PlotKinds.TryParse("Pareto_Front", out PlotKind pareto).ShouldBeTrue();
        pareto.ShouldBe(PlotKind.ParetoFront);
        PlotKinds.TryParse("pie", out _).ShouldBeFalse();
        PlotKinds.All.Count.ShouldBe(9);
    }
}
