using Vernier.Plots.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Kinds;

/// <summary>One shared study of 100,000 trials (the dashboard's target size).</summary>
public sealed class BigStudy
{
    public List<FrozenTrial> Single { get; } = SampleStudies.Mixed(100_000);

    public List<FrozenTrial> Double { get; } = SampleStudies.Mixed(100_000, objectives: 2, seed: 2);
}

public class BigStudyTests(BigStudy study) : IClassFixture<BigStudy>
{
    private const int Cap = 1000;

    public static TheoryData<PlotKind> Kinds() => [.. Enum.GetValues<PlotKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void HundredThousandTrials_DrawAboutTheCapAndSaySo(PlotKind kind)
    {
        var directions = kind == PlotKind.ParetoFront ? SampleStudies.MinMax : SampleStudies.Minimize;
        var trials = kind == PlotKind.ParetoFront ? study.Double : study.Single;

        PlotFigure figure = EveryKindTests.Build(kind, directions, trials, new PlotOptions { MaxPoints = Cap });

        figure.IsEmpty.ShouldBeFalse(figure.Message);
        int points = figure.PointCount();
        int exact = kind switch
        {
            // Kept exact whatever the cap: the best-so-far line (and its trials), the front, the cells.
            PlotKind.History => 2 * figure.SeriesNamed("Best so far").Points().Count,
            PlotKind.ParetoFront => figure.SeriesNamed("Pareto front").Points().Count,
            PlotKind.Contour => figure.Series()[0]!["data"]!.AsArray().Count,
            PlotKind.Slice => 2 * Cap, // 3 panels of the same ≤ cap trials
            _ => 0,
        };
        points.ShouldBeLessThanOrEqualTo((2 * Cap) + exact, $"{kind} draws {points} points");
        if (kind is not PlotKind.Importance and not PlotKind.Contour)
        {
            figure.Notes.ShouldContain(n => n.Contains("MaxPoints", StringComparison.Ordinal), string.Join(" | ", figure.Notes));
        }
    }

    [Fact]
    public void History_OfHundredThousandTrials_KeepsTheBestSoFarLineExact()
    {
        PlotFigure figure = StudyPlots.History("big", SampleStudies.Minimize, study.Single, new PlotOptions { MaxPoints = Cap });

        double best = double.PositiveInfinity;
        var improvements = new List<(int, double)>();
        foreach (var t in study.Single.Where(t => t.State == TrialState.Complete))
        {
            if (t.Values[0] < best)
            {
                best = t.Values[0];
                improvements.Add((t.Number, best));
            }
        }

        var line = figure.SeriesNamed("Best so far").Points().Select(p => ((int)p[0]!.GetValue<double>(), p[1]!.GetValue<double>())).ToList();
        line.Take(improvements.Count).ShouldBe(improvements);
        int pruned = study.Single.Count(t => t.State == TrialState.Pruned);
        figure.SeriesNamed("Pruned")["name"]!.GetValue<string>().ShouldContain($"({pruned})");
    }

    [Fact]
    public void ParetoFront_OfHundredThousandTrials_IsExact()
    {
        var expected = ParetoFront.Of(study.Double.Take(3000), SampleStudies.MinMax).Select(t => t.Number).Order();

        PlotFigure small = StudyPlots.ParetoFront("big", SampleStudies.MinMax, study.Double.Take(3000).ToList(), new PlotOptions { MaxPoints = Cap });
        PlotFigure big = StudyPlots.ParetoFront("big", SampleStudies.MinMax, study.Double, new PlotOptions { MaxPoints = Cap });

        small.SeriesNamed("Pareto front").Points().Select(p => p[2]!.GetValue<int>()).Order().ShouldBe(expected);
        var bigFront = big.SeriesNamed("Pareto front").Points().Select(p => p[2]!.GetValue<int>()).ToHashSet();
        var values = study.Double.ToDictionary(t => t.Number);
        foreach (int n in bigFront)
        {
            // No complete trial dominates a front trial (checked against a sample to stay quick).
            study.Double.Where((t, i) => i % 97 == 0 && t.State == TrialState.Complete)
                .ShouldNotContain(t => ParetoFront.Dominates(t.Values, values[n].Values, SampleStudies.MinMax));
        }
    }

    [Fact]
    public void IntermediateValues_OfHundredThousandTrials_CountPrunedTrialsExactly()
    {
        PlotFigure figure = StudyPlots.IntermediateValues("big", SampleStudies.Minimize, study.Single, new PlotOptions { MaxPoints = Cap });

        int pruned = study.Single.Count(t => t.State == TrialState.Pruned);
        figure.SeriesNamed("Pruned at")["name"]!.GetValue<string>().ShouldBe($"Pruned at ({pruned})");
        figure.SeriesNamed("Pruned (")["name"]!.GetValue<string>().ShouldBe($"Pruned ({pruned})");
    }
}
