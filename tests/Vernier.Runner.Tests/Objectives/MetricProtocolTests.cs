using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public class MetricProtocolTests
{
    [Theory]
    [InlineData("METRIC val_loss=0.4213", "val_loss", 0.4213)]
    [InlineData("  METRIC   val_loss = 0.4213  ", "val_loss", 0.4213)]
    [InlineData("METRIC val_loss =0.5", "val_loss", 0.5)]
    [InlineData("METRIC val_loss= 0.5", "val_loss", 0.5)]
    [InlineData("METRIC\tval_loss=0.5\r", "val_loss", 0.5)]
    [InlineData("METRIC: val_loss=0.5", "val_loss", 0.5)]
    [InlineData("METRIC val_loss=1e-3", "val_loss", 0.001)]
    [InlineData("METRIC val_loss=-2.5E+04", "val_loss", -25000)]
    [InlineData("METRIC val_loss=+7", "val_loss", 7)]
    [InlineData("METRIC val_loss=.5", "val_loss", 0.5)]
    [InlineData("METRIC val_loss=5.", "val_loss", 5)]
    [InlineData("METRIC val/loss=1", "val/loss", 1)]
    [InlineData("METRIC val-acc.top1=1", "val-acc.top1", 1)]
    [InlineData("METRIC _x=1", "_x", 1)]
    [InlineData("METRIC val_loss 0.25", "val_loss", 0.25)]
    [InlineData("METRIC val_loss=0.1000000000000000055511151231257827", "val_loss", 0.1)]
    public void Parse_FinalLine_ReadsValue(string line, string name, double expected)
    {
        MetricLine parsed = MetricProtocol.Parse(line);

        parsed.Kind.ShouldBe(MetricLineKind.Final);
        parsed.Step.ShouldBeNull();
        parsed.Error.ShouldBeNull();
        parsed.Values[name].ShouldBe(expected, 1e-12);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("-nan")]
    [InlineData("+NAN")]
    public void Parse_NanSpellings_GiveNaN(string text)
    {
        MetricProtocol.Parse($"METRIC loss={text}").Values["loss"].ShouldBe(double.NaN);
    }

    [Theory]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("INF", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("1e999", double.PositiveInfinity)]
    public void Parse_InfinitySpellings_GiveInfinity(string text, double expected)
    {
        MetricProtocol.Parse($"METRIC loss={text}").Values["loss"].ShouldBe(expected);
    }

    [Fact]
    public void Parse_SeveralFinalValues_KeepsOrder()
    {
        MetricLine parsed = MetricProtocol.Parse("METRIC val_loss=0.4 acc=0.9, f1=0.8");

        parsed.Kind.ShouldBe(MetricLineKind.Final);
        parsed.Values.Keys.ShouldBe(["val_loss", "acc", "f1"]);
        parsed.Values["f1"].ShouldBe(0.8);
    }

    [Fact]
    public void Parse_NameRepeatedOnOneLine_LastValueWins()
    {
        MetricProtocol.Parse("METRIC a=1 b=2 a=3").Values.ShouldBe(new Dictionary<string, double> { ["a"] = 3, ["b"] = 2 });
    }

    [Theory]
    [InlineData("METRIC step=3 val_loss=0.52 acc=0.81", 3)]
    [InlineData("METRIC val_loss=0.52 step=3 acc=0.81", 3)]
    [InlineData("METRIC step = 3 , val_loss = 0.52, acc = 0.81", 3)]
    [InlineData("METRIC step=0 val_loss=0.52 acc=0.81", 0)]
    [InlineData("METRIC step=3.0 val_loss=0.52 acc=0.81", 3)]
    [InlineData("METRIC step=1e2 val_loss=0.52 acc=0.81", 100)]
    public void Parse_StepLine_IsIntermediate(string line, long step)
    {
        MetricLine parsed = MetricProtocol.Parse(line);

        parsed.Kind.ShouldBe(MetricLineKind.Intermediate);
        parsed.Step.ShouldBe(step);
        parsed.Values.ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.52, ["acc"] = 0.81 });
    }

    [Theory]
    [InlineData("")]
    [InlineData("epoch 3 loss 0.5")]
    [InlineData("METRICS: loss=0.5")]
    [InlineData("METRICAL val=1")]
    [InlineData("metric val_loss=0.5")]
    [InlineData("INFO METRIC val_loss=0.5")]
    [InlineData("  # METRIC val_loss=0.5")]
    public void Parse_OrdinaryOutput_IsNotMetric(string line)
    {
        MetricLine parsed = MetricProtocol.Parse(line);

        parsed.Kind.ShouldBe(MetricLineKind.None);
        parsed.ShouldBeSameAs(MetricLine.NotMetric);
    }

    [Theory]
    [InlineData("METRIC", "no values")]
    [InlineData("METRIC   ", "no values")]
    [InlineData("METRIC val_loss", "has no value")]
    [InlineData("METRIC val_loss=", "has no value")]
    [InlineData("METRIC val_loss==1", "has no value")]
    [InlineData("METRIC =1", "'=' without a name")]
    [InlineData("METRIC val_loss=abc", "'abc' for 'val_loss' is not a number")]
    [InlineData("METRIC val_loss=tensor(0.5)", "is not a number")]
    [InlineData("METRIC val_loss=0x10", "is not a number")]
    [InlineData("METRIC val_loss=1_000", "is not a number")]
    [InlineData("METRIC val_loss=0.5s", "is not a number")]
    [InlineData("METRIC val_loss=1,5", "'5' is not a valid metric name")]
    [InlineData("METRIC 1abc=1", "'1abc' is not a valid metric name")]
    [InlineData("METRIC val loss=1", "'val' has no value")]
    [InlineData("METRIC val_loss 0.5 acc", "'val_loss' has no value")]
    [InlineData("METRIC val_loss nope", "'nope' for 'val_loss' is not a number")]
    [InlineData("METRIC step=3", "no metric values")]
    [InlineData("METRIC step 3", "step needs metric values")]
    [InlineData("METRIC step=-1 loss=1", "step must be a whole number")]
    [InlineData("METRIC step=1.5 loss=1", "step must be a whole number")]
    [InlineData("METRIC step=nan loss=1", "step must be a whole number")]
    [InlineData("METRIC step=1 step=2 loss=1", "step appears more than once")]
    public void Parse_BrokenMetricLine_IsMalformedWithReason(string line, string reason)
    {
        MetricLine parsed = MetricProtocol.Parse(line);

        parsed.Kind.ShouldBe(MetricLineKind.Malformed);
        parsed.Error.ShouldNotBeNull().ShouldContain(reason);
        parsed.Values.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("val_loss", true)]
    [InlineData("val/loss", true)]
    [InlineData("step", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("9lives", false)]
    [InlineData("has space", false)]
    [InlineData("a=b", false)]
    public void IsValidMetricName_FollowsGrammar(string? name, bool valid)
    {
        MetricProtocol.IsValidMetricName(name).ShouldBe(valid);
    }

    [Fact]
    public void Parse_FormattedDoubles_RoundTrip()
    {
        double[] samples = [0.1, 1.0 / 3, 1e-300, -4.9e-324, 123456789.123456789, double.MaxValue];
        foreach (double value in samples)
        {
            string text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            MetricProtocol.Parse($"METRIC x={text}").Values["x"].ShouldBe(value);
        }
    }
}
