using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Samplers;

namespace Vernier.Tests.Samplers;

public class RandomSamplerTests
{
    [Fact]
    public void Draw_AnyFloatRange_StaysInsideAndOnGrid()
    {
        Prop.ForAll<NormalFloat, PositiveInt, int>((low, width, stepCount) =>
        {
            double lo = low.Get % 1e6;
            double hi = lo + width.Get;
            int steps = Math.Abs(stepCount % 20) + 1;
            var continuous = new FloatDistribution(lo, hi);
            var stepped = new FloatDistribution(lo, hi, step: (hi - lo) / steps);
            var rng = new RandomStream((ulong)stepCount);
            return Enumerable.Range(0, 20).All(_ =>
                continuous.Contains(RandomSampler.Draw(rng, continuous)) && stepped.Contains(RandomSampler.Draw(rng, stepped)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Draw_AnyIntRange_StaysInsideAndOnGrid()
    {
        Prop.ForAll<int, PositiveInt, PositiveInt>((low, count, step) =>
        {
            long s = step.Get % 7 + 1;
            var d = new IntDistribution(low, low + s * (count.Get % 50), step: s);
            var logD = new IntDistribution(Math.Abs((long)low) % 100 + 1, Math.Abs((long)low) % 100 + 1 + count.Get % 1000, log: true);
            var rng = new RandomStream((ulong)(low ^ count.Get));
            return Enumerable.Range(0, 20).All(_ => d.Contains(RandomSampler.Draw(rng, d)) && logD.Contains(RandomSampler.Draw(rng, logD)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Draw_LogFloat_IsUniformInLogSpace()
    {
        var d = new FloatDistribution(1e-4, 1, log: true);
        var rng = new RandomStream(11);
        double[] logs = [.. Enumerable.Range(0, 20000).Select(_ => Math.Log10(RandomSampler.Draw(rng, d)))];
        logs.Count(l => l < -2).ShouldBeInRange(9500, 10500); // half the draws below 1e-2
    }

    [Fact]
    public void Draw_Normal_HasTheMeanAndStandardDeviation()
    {
        var d = new NormalDistribution(3, 2);
        var rng = new RandomStream(17);
        double[] values = [.. Enumerable.Range(0, 20000).Select(_ => RandomSampler.Draw(rng, d))];
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        mean.ShouldBe(3, 0.05);
        sd.ShouldBe(2, 0.05);
    }

    [Fact]
    public void Draw_LogNormal_HasTheMeanAndStandardDeviationInLogSpace()
    {
        var d = new NormalDistribution(-4, 0.5, log: true);
        var rng = new RandomStream(23);
        double[] logs = [.. Enumerable.Range(0, 20000).Select(_ => Math.Log(RandomSampler.Draw(rng, d)))];
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(v => (v - mean) * (v - mean)) / (logs.Length - 1));
        mean.ShouldBe(-4, 0.02);
        sd.ShouldBe(0.5, 0.02);
    }

    [Fact]
    public void Draw_SteppedNormal_LandsOnTheStepsWithTheirProbabilities()
    {
        var d = new NormalDistribution(0, 1, step: 1);
        var rng = new RandomStream(29);
        double[] values = [.. Enumerable.Range(0, 20000).Select(_ => RandomSampler.Draw(rng, d))];
        values.ShouldAllBe(v => d.Contains(v));
        values.Count(v => v == 0).ShouldBeInRange(7300, 8000); // P(|Z| < 0.5) ≈ 0.383
    }

    [Fact]
    public void Draw_Categorical_ReachesEveryChoiceEvenly()
    {
        var d = new CategoricalDistribution(["a", "b", "c", "d"]);
        var rng = new RandomStream(5);
        var counts = Enumerable.Range(0, 8000).GroupBy(_ => RandomSampler.Draw(rng, d)).ToDictionary(g => g.Key, g => g.Count());
        counts.Keys.Order().ShouldBe([0.0, 1, 2, 3]);
        counts.Values.ShouldAllBe(c => c > 1800 && c < 2200);
    }

    [Fact]
    public void Draw_LogInt_HitsBothEnds()
    {
        var d = new IntDistribution(1, 8, log: true);
        var rng = new RandomStream(9);
        var seen = Enumerable.Range(0, 2000).Select(_ => RandomSampler.Draw(rng, d)).ToHashSet();
        seen.ShouldContain(1);
        seen.ShouldContain(8);
    }
}
