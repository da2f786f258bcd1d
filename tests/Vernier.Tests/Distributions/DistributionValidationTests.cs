using Vernier.Distributions;

namespace Vernier.Tests.Distributions;

public class DistributionValidationTests
{
    [Theory]
    [InlineData(1.0, 0.5, false, null, "low (1) must not exceed high (0.5).")]
    [InlineData(0.0, 1.0, true, null, "a log-scale range needs low > 0, got low=0.")]
    [InlineData(-1.0, 1.0, true, null, "a log-scale range needs low > 0, got low=-1.")]
    [InlineData(0.0, 1.0, false, 0.3, "step 0.3 does not fit the range [0, 1]: high - low must be a multiple of the step.")]
    [InlineData(0.0, 1.0, false, -0.1, "step must be a positive number, got -0.1.")]
    [InlineData(0.1, 1.0, true, 0.1, "step and log cannot be used together for a float parameter.")]
    [InlineData(double.NaN, 1.0, false, null, "float bounds must be finite numbers, got low=NaN, high=1.")]
    public void Float_InvalidArguments_ThrowWithClearMessage(double low, double high, bool log, double? step, string message)
    {
        Should.Throw<ArgumentException>(() => new FloatDistribution(low, high, log, step)).Message.ShouldBe(message);
    }

    [Theory]
    [InlineData(5, 1, false, 1, "low (5) must not exceed high (1).")]
    [InlineData(0, 10, true, 1, "a log-scale range needs low > 0, got low=0.")]
    [InlineData(1, 10, true, 3, "a log-scale integer parameter needs step 1, got step 3.")]
    [InlineData(0, 10, false, 3, "step 3 does not fit the range [0, 10]: high - low must be a multiple of the step.")]
    [InlineData(0, 10, false, 0, "step must be a positive integer, got 0.")]
    public void Int_InvalidArguments_ThrowWithClearMessage(long low, long high, bool log, long step, string message)
    {
        Should.Throw<ArgumentException>(() => new IntDistribution(low, high, log, step)).Message.ShouldBe(message);
    }

    [Fact]
    public void Categorical_Empty_Throws() =>
        Should.Throw<ArgumentException>(() => new CategoricalDistribution([])).Message.ShouldBe("choices must not be empty.");

    [Fact]
    public void Categorical_Duplicate_Throws() =>
        Should.Throw<ArgumentException>(() => new CategoricalDistribution(["a", "b", "a"])).Message.ShouldBe("choices must be distinct, but a appears more than once.");

    [Fact]
    public void Categorical_IntAndEqualDoubleAreTheSameChoice() =>
        Should.Throw<ArgumentException>(() => new CategoricalDistribution([1, 1.0]));

    [Fact]
    public void Categorical_UnsupportedType_Throws() =>
        Should.Throw<ArgumentException>(() => new CategoricalDistribution([new object()])).Message.ShouldStartWith("choices must be strings, numbers, booleans or null");

    [Fact]
    public void Float_StepFitsDespiteBinaryRounding() => new FloatDistribution(0.0, 1.0, step: 0.1).GridSize.ShouldBe(11);

    [Fact]
    public void Float_Clamp_GivesGridPointsWithoutBinaryNoise()
    {
        var d = new FloatDistribution(0, 0.9, step: 0.3);
        d.Clamp(0.8999).ShouldBe(0.9);
        d.Clamp(0.61).ShouldBe(0.6);
        new FloatDistribution(0.1, 1.0, step: 0.1).Clamp(0.7).ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe("0.7");
    }

    [Fact]
    public void Float_Contains_RespectsStepGrid()
    {
        var d = new FloatDistribution(0, 1, step: 0.25);
        d.Contains(0.5).ShouldBeTrue();
        d.Contains(0.6).ShouldBeFalse();
        d.Contains(1.25).ShouldBeFalse();
    }

    [Fact]
    public void Int_ToInternal_RejectsFractionsAndOutOfRange()
    {
        var d = new IntDistribution(1, 9, step: 2);
        d.ToInternal(5).ShouldBe(5);
        Should.Throw<ArgumentException>(() => d.ToInternal(4)).Message.ShouldBe("4 is outside int[1, 9] step 2.");
        Should.Throw<ArgumentException>(() => d.ToInternal(2.5)).Message.ShouldStartWith("expected an integer for int[1, 9] step 2");
    }

    [Fact]
    public void Categorical_ExternalRoundTrip_KeepsTypes()
    {
        var d = new CategoricalDistribution(["relu", 4, 0.5, true, null]);
        d.ToExternal(d.ToInternal("relu")).ShouldBe("relu");
        d.ToExternal(d.ToInternal(4)).ShouldBe(4L);
        d.ToExternal(d.ToInternal(0.5)).ShouldBe(0.5);
        d.ToExternal(d.ToInternal(true)).ShouldBe(true);
        d.ToExternal(d.ToInternal(null)).ShouldBeNull();
        Should.Throw<ArgumentException>(() => d.ToInternal("gelu")).Message.ShouldBe("gelu is not one of the choices categorical[relu, 4, 0.5, true, null].");
    }

    [Fact]
    public void Compatibility_SameKindAndScale_DifferentBoundsAllowed()
    {
        new FloatDistribution(0, 1).IsCompatibleWith(new FloatDistribution(0, 2)).ShouldBeTrue();
        new FloatDistribution(0.1, 1, log: true).IsCompatibleWith(new FloatDistribution(0.1, 1)).ShouldBeFalse();
        new IntDistribution(0, 1).IsCompatibleWith(new FloatDistribution(0, 1)).ShouldBeFalse();
        new CategoricalDistribution(["a", "b"]).IsCompatibleWith(new CategoricalDistribution(["a", "b"])).ShouldBeTrue();
        new CategoricalDistribution(["a", "b"]).IsCompatibleWith(new CategoricalDistribution(["b", "a"])).ShouldBeFalse();
    }
}
