using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Testing;

/// <summary>Trial contents that exercise every distribution kind and awkward value a backend must keep exactly.</summary>
internal static class SampleData
{
    /// <summary>One parameter of each distribution kind, scale and step, and categoricals of every choice type.</summary>
    public static ImmutableDictionary<string, TrialParameter> Parameters()
    {
        var mixed = new CategoricalDistribution(["relu", 2L, 0.5, true, null]);
        return new Dictionary<string, TrialParameter>
        {
            ["lr"] = TrialParameter.FromValue(new FloatDistribution(1e-5, 1e-1, log: true), 0.0031622776601683794),
            ["momentum"] = TrialParameter.FromValue(new FloatDistribution(0, 1), 0.12345678901234568),
            ["tiny"] = TrialParameter.FromValue(new FloatDistribution(-1e300, 1e300), 5e-324),
            ["dropout"] = TrialParameter.FromValue(new FloatDistribution(0, 1, step: 0.25), 0.75),
            ["layers"] = TrialParameter.FromValue(new IntDistribution(1, 8), 3L),
            ["batch"] = TrialParameter.FromValue(new IntDistribution(16, 1024, log: true), 128L),
            ["units"] = TrialParameter.FromValue(new IntDistribution(32, 512, step: 32), 256L),
            ["noise"] = TrialParameter.FromValue(new NormalDistribution(0.5, 2), -3.25),
            ["decay"] = TrialParameter.FromValue(new NormalDistribution(-2, 1.5, log: true, step: 0.01), 0.13),
            ["learner.opt"] = TrialParameter.FromValue(new CategoricalDistribution(["adam", "sgd"]), "sgd"),
            ["mixed_string"] = TrialParameter.FromValue(mixed, "relu"),
            ["mixed_int"] = TrialParameter.FromValue(mixed, 2L),
            ["mixed_float"] = TrialParameter.FromValue(mixed, 0.5),
            ["mixed_bool"] = TrialParameter.FromValue(mixed, true),
            ["mixed_null"] = TrialParameter.FromValue(mixed, null),
        }.ToImmutableDictionary();
    }

    /// <summary>Intermediate values including NaN, both infinities and a step beyond 32 bits.</summary>
    public static ImmutableSortedDictionary<long, double> IntermediateValues() => new Dictionary<long, double>
    {
        [0] = 0.9,
        [1] = double.NaN,
        [2] = double.PositiveInfinity,
        [3] = double.NegativeInfinity,
        [4] = -1.0000000000000002,
        [10_000_000_000] = 0.1,
    }.ToImmutableSortedDictionary();

    /// <summary>User attributes: strings with quotes and non-ASCII text, big integers, nested structures.</summary>
    public static ImmutableDictionary<string, JsonElement> UserAttributes() => new Dictionary<string, JsonElement>
    {
        ["note"] = Json("\"h\u00e9llo \\\"quoted\\\" \u2713\""),
        ["big"] = Json("12345678901234567"),
        ["nested"] = Json("{\"a\":[1,2.5,null,true,\"x\"],\"b\":{}}"),
        ["shared"] = Json("\"user\""),
    }.ToImmutableDictionary();

    /// <summary>System attributes, with one key that also exists among the user attributes.</summary>
    public static ImmutableDictionary<string, JsonElement> SystemAttributes() => new Dictionary<string, JsonElement>
    {
        ["sampler"] = Json("\"tpe\""),
        ["retry_of"] = Json("3"),
        ["shared"] = Json("\"system\""),
    }.ToImmutableDictionary();

    /// <summary>A standalone JSON value.</summary>
    public static JsonElement Json(string json) => JsonElement.Parse(json);
}
