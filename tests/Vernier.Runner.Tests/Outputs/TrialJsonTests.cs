using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Outputs;

public sealed class TrialJsonTests
{
    private static readonly CategoricalDistribution Mixed = new([1L, 2.5, "adam", true, null]);

    public static TheoryData<TrialState> States() => [TrialState.Waiting, TrialState.Running, TrialState.Complete, TrialState.Pruned, TrialState.Failed];

    [Theory]
    [MemberData(nameof(States))]
    public void FromJson_OfToJsonText_RoundTripsEveryField(TrialState state)
    {
        FrozenTrial trial = Rich(state);

        FrozenTrial back = RoundTrip(trial);

        back.ShouldEqualTrial(trial);
        back.TrialId.ShouldBe(0); // the storage assigns ids; the record does not carry one
    }

    [Fact]
    public void FromJson_OfToJsonObject_RoundTripsWithoutGoingThroughText()
    {
        FrozenTrial trial = Rich(TrialState.Complete);

        TrialJson.FromJson(TrialJson.ToJson(trial)).ShouldEqualTrial(trial);
    }

    [Fact]
    public void ToJson_WritesTheDocumentedShape()
    {
        FrozenTrial trial = TrialFactory.Complete(
            3, 0.5,
            TrialFactory.P("x", new FloatDistribution(0, 1), 0.25),
            TrialFactory.P("n", new IntDistribution(1, 4), 2L),
            TrialFactory.P("c", new CategoricalDistribution(["a", "b"]), "b")) with
        {
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(0, 1.0).Add(1, double.NaN),
            UserAttributes = TrialFactory.Attributes("""{"k": 1}"""),
        };

        // Split into lines for reading; the real text is one line. The default encoder escapes "+" as \u002B.
        TrialJson.ToJson(trial).ToJsonString().ShouldBe("""
            {"number":3,"state":"complete","values":[0.5],"params":{"c":"b","n":2,"x":0.25},
            "distributions":{"c":{"type":"categorical","choices":["a","b"]},"n":{"type":"int","low":1,"high":4,"log":false,"step":1},"x":{"type":"float","low":0,"high":1,"log":false,"step":null}},
            "intermediate_values":{"0":1,"1":"NaN"},"user_attrs":{"k":1},"system_attrs":{},
            "started_at":"2026-03-01T12:03:00.0000000\u002B00:00","completed_at":"2026-03-01T12:03:01.5000000\u002B00:00","duration_s":1.5,"fail_reason":null}
            """.ReplaceLineEndings(""));
    }

    [Fact]
    public void ToJson_NonFiniteNumbers_AreWrittenAsNamedStrings()
    {
        FrozenTrial trial = TrialFactory.Trial(0, TrialState.Running) with
        {
            Values = [double.PositiveInfinity],
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(1, double.NaN).Add(2, double.PositiveInfinity).Add(3, double.NegativeInfinity),
        };

        JsonObject json = TrialJson.ToJson(trial);

        json["values"]!.ToJsonString().ShouldBe("""["Infinity"]""");
        json["intermediate_values"]!.ToJsonString().ShouldBe("""{"1":"NaN","2":"Infinity","3":"-Infinity"}""");
    }

    [Fact]
    public void FromJson_MixedCategoricalChoices_KeepTheirTypesAndIntegersStayLong()
    {
        FrozenTrial trial = TrialFactory.Trial(
            0, TrialState.Complete,
            TrialFactory.P("int", Mixed, 1L),
            TrialFactory.P("float", Mixed, 2.5),
            TrialFactory.P("string", Mixed, "adam"),
            TrialFactory.P("bool", Mixed, true),
            TrialFactory.P("null", Mixed, null));

        FrozenTrial back = RoundTrip(trial);

        back.Params["int"].ShouldBeOfType<long>().ShouldBe(1L);
        back.Params["float"].ShouldBeOfType<double>().ShouldBe(2.5);
        back.Params["string"].ShouldBe("adam");
        back.Params["bool"].ShouldBe(true);
        back.Params["null"].ShouldBeNull();
        var choices = ((CategoricalDistribution)back.Distributions["int"]).Choices;
        choices.Select(c => c?.GetType()).ShouldBe([typeof(long), typeof(double), typeof(string), typeof(bool), null]);
        back.Parameters.Values.Select(p => p.InternalValue).Order().ShouldBe([0.0, 1, 2, 3, 4]);
    }

