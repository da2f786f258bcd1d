using System.Text;
using System.Text.Json;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public class ParameterValuesTests
{
    [Theory]
    [InlineData(0.01, "0.01")]
    [InlineData(3.0, "3.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void FormatDouble_IsInvariantShortestAndKeepsFloatness(double value, string expected)
    {
        ParameterValues.FormatDouble(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData("adam", "adam")]
    [InlineData("resnet-50", "resnet-50")]
    [InlineData("data/train.v2", "data/train.v2")]
    [InlineData("4", "'4'")]
    [InlineData("1e-3", "'1e-3'")]
    [InlineData("True", "'True'")]
    [InlineData("null", "'null'")]
    [InlineData("nan", "'nan'")]
    [InlineData("inf", "'inf'")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("a,b", "'a,b'")]
    [InlineData("[1,2]", "'[1,2]'")]
    [InlineData("{a: 1}", "'{a: 1}'")]
    [InlineData("x=y", "'x=y'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("it's \"quoted\"", "'it\\'s \"quoted\"'")]
    [InlineData("C:\\dir\\", "'C:\\dir\\\\'")]
    [InlineData("${oc.env:HOME}", "'\\${oc.env:HOME}'")]
    [InlineData("naïve", "'naïve'")]
    public void FormatHydra_String_IsBareOnlyWhenHydraReadsItBackAsThatString(string value, string expected)
    {
        ParameterValues.FormatHydra(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0.01, "0.01")]
    [InlineData(3.0, "3.0")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void FormatHydra_Double_UsesHydraFloatSyntax(double value, string expected)
    {
        ParameterValues.FormatHydra(value).ShouldBe(expected);
    }

    [Fact]
    public void FormatHydra_OtherValues_AreBare()
    {
        ParameterValues.FormatHydra(true).ShouldBe("true");
        ParameterValues.FormatHydra(-3L).ShouldBe("-3");
        ParameterValues.FormatHydra(null).ShouldBe("null");
    }

    [Fact]
    public void FormatDouble_RoundTripsThroughParse()
    {
        var rng = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(rng.NextInt64());
            if (double.IsFinite(value))
            {
                double.Parse(ParameterValues.FormatDouble(value), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(value);
            }
        }
    }

    [Fact]
    public void Format_UsesLowerCaseBooleansAndNull()
    {
        ParameterValues.Format(true).ShouldBe("true");
        ParameterValues.Format(false).ShouldBe("false");
        ParameterValues.Format(null).ShouldBe("null");
        ParameterValues.Format(-42L).ShouldBe("-42");
        ParameterValues.Format("a b").ShouldBe("a b");
    }

    [Fact]
    public void Normalise_WidensNumbers()
    {
        ParameterValues.Normalise("x", 3).ShouldBe(3L);
        ParameterValues.Normalise("x", (byte)3).ShouldBe(3L);
        ParameterValues.Normalise("x", 0.1f).ShouldBe(0.1);
        ParameterValues.Normalise("x", 2.5m).ShouldBe(2.5);
    }

    [Fact]
    public void Normalise_UnsupportedType_NamesParameter()
    {
        Should.Throw<ArgumentException>(() => ParameterValues.Normalise("when", new DateTime(2020, 1, 1)))
            .Message.ShouldContain("parameter 'when'");
    }

    [Fact]
    public void ToJson_KeepsOrderTypesAndUnicode()
    {
        byte[] json = ParameterValues.ToJson(
        [
            new("lr", 0.001), new("layers", 3L), new("width", 2.0), new("optimizer", "adamw"), new("use_bn", true),
            new("depth", null), new("note", "é \"q\""), new("bad", double.NaN),
        ]);

        string text = Encoding.UTF8.GetString(json);
        text.ShouldContain("\"width\": 2.0");
        text.ShouldContain("é");
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["lr", "layers", "width", "optimizer", "use_bn", "depth", "note", "bad"]);
        root.GetProperty("lr").GetDouble().ShouldBe(0.001);
        root.GetProperty("layers").GetInt64().ShouldBe(3);
        root.GetProperty("optimizer").GetString().ShouldBe("adamw");
        root.GetProperty("use_bn").GetBoolean().ShouldBeTrue();
        root.GetProperty("depth").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("note").GetString().ShouldBe("é \"q\"");
        root.GetProperty("bad").GetString().ShouldBe("NaN");
    }

    [Fact]
    public async Task WriteAtomically_ReplacesFileAndLeavesNoTemporary()
    {
        using var temp = new Support.TempDirectory();
        string path = temp.Combine("params.json");
        await File.WriteAllTextAsync(path, "old");

        await ParameterValues.WriteAtomicallyAsync(path, Encoding.UTF8.GetBytes("new"), CancellationToken.None);

        (await File.ReadAllTextAsync(path)).ShouldBe("new");
        Directory.GetFiles(temp.Path).ShouldBe([path]);
    }
}
