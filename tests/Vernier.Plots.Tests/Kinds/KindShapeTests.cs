using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Vernier.Importance;
using Vernier.Plots.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Kinds;

public class KindShapeTests
{
    [Theory]
    [InlineData(StudyDirection.Minimize)]
    [InlineData(StudyDirection.Maximize)]
    public void History_BestSoFar_IsMonotoneAndEndsAtTheBestValue(StudyDirection direction)
    {
        var trials = SampleStudies.Mixed(200);
        var values = trials.Where(t => t.State == TrialState.Complete).Select(t => t.Values[0]).ToList();

        PlotFigure figure = StudyPlots.History("demo", [direction], trials);

        var best = figure.SeriesNamed("Best so far").Points().Select(p => p[1]!.GetValue<double>()).ToList();
        for (int i = 1; i < best.Count; i++)
        {
            if (direction == StudyDirection.Minimize)
            {
                best[i].ShouldBeLessThanOrEqualTo(best[i - 1]);
            }
            else
            {
                best[i].ShouldBeGreaterThanOrEqualTo(best[i - 1]);
            }
        }

        best[^1].ShouldBe(direction == StudyDirection.Minimize ? values.Min() : values.Max());
        figure.SeriesNamed("Best so far").Points()[^1][0]!.GetValue<double>().ShouldBe(trials[^1].Number);
    }

