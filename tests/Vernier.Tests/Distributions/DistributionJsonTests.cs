using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;

namespace Vernier.Tests.Distributions;

public class DistributionJsonTests
{
    public static TheoryData<ParameterDistribution> Distributions() =>
    [
        new FloatDistribution(1e-5, 0.1, log: true),
        new FloatDistribution(-2.5, 2.5, step: 0.5),
        new FloatDistribution(3, 3),
        new IntDistribution(1, 1024, log: true),
        new IntDistribution(0, 100, step: 5),
        new CategoricalDistribution(["relu", "gelu"]),
        new CategoricalDistribution([16L, 32L, 64L]),
        new CategoricalDistribution([0.1, "x", false, null]),
    ];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Serialize_ThenDeserialize_GivesAnEqualDistribution(ParameterDistribution distribution) =>
        DistributionJson.Deserialize(DistributionJson.Serialize(distribution)).ShouldBe(distribution);

    [Theory]
    [InlineData("{\"type\":\"float\",\"low\":2,\"high\":1}", "invalid distribution {\"type\":\"float\",\"low\":2,\"high\":1}: low (2) must not exceed high (1).")]
    [InlineData("{\"type\":\"beta\"}", "unknown distribution type 'beta'.")]
    [InlineData("[1]", "a distribution must be a JSON object.")]
    public void Deserialize_Invalid_ThrowsFormatException(string json, string message) =>
        Should.Throw<FormatException>(() => DistributionJson.Deserialize(json)).Message.ShouldBe(message);

    [Fact]
    public void Float_AnyValidRange_RoundTrips()
    {
        Prop.ForAll<NormalFloat, NormalFloat, bool>((a, b, log) =>
        {
            double low = Math.Min(a.Get, b.Get), high = Math.Max(a.Get, b.Get);
            if (log)
            {
                low = Math.Abs(low) + 1e-9;
                high = low + Math.Abs(high);
            }

            var d = new FloatDistribution(low, high, log);
            return DistributionJson.Deserialize(DistributionJson.Serialize(d)).Equals(d);
        }).QuickCheckThrowOnFailure();
    }
}
