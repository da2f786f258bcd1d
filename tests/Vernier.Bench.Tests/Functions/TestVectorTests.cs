using System.Text.Json.Nodes;
using Vernier.Bench.Functions;

namespace Vernier.Bench.Tests.Functions;

/// <summary>Every test vector of bench/functions.json, checked bit for bit: the functions follow the file's evaluation order exactly.</summary>
public class TestVectorTests
{
    private static readonly JsonObject Root = JsonNode.Parse(File.ReadAllText(Repository.FunctionsJson))!.AsObject();

    public static TheoryData<string, int> Vectors()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, spec) in Root["functions"]!.AsObject())
        {
            for (int i = 0; i < spec!["test_vectors"]!.AsArray().Count; i++)
            {
                data.Add(name, i);
            }
        }

        return data;
    }

    public static TheoryData<int> CurveVectors()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root["pruning_curve"]!["test_vectors"]!.AsArray().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Evaluate_TestVector_MatchesTheFileBitForBit(string function, int index)
    {
        JsonObject vector = Root["functions"]![function]!["test_vectors"]![index]!.AsObject();
        var catalog = FunctionCatalog.Load(Repository.FunctionsJson);

        double value = catalog.Get(function).Evaluate(Values(vector["x"]!.AsObject()));

        BitConverter.DoubleToInt64Bits(value).ShouldBe(BitConverter.DoubleToInt64Bits(vector["f"]!.GetValue<double>()), $"{function} #{index}: {value:R}");
    }

    [Fact]
    public void Functions_EveryFunctionInTheFile_HasAnImplementationAndTestVectors()
    {
        var catalog = FunctionCatalog.Load(Repository.FunctionsJson);

        foreach (var (name, spec) in Root["functions"]!.AsObject())
        {
            spec!["test_vectors"]!.AsArray().Count.ShouldBeGreaterThan(0, name);
            JsonObject first = spec["test_vectors"]![0]!.AsObject();
            Should.NotThrow(() => catalog.Get(name).Evaluate(Values(first["x"]!.AsObject())));
        }
    }

    [Theory]
    [MemberData(nameof(CurveVectors))]
    public void PruningCurve_TestVector_MatchesTheFileBitForBit(int index)
    {
        JsonObject vector = Root["pruning_curve"]!["test_vectors"]![index]!.AsObject();
        var x = Values(vector["x"]!.AsObject());
        double lr = FunctionCatalog.Number(x, "lr");
        long layers = FunctionCatalog.Integer(x, "layers");
        double dropout = FunctionCatalog.Number(x, "dropout");
        double final = TestFunctions.HpoSurrogate(lr, layers, (string)x["activation"]!, dropout, FunctionCatalog.Integer(x, "batch_size"));

        var (c, tau) = TestFunctions.PruningCurveShape(lr, layers, dropout);

        Bits(c).ShouldBe(Bits(vector["c"]!.GetValue<double>()), "c");
        Bits(tau).ShouldBe(Bits(vector["tau"]!.GetValue<double>()), "tau");
        foreach (var (step, expected) in vector["v"]!.AsObject())
        {
            double v = TestFunctions.PruningCurve(final, c, tau, int.Parse(step, System.Globalization.CultureInfo.InvariantCulture));
            Bits(v).ShouldBe(Bits(expected!.GetValue<double>()), $"step {step}: {v:R}");
        }
    }

    [Fact]
    public void FStar_AtTheListedOptimum_IsWhatTheFileComputed()
    {
        var catalog = FunctionCatalog.Load(Repository.FunctionsJson);

        foreach (var (name, spec) in Root["functions"]!.AsObject())
        {
            BenchFunction function = catalog.Get(name);
            JsonArray computed = spec!["f_at_x_star_computed"]!.AsArray();
            JsonArray stars = spec["x_star"]!.AsArray();
            for (int i = 0; i < stars.Count; i++)
            {
                IReadOnlyDictionary<string, object?> x = stars[i] is JsonArray array
                    ? function.Parameters.Select((p, j) => (p.Name, Value: (object?)array[j]!.GetValue<double>())).ToDictionary(t => t.Name, t => t.Value)
                    : Values(stars[i]!.AsObject());
                Bits(function.Evaluate(x)).ShouldBe(Bits(computed[i]!.GetValue<double>()), $"{name} optimum {i}");
            }
        }
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    /// <summary>Test-vector values as the harness passes them: floats as double, integers as long, strings as string.</summary>
    private static Dictionary<string, object?> Values(JsonObject x) => x.ToDictionary(
        p => p.Key,
        p => p.Value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? (object?)p.Value.GetValue<string>()
            : p.Value.ToJsonString().Contains('.', StringComparison.Ordinal) || p.Value.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase)
                ? p.Value.GetValue<double>() : p.Value.GetValue<long>());
}
