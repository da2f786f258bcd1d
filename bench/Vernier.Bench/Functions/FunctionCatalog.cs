using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;

namespace Vernier.Bench.Functions;

/// <summary>One parameter's domain as the benchmark declares it (and as Optuna's distributions take it).</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Type"><c>float</c>, <c>int</c> or <c>categorical</c>.</param>
/// <param name="Low">The lower bound (numeric types).</param>
/// <param name="High">The upper bound (numeric types).</param>
/// <param name="Log">Whether the parameter is log-scaled.</param>
/// <param name="Choices">The choices (categorical): strings or integers.</param>
internal sealed record ParameterDomain(string Name, string Type, double Low, double High, bool Log, ImmutableArray<object> Choices)
{
    public bool IsNumeric => Type is "float" or "int";

    public ParameterDistribution ToDistribution() => Type switch
    {
        "float" => new FloatDistribution(Low, High, Log),
        "int" => new IntDistribution((long)Low, (long)High, Log),
        "categorical" => new CategoricalDistribution(Choices.Cast<object?>()),
        _ => throw new InvalidDataException($"parameter '{Name}': unknown type '{Type}'."),
    };

    /// <summary>The position of <paramref name="value"/> in the domain, 0 at the low bound and 1 at the high one (log-aware).</summary>
    public double UnitPosition(double value) => Log
        ? (Math.Log(value) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low))
        : (value - Low) / (High - Low);

    public bool Contains(double value) => value >= Low && value <= High;
}

/// <summary>A benchmark function: its domain, its optimum value and how to evaluate it.</summary>
/// <param name="Name">The benchmark's name, e.g. <c>ackley</c> or <c>ackley_shifted</c>.</param>
/// <param name="BaseName">The function it evaluates, e.g. <c>ackley</c>.</param>
/// <param name="Parameters">The domain, in suggest order.</param>
/// <param name="FStar">The minimum value on the domain.</param>
/// <param name="Shift">For a shifted variant, how far each numeric bound moved (in the parameter's scale: log10 for log parameters); empty otherwise.</param>
internal sealed record BenchFunction(string Name, string BaseName, ImmutableArray<ParameterDomain> Parameters, double FStar, ImmutableDictionary<string, double> Shift)
{
    private SearchSpace? _space;

    /// <summary>The declared search space, parameters in suggest order.</summary>
    public SearchSpace Space => _space ??= new SearchSpace(Parameters.Select(p => new ParameterSpec(p.Name, p.ToDistribution())));

    /// <summary>Evaluates the function on user-facing values (float: double, int: an integer, categorical: the choice).</summary>
    public double Evaluate(IReadOnlyDictionary<string, object?> values) => FunctionCatalog.Evaluate(BaseName, Parameters, values);
}

/// <summary>Reads <c>bench/functions.json</c> and builds the benchmark functions, including the shifted variants.</summary>
internal sealed class FunctionCatalog
{
    /// <summary>A numeric optimum coordinate within this distance of the domain's centre (in unit scale) counts as central.</summary>
    public const double CentralTolerance = 0.1;

    private FunctionCatalog(JsonObject root, ImmutableArray<BenchFunction> functions)
    {
        Root = root;
        Functions = functions;
    }

    /// <summary>The parsed file.</summary>
    public JsonObject Root { get; }

    /// <summary>Every benchmark function: the file's functions in file order, each followed by its shifted variant if it has one.</summary>
    public ImmutableArray<BenchFunction> Functions { get; }

    public static FunctionCatalog Load(string path)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object.");
        var functions = ImmutableArray.CreateBuilder<BenchFunction>();
        foreach (var (name, node) in root["functions"]!.AsObject())
        {
            JsonObject spec = node!.AsObject();
            ImmutableArray<ParameterDomain> parameters = [.. spec["space"]!.AsArray().Select(p => ParseDomain(p!.AsObject()))];
            var function = new BenchFunction(name, name, parameters, spec["f_star"]!.GetValue<double>(), ImmutableDictionary<string, double>.Empty);
            functions.Add(function);
            if (IsCentral(parameters, spec["x_star"]!.AsArray()))
            {
                functions.Add(Shifted(function, spec["x_star"]!.AsArray()));
            }
        }