    [Fact]
    public void FromJson_WholeFloatParameter_StaysDouble()
    {
        // JSON writes 3.0 as 3; the float distribution must still give back a double.
        FrozenTrial trial = TrialFactory.Trial(0, TrialState.Complete, TrialFactory.P("w", new FloatDistribution(0, 10), 3.0));

        RoundTrip(trial).Params["w"].ShouldBeOfType<double>().ShouldBe(3.0);
    }

    [Fact]
    public void FromJson_AnyValuesAndIntermediateValues_RoundTripBitForBit()
    {
        Prop.ForAll<double[], double[]>((values, steps) =>
        {
            FrozenTrial trial = TrialFactory.Trial(1, TrialState.Complete) with
            {
                Values = [.. values ?? []],
                IntermediateValues = (steps ?? []).Select((v, i) => KeyValuePair.Create((long)i * 7, v)).ToImmutableSortedDictionary(),
            };

            FrozenTrial back = RoundTrip(trial);

            return TrialFactory.Bits(back.Values).SequenceEqual(TrialFactory.Bits(trial.Values))
                && back.IntermediateValues.Keys.SequenceEqual(trial.IntermediateValues.Keys)
                && TrialFactory.Bits(back.IntermediateValues.Values).SequenceEqual(TrialFactory.Bits(trial.IntermediateValues.Values));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FromJson_AnyFloatParameterInAnyRange_RoundTripsExactly()
    {
        Prop.ForAll<NormalFloat, NormalFloat, NormalFloat>((a, b, u) =>
        {
            double low = Math.Min(a.Get, b.Get), high = Math.Max(a.Get, b.Get);
            double value = Math.Clamp(low + (Math.Abs(u.Get) % 1.0) * (high - low), low, high);
            var distribution = new FloatDistribution(low, high);
            FrozenTrial trial = TrialFactory.Trial(0, TrialState.Complete, TrialFactory.P("x", distribution, value));

            FrozenTrial back = RoundTrip(trial);

            return back.Distributions["x"].Equals(distribution)
                && BitConverter.DoubleToInt64Bits((double)back.Params["x"]!) == BitConverter.DoubleToInt64Bits(value);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FromJson_AnyIntParameter_RoundTripsAsLong()
    {
        Prop.ForAll<long, PositiveInt, PositiveInt>((low, width, offset) =>
        {
            low = Math.Clamp(low, long.MinValue / 4, long.MaxValue / 4);
            var distribution = new IntDistribution(low, low + width.Get);
            long value = low + offset.Get % (width.Get + 1);
            FrozenTrial back = RoundTrip(TrialFactory.Trial(0, TrialState.Complete, TrialFactory.P("n", distribution, value)));

            return back.Distributions["n"].Equals(distribution) && back.Params["n"] is long l && l == value;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("""{"state":"complete"}""", "invalid trial record: missing \"number\".")]
    [InlineData("""{"number":"3","state":"complete"}""", "invalid trial record: \"number\" must be an integer, got \"3\".")]
    [InlineData("""{"number":1}""", "invalid trial record: missing \"state\".")]
    [InlineData("""{"number":1,"state":"done"}""", "invalid trial record: unknown trial state 'done'; expected waiting, running, complete, pruned or failed.")]
    [InlineData("""{"number":1,"state":"complete","params":{"x":0.5}}""", "invalid trial record: parameter 'x' has no distribution.")]
    [InlineData(
        """{"number":1,"state":"complete","params":{"x":5},"distributions":{"x":{"type":"float","low":0,"high":1}}}""",
        "invalid trial record: 5 is outside float[0, 1].")]
    [InlineData(
        """{"number":1,"state":"complete","params":{"x":5},"distributions":{"x":{"type":"beta"}}}""",
        "invalid trial record: unknown distribution type 'beta'.")]
    [InlineData("""{"number":1,"state":"complete","intermediate_values":{"first":1}}""", "invalid trial record: intermediate step 'first' is not an integer.")]
    [InlineData("""{"number":1,"state":"complete","values":["lots"]}""", "invalid trial record: 'lots' is not a number.")]
    [InlineData("""{"number":1,"state":"complete","values":[true]}""", "invalid trial record: expected a number, got true.")]
    [InlineData("""{"number":1,"state":"complete","started_at":"yesterday"}""", "invalid trial record: \"started_at\" is not a time: 'yesterday'.")]
    [InlineData("""{"number":1,"state":"failed","fail_reason":42}""", "invalid trial record: \"fail_reason\" must be a string, got 42.")]
    public void FromJson_MalformedRecord_ThrowsFormatExceptionSayingWhatIsWrong(string json, string message) =>
        Should.Throw<FormatException>(() => TrialJson.FromJson(JsonNode.Parse(json)!.AsObject())).Message.ShouldBe(message);

    private static FrozenTrial RoundTrip(FrozenTrial trial) =>
        TrialJson.FromJson(JsonNode.Parse(TrialJson.ToJson(trial).ToJsonString())!.AsObject());

    private static FrozenTrial Rich(TrialState state)
    {
        var started = new DateTimeOffset(2026, 3, 1, 14, 5, 6, 789, TimeSpan.FromHours(2)).AddTicks(1234);
        bool finished = state.IsFinished();
        return TrialFactory.Trial(
            7, state,
            TrialFactory.P("lr", new FloatDistribution(1e-5, 0.1, log: true), 0.0031622776601683794),
            TrialFactory.P("dropout", new FloatDistribution(0, 0.5, step: 0.1), 0.30000000000000004),
            TrialFactory.P("width", new FloatDistribution(-1, 1), -0.25),
            TrialFactory.P("layers", new IntDistribution(1, 8), 4L),
            TrialFactory.P("units", new IntDistribution(16, 1024, log: true), 256L),
            TrialFactory.P("batch", new IntDistribution(16, 128, step: 16), 64L),
            TrialFactory.P("c_int", Mixed, 1L),
            TrialFactory.P("c_float", Mixed, 2.5),
            TrialFactory.P("c_string", Mixed, "adam"),
            TrialFactory.P("c_bool", Mixed, true),
            TrialFactory.P("c_null", Mixed, null)) with
        {
            TrialId = 42,
            Values = state == TrialState.Complete ? [0.125, -3e10] : [],
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty
                .Add(0, 1.5).Add(1, double.NaN).Add(2, double.PositiveInfinity).Add(5, double.NegativeInfinity)
                .Add(9, 5e-324).Add(10, double.MaxValue).Add(long.MaxValue, -0.0),
            UserAttributes = TrialFactory.Attributes("""
                {"metrics": {"acc": 0.9, "loss": 0.1}, "note": "h\u00e9llo, \"world\",\nbye", "tags": ["a", 1, null, 2.5e-8],
                 "big": 18446744073709551615, "nothing": null, "flag": false, "nested": {"a": {"b": []}}}
                """),
            SystemAttributes = TrialFactory.Attributes("""
                {"interrupted": true, "worker": {"Host": "box", "ProcessId": 12, "ProcessStartedAt": "2026-03-01T11:00:00+00:00"}, "grid_id": 3}
                """),
            StartedAt = state == TrialState.Waiting ? null : started,
            CompletedAt = finished ? started.AddSeconds(90.5) : null,
            FailReason = state == TrialState.Failed ? "exited with code 1; last lines of stderr:\n  oops, \"bad\"" : null,
        };
    }
}