    [Fact]
    public void History_ShowsPrunedTrialsApartAndNotesFailedOnes()
    {
        var trials = SampleStudies.Mixed(70);
        int pruned = trials.Count(t => t.State == TrialState.Pruned);
        int failed = trials.Count(t => t.State == TrialState.Failed);

        PlotFigure figure = StudyPlots.History("demo", SampleStudies.Minimize, trials);

        figure.SeriesNamed("Pruned").Points().Count.ShouldBe(pruned);
        figure.SeriesNamed("Pruned")["symbol"]!.GetValue<string>().ShouldBe("triangle");
        figure.Notes[0].ShouldContain($"{failed} failed");
        figure.Option["title"]!["subtext"]!.GetValue<string>().ShouldContain($"{failed} failed");
        figure.SeriesNamed("Complete").Points().Count.ShouldBe(trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public void History_InfeasibleTrials_AreGreyAndNotTheBest()
    {
        var feasible = SampleStudies.Trial(0, TrialState.Complete, ImmutableArray.Create(5.0));
        var infeasible = SampleStudies.Trial(1, TrialState.Complete, ImmutableArray.Create(1.0)) with
        {
            SystemAttributes = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty
                .Add(SystemAttributes.Constraints, System.Text.Json.JsonSerializer.SerializeToElement(new[] { 2.0 })),
        };

        PlotFigure figure = StudyPlots.History("demo", SampleStudies.Minimize, [feasible, infeasible]);

        figure.SeriesNamed("Best so far").Points().ShouldAllBe(p => p[1]!.GetValue<double>() == 5.0);
        figure.SeriesNamed("Infeasible").Points().Count.ShouldBe(1);
    }

    [Fact]
    public void LogParameters_GetLogAxes_AndCategoricalsCategoryAxes()
    {
        var trials = SampleStudies.Mixed(50);

        PlotFigure slice = StudyPlots.Slice("demo", SampleStudies.Minimize, trials);
        PlotFigure parallel = StudyPlots.ParallelCoordinates("demo", SampleStudies.Minimize, trials);
        PlotFigure contour = StudyPlots.Contour("demo", SampleStudies.Minimize, trials, new PlotOptions { Parameters = ["lr", "optimizer"] });

        var sliceAxes = slice.Option["xAxis"]!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        sliceAxes["lr"]["type"]!.GetValue<string>().ShouldBe("log");
        sliceAxes["layers"]["type"]!.GetValue<string>().ShouldBe("value");
        sliceAxes["optimizer"]["type"]!.GetValue<string>().ShouldBe("category");
        sliceAxes["optimizer"]["data"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["adam", "sgd", "rmsprop"]);

        var parallelAxes = parallel.Option["parallelAxis"]!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        parallelAxes["lr"]["type"]!.GetValue<string>().ShouldBe("log");
        parallelAxes["optimizer"]["type"]!.GetValue<string>().ShouldBe("category");

        var contourX = contour.Option["xAxis"]!.AsArray()[1]!;
        contourX["type"]!.GetValue<string>().ShouldBe("log");
        contourX["min"]!.GetValue<double>().ShouldBe(1e-5);
        contourX["max"]!.GetValue<double>().ShouldBe(1e-1);
        contour.Option["yAxis"]!.AsArray()[1]!["type"]!.GetValue<string>().ShouldBe("category");
    }

    [Fact]
    public void Slice_HasOnePanelPerParameter_OrTheChosenOnes()
    {
        var trials = SampleStudies.Mixed(30);

        StudyPlots.Slice("demo", SampleStudies.Minimize, trials).Option["grid"]!.AsArray().Count.ShouldBe(3);
        StudyPlots.Slice("demo", SampleStudies.Minimize, trials, new PlotOptions { Parameters = ["lr"] }).Series().Count.ShouldBe(1);
    }

    [Fact]
    public void AnUnknownParameter_IsAnArgumentErrorListingTheKnownOnes()
    {
        var e = Should.Throw<ArgumentException>(() =>
            StudyPlots.Slice("demo", SampleStudies.Minimize, SampleStudies.Mixed(10), new PlotOptions { Parameters = ["momentum"] }));

        e.Message.ShouldContain("momentum");
        e.Message.ShouldContain("layers, lr, optimizer");
    }

    [Fact]
    public void Contour_CellsCountEveryCompleteTrialOnce()
    {
        var trials = SampleStudies.Mixed(300);

        PlotFigure figure = StudyPlots.Contour("demo", SampleStudies.Minimize, trials, new PlotOptions { Parameters = ["lr", "layers"], ContourCells = 8 });

        var cells = figure.Series()[0]!["data"]!.AsArray();
        cells.Sum(c => c![3]!.GetValue<int>()).ShouldBe(trials.Count(t => t.State == TrialState.Complete));
        cells.ShouldAllBe(c => c![0]!.GetValue<int>() < 8 && c[1]!.GetValue<int>() < 8);
        figure.Option["visualMap"]!["dimension"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public void Contour_AskedForOtherThanTwoParameters_IsAnArgumentError()
    {
        Should.Throw<ArgumentException>(() =>
            StudyPlots.Contour("demo", SampleStudies.Minimize, SampleStudies.Mixed(10), new PlotOptions { Parameters = ["lr", "layers", "optimizer"] }))
            .Message.ShouldContain("exactly two");
    }

    [Fact]
    public void Contour_WithoutChosenParameters_TakesTheFirstTwoByNameAndSaysSo()
    {
        PlotFigure figure = StudyPlots.Contour("demo", SampleStudies.Minimize, SampleStudies.Mixed(20));

        figure.Option["title"]!["subtext"]!.GetValue<string>().ShouldBe("layers × lr");
        figure.Notes.ShouldContain(n => n.Contains("--params", StringComparison.Ordinal));
    }

    [Fact]
    public void Importance_PutsTheMostImportantOnTop()
    {
        IReadOnlyList<ParameterImportance> importances = [new("b", 0.1), new("a", 0.6), new("c", 0.3)];

        PlotFigure figure = StudyPlots.Importance("demo", SampleStudies.Minimize, SampleStudies.Mixed(5), importances);

        // ECharts draws the last category on top.
        figure.Option["yAxis"]!["data"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["b", "c", "a"]);
        figure.Series()[0]!["data"]!.AsArray().Select(d => d!["value"]!.GetValue<double>()).ShouldBe([0.1, 0.3, 0.6]);
    }

    [Fact]
    public void Importance_WithNoImportances_GivesAMessage()
    {
        PlotFigure figure = StudyPlots.Importance("demo", SampleStudies.Minimize, SampleStudies.Mixed(5), []);

        figure.Message!.ShouldContain("no parameter importance");
    }

    [Fact]
    public void IntermediateValues_MarksEveryPrunedTrialWhereItStopped()
    {
        var trials = SampleStudies.Mixed(70);
        var pruned = trials.Where(t => t.State == TrialState.Pruned).ToList();

        PlotFigure figure = StudyPlots.IntermediateValues("demo", SampleStudies.Minimize, trials);

        var markers = figure.SeriesNamed("Pruned at").Points();
        markers.Count.ShouldBe(pruned.Count);
        markers.Select(p => p[0]!.GetValue<double>()).ShouldAllBe(step => step == 2);
        figure.SeriesNamed("Pruned (").Points().Count.ShouldBe(pruned.Count * 3);
    }

    [Fact]
    public void IntermediateValues_NoneReported_GivesAMessage()
    {
        var trials = new[] { SampleStudies.Trial(0, TrialState.Complete, ImmutableArray.Create(1.0)) };

        StudyPlots.IntermediateValues("demo", SampleStudies.Minimize, trials).Message!.ShouldContain("no trial of study 'demo' reported intermediate values");
    }

    [Fact]
    public void Edf_RisesFromZeroToOne()
    {
        var trials = SampleStudies.Mixed(100);

        var points = StudyPlots.Edf("demo", SampleStudies.Minimize, trials).Series()[0]!.AsObject().Points();

        points[0][1]!.GetValue<double>().ShouldBe(0);
        points[^1][1]!.GetValue<double>().ShouldBe(1);
        for (int i = 1; i < points.Count; i++)
        {
            points[i][0]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(points[i - 1][0]!.GetValue<double>());
            points[i][1]!.GetValue<double>().ShouldBeGreaterThan(points[i - 1][1]!.GetValue<double>());
        }
    }

    [Fact]
    public void Timeline_HasARowPerWorker_AndASeriesPerState()
    {
        var trials = SampleStudies.Mixed(40);

        DateTimeOffset now = trials[^1].StartedAt!.Value.AddMinutes(5);
        PlotFigure figure = StudyPlots.Timeline("demo", SampleStudies.Minimize, trials, new PlotOptions { Now = now });

        figure.Option["yAxis"]!["data"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["node0:100", "node1:101"]);
        figure.Series().Select(s => s!["name"]!.GetValue<string>().Split(' ')[0]).ShouldBe(["Complete", "Pruned", "Failed", "Running"]);
        var running = figure.SeriesNamed("Running").Points();
        running.Count.ShouldBe(2);
        running[1][0]!.GetValue<long>().ShouldBe(now.ToUnixTimeMilliseconds());
        figure.Notes.ShouldContain(n => n.StartsWith("running trials end at", StringComparison.Ordinal));
    }

    [Fact]
    public void Timeline_WithoutAWorker_UsesUnknown()
    {
        var trial = SampleStudies.Trial(0, TrialState.Complete, ImmutableArray.Create(1.0)) with { SystemAttributes = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty };

        StudyPlots.Timeline("demo", SampleStudies.Minimize, [trial]).Option["yAxis"]!["data"]![0]!.GetValue<string>().ShouldBe("unknown");
    }

    [Fact]
    public void ParetoFront_TwoObjectives_HighlightsTheSameFrontAsTheCore()
    {
        var trials = SampleStudies.Mixed(300, objectives: 2);
        var expected = ParetoFront.Of(trials, SampleStudies.MinMax).Select(t => t.Number).Order().ToList();

        PlotFigure figure = StudyPlots.ParetoFront("demo", SampleStudies.MinMax, trials);

        var front = figure.SeriesNamed("Pareto front").Points().Select(p => p[2]!.GetValue<int>()).Order().ToList();
        front.ShouldBe(expected);
        figure.SeriesNamed("Pareto front")["step"]!.GetValue<string>().ShouldBe("end");
    }

    [Fact]
    public void ParetoFront_ThreeObjectives_DrawsAPanelPerPairWithTheFullFront()
    {
        var trials = SampleStudies.Mixed(200, objectives: 3);
        var expected = ParetoFront.Of(trials, SampleStudies.Three).Select(t => t.Number).Order().ToList();

        PlotFigure figure = StudyPlots.ParetoFront("demo", SampleStudies.Three, trials);

        figure.Option["grid"]!.AsArray().Count.ShouldBe(3);
        var fronts = figure.Series().Select(s => s!.AsObject()).Where(s => s["name"]!.GetValue<string>().StartsWith("Pareto", StringComparison.Ordinal)).ToList();
        fronts.Count.ShouldBe(3);
        fronts.ShouldAllBe(s => s.Points().Select(p => p[2]!.GetValue<int>()).Order().SequenceEqual(expected));
        figure.Notes.ShouldContain(n => n.Contains("one panel per pair", StringComparison.Ordinal));
    }
}