        return new FunctionCatalog(root, functions.ToImmutable());
    }

    public BenchFunction Get(string name) =>
        Functions.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"unknown function '{name}'; the functions are {string.Join(", ", Functions.Select(f => f.Name))}.");

    /// <summary>
    /// Whether the optimum sits at or near the centre of the domain: every optimum listed has every numeric coordinate within
    /// <see cref="CentralTolerance"/> of the centre (log-aware). Such functions flatter samplers that favour the centre
    /// (a search distribution or prior centred on the domain, the first points of an unscrambled Sobol sequence).
    /// </summary>
    public static bool IsCentral(ImmutableArray<ParameterDomain> parameters, JsonArray xStars) =>
        xStars.All(x => parameters.Select((p, i) => (p, i)).Where(t => t.p.IsNumeric)
            .All(t => Math.Abs(t.p.UnitPosition(Coordinate(x!, t.p.Name, t.i)) - 0.5) <= CentralTolerance + 1e-12));

    /// <summary>
    /// The shifted variant: the same function on a domain whose numeric bounds both move by one offset per parameter,
    /// 10–20 % of the width (log10 width for log parameters; a whole number, at least 1, for integers) drawn from a
    /// fixed seed, in the direction that moves the optimum away from the centre (either way, by the seed, when it is at
    /// the centre); the optimum stays inside.
    /// </summary>
    public static BenchFunction Shifted(BenchFunction function, JsonArray xStars)
    {
        var random = new RandomStream(RandomStream.StableHash("vernier-bench-shift:" + function.Name));
        var shift = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        var parameters = ImmutableArray.CreateBuilder<ParameterDomain>();
        JsonNode firstOptimum = xStars[0]!;
        for (int i = 0; i < function.Parameters.Length; i++)
        {
            ParameterDomain p = function.Parameters[i];
            double coin = random.NextDouble();
            double fraction = 0.1 + 0.1 * random.NextDouble();
            if (!p.IsNumeric)
            {
                parameters.Add(p);
                continue;
            }

            // Move the bounds so that the optimum moves away from the centre; at the centre, either way.
            double position = p.UnitPosition(Coordinate(firstOptimum, p.Name, i));
            double sign = Math.Abs(position - 0.5) < 1e-9 ? (coin < 0.5 ? -1.0 : 1.0) : position < 0.5 ? 1.0 : -1.0;

            if (p.Log)
            {
                double offset = sign * fraction * (Math.Log10(p.High) - Math.Log10(p.Low));
                shift[p.Name] = offset;
                parameters.Add(p with { Low = Math.Pow(10.0, Math.Log10(p.Low) + offset), High = Math.Pow(10.0, Math.Log10(p.High) + offset) });
            }
            else
            {
                double offset = sign * fraction * (p.High - p.Low);
                if (p.Type == "int")
                {
                    offset = sign * Math.Max(1.0, Math.Round(Math.Abs(offset)));
                }

                shift[p.Name] = offset;
                parameters.Add(p with { Low = p.Low + offset, High = p.High + offset });
            }
        }

        ImmutableArray<ParameterDomain> shifted = parameters.ToImmutable();
        foreach (JsonNode? x in xStars)
        {
            for (int i = 0; i < shifted.Length; i++)
            {
                if (shifted[i].IsNumeric && !shifted[i].Contains(Coordinate(x!, shifted[i].Name, i)))
                {
                    throw new InvalidDataException($"{function.Name}: the shifted domain of '{shifted[i].Name}' excludes the optimum.");
                }
            }
        }

        return new BenchFunction(function.Name + "_shifted", function.BaseName, shifted, function.FStar, shift.ToImmutable());
    }

    /// <summary>Evaluates the function <paramref name="baseName"/> exactly as the file's <c>code</c> lines say.</summary>
    public static double Evaluate(string baseName, ImmutableArray<ParameterDomain> parameters, IReadOnlyDictionary<string, object?> values)
    {
        switch (baseName)
        {
            case "branin":
                return TestFunctions.Branin(Number(values, "x0"), Number(values, "x1"));
            case "hpo_surrogate":
                return TestFunctions.HpoSurrogate(
                    Number(values, "lr"), Integer(values, "layers"), (string)values["activation"]!, Number(values, "dropout"), Integer(values, "batch_size"));
            default:
                Span<double> x = stackalloc double[parameters.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = Number(values, "x" + i.ToString(CultureInfo.InvariantCulture));
                }

                return baseName switch
                {
                    "hartmann6" => TestFunctions.Hartmann6(x),
                    "rosenbrock" => TestFunctions.Rosenbrock(x),
                    "ackley" => TestFunctions.Ackley(x),
                    "styblinski_tang" => TestFunctions.StyblinskiTang(x),
                    _ => throw new ArgumentException($"no implementation of function '{baseName}'."),
                };
        }
    }

    /// <summary>A value from a dictionary of user-facing values or of JSON test-vector values.</summary>
    public static double Number(IReadOnlyDictionary<string, object?> values, string name) => values[name] switch
    {
        double d => d,
        long l => l,
        int i => i,
        JsonElement e => e.GetDouble(),
        JsonNode n => n.GetValue<double>(),
        var other => throw new ArgumentException($"'{name}' is not a number: {other}."),
    };

    public static long Integer(IReadOnlyDictionary<string, object?> values, string name) => values[name] switch
    {
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) => (long)d,
        JsonNode n => n.GetValue<long>(),
        var other => throw new ArgumentException($"'{name}' is not an integer: {other}."),
    };

    private static ParameterDomain ParseDomain(JsonObject p)
    {
        string type = p["type"]!.GetValue<string>();
        ImmutableArray<object> choices = type == "categorical"
            ? [.. p["choices"]!.AsArray().Select(c => c!.GetValueKind() == JsonValueKind.String ? (object)c.GetValue<string>() : c.GetValue<long>())]
            : [];
        return new ParameterDomain(
            p["name"]!.GetValue<string>(),
            type,
            p["low"]?.GetValue<double>() ?? 0.0,
            p["high"]?.GetValue<double>() ?? 0.0,
            p["log"]?.GetValue<bool>() ?? false,
            choices);
    }

    private static double Coordinate(JsonNode x, string name, int index) =>
        x is JsonArray array ? array[index]!.GetValue<double>() : x[name]!.GetValue<double>();
}
