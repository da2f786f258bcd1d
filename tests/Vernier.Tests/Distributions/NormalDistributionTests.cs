using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;

namespace Vernier.Tests.Distributions;

public class NormalDistributionTests
{
    [Theory]
    [InlineData(0, 0, null, "the standard deviation of a normal distribution must be a positive number, got 0.")]
    [InlineData(0, -1, null, "the standard deviation of a normal distribution must be a positive number, got -1.")]
    [InlineData(0, double.PositiveInfinity, null, "the standard deviation of a normal distribution must be a positive number, got Infinity.")]
    [InlineData(double.NaN, 1, null, "the mean of a normal distribution must be a finite number, got NaN.")]
    [InlineData(0, 1, 0.0, "step must be a positive number, got 0.")]
    [InlineData(0, 1, -0.5, "step must be a positive number, got -0.5.")]
    public void Constructor_InvalidArguments_SayWhatIsWrong(double mean, double std, double? step, string message) =>
        Should.Throw<ArgumentException>(() => new NormalDistribution(mean, std, step: step)).Message.ShouldBe(message);

    [Fact]
    public void Contains_Normal_AnyFiniteNumber()
    {
        var d = new NormalDistribution(0, 1);
        d.Contains(-1e6).ShouldBeTrue();
        d.Contains(0).ShouldBeTrue();
        d.Contains(double.NaN).ShouldBeFalse();
        d.Contains(double.PositiveInfinity).ShouldBeFalse();
        d.IsSingle.ShouldBeFalse();
    }

    [Fact]
    public void Contains_LogNormal_OnlyPositiveValues_AndZeroWhenStepped()
    {
        new NormalDistribution(0, 1, log: true).Contains(0.001).ShouldBeTrue();
        new NormalDistribution(0, 1, log: true).Contains(0).ShouldBeFalse();
        new NormalDistribution(0, 1, log: true).Contains(-1).ShouldBeFalse();
        new NormalDistribution(0, 1, log: true, step: 0.5).Contains(0).ShouldBeTrue();
        new NormalDistribution(0, 1, log: true, step: 0.5).Contains(1.5).ShouldBeTrue();
        new NormalDistribution(0, 1, log: true, step: 0.5).Contains(-0.5).ShouldBeFalse();
    }

    [Fact]
    public void Clamp_Stepped_RoundsToTheNearestMultipleWithoutBinaryNoise()
    {
        var d = new NormalDistribution(0, 1, step: 0.1);
        d.Clamp(0.29).ShouldBe(0.3);
        d.Clamp(-0.04).ShouldBe(0.0);
        double.IsNegative(d.Clamp(-0.04)).ShouldBeFalse();
        d.Contains(d.Clamp(0.29)).ShouldBeTrue();
        new NormalDistribution(0, 1, log: true, step: 1).Clamp(-3).ShouldBe(0.0);
        new NormalDistribution(0, 1, log: true).Clamp(-3).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void ToInternal_ValueOffTheStep_IsRejected()
    {
        var d = new NormalDistribution(0, 1, step: 0.5);
        d.ToInternal(1.5).ShouldBe(1.5);
        d.ToInternal(2L).ShouldBe(2.0);
        Should.Throw<ArgumentException>(() => d.ToInternal(0.3)).Message.ShouldBe("0.3 is not a value of normal(mean 0, std 1) step 0.5.");
        Should.Throw<ArgumentException>(() => d.ToInternal("a")).Message.ShouldStartWith("expected a number");
    }

    [Fact]
    public void IsCompatibleWith_SameScale_EvenWithOtherMeanOrStd()
    {
        new NormalDistribution(0, 1).IsCompatibleWith(new NormalDistribution(3, 2)).ShouldBeTrue();
        new NormalDistribution(0, 1).IsCompatibleWith(new NormalDistribution(0, 1, log: true)).ShouldBeFalse();
        new NormalDistribution(0, 1).IsCompatibleWith(new FloatDistribution(-1, 1)).ShouldBeFalse();
    }

    [Fact]
    public void ToString_NamesScaleMeanStdAndStep()
    {
        new NormalDistribution(-3, 1.5, log: true, step: 0.01).ToString().ShouldBe("log-normal(mean -3, std 1.5) step 0.01");
        new NormalDistribution(0, 1).ToString().ShouldBe("normal(mean 0, std 1)");
    }

    [Fact]
    public void Json_AnyValidNormal_RoundTrips()
    {
        Prop.ForAll<NormalFloat, NormalFloat, byte>((mean, std, kind) =>
        {
            var d = new NormalDistribution(mean.Get, Math.Abs(std.Get) + 1e-9, (kind & 1) == 1, (kind & 2) == 2 ? Math.Abs(std.Get) + 0.25 : null);
            return DistributionJson.Deserialize(DistributionJson.Serialize(d)).Equals(d);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Json_HasTheDocumentedForm()
    {
        DistributionJson.Serialize(new NormalDistribution(0.5, 2, log: true, step: 0.1))
            .ShouldBe("{\"type\":\"normal\",\"mean\":0.5,\"std\":2,\"log\":true,\"step\":0.1}");
        DistributionJson.Deserialize("{\"type\":\"normal\",\"mean\":1,\"std\":3}").ShouldBe(new NormalDistribution(1, 3));
        Should.Throw<FormatException>(() => DistributionJson.Deserialize("{\"type\":\"normal\",\"mean\":1,\"std\":0}"))
            .Message.ShouldContain("the standard deviation of a normal distribution must be a positive number");
    }

    [Fact]
    public void NormalMath_CdfAndInverse_MatchKnownValues()
    {
        NormalMath.Cdf(0).ShouldBe(0.5, 1e-15);
        NormalMath.Cdf(1.959963984540054).ShouldBe(0.975, 1e-12);
        NormalMath.Cdf(-7).ShouldBe(1.279812543885835e-12, 1e-22);
        NormalMath.InverseCdf(0.975).ShouldBe(1.959963984540054, 1e-9);
        NormalMath.InverseCdf(1e-12).ShouldBe(-7.034483825301131, 1e-8);
        NormalMath.InverseCdf(0.5).ShouldBe(0, 1e-12);
    }
}
