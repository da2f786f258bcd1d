using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Plots.Kinds;

/// <summary>
/// How one parameter is drawn on an axis: a value axis, a log axis for log-scaled distributions, or a category
/// axis with one entry per choice (the choices of the latest distribution first, then any other value seen).
/// </summary>
internal sealed class ParameterAxis
{
    private readonly Dictionary<string, int> _categoryIndex = new(StringComparer.Ordinal);
    private readonly List<string> _categories = [];

    private ParameterAxis(string name, ParameterDistribution distribution)
    {
        Name = name;
        Distribution = distribution;
        if (distribution is CategoricalDistribution c)
        {
            foreach (var choice in c.Choices)
            {
                CategoryOf(Label(choice));
            }
        }
    }

    public string Name { get; }

    public ParameterDistribution Distribution { get; }

    public bool IsCategorical => Distribution is CategoricalDistribution;

    public bool IsLog => Distribution switch
    {
        FloatDistribution f => f.Log,
        IntDistribution i => i.Log,
        NormalDistribution n => n.Log,
        _ => false,
    };

    /// <summary>The ECharts axis type: <c>category</c>, <c>log</c> or <c>value</c>.</summary>
    public string AxisType => IsCategorical ? "category" : IsLog ? "log" : "value";

    public IReadOnlyList<string> Categories => _categories;

    /// <summary>The distribution's bounds (float and int); null for categorical and normal parameters.</summary>
    public (double Low, double High)? Bounds => Distribution switch
    {
        FloatDistribution f => (f.Low, f.High),
        IntDistribution i => (i.Low, i.High),
        _ => null,
    };

    /// <summary>The trial's value on this axis (the category index for categoricals); null when the trial lacks the parameter.</summary>
    public double? ValueOf(FrozenTrial trial)
    {
        if (!trial.Parameters.TryGetValue(Name, out var p))
        {
            return null;
        }

        if (IsCategorical)
        {
            return p.Distribution is CategoricalDistribution c && p.InternalValue >= 0 && p.InternalValue < c.Choices.Count
                ? CategoryOf(Label(c.Choices[(int)p.InternalValue]))
                : CategoryOf(Label(p.Value));
        }

        return p.Distribution is CategoricalDistribution ? null : p.InternalValue;
    }

    /// <summary>The value as ECharts wants it: a number, or the choice label on a category axis.</summary>
    public JsonNode? Node(double value) => IsCategorical ? JsonValue.Create(_categories[(int)value]) : Json.Num(value);

    /// <summary>A fresh ECharts axis object for this parameter (name, type, categories, bounds).</summary>
    public JsonObject Axis(bool bounded = false)
    {
        var axis = Json.Obj(("type", AxisType), ("name", Name), ("nameLocation", "middle"), ("nameGap", 28), ("scale", true));
        if (IsCategorical)
        {
            axis["data"] = Json.Arr(_categories.Select(c => (JsonNode?)c));
            axis.Remove("scale");
        }
        else if (bounded && Bounds is { } b && b.High > b.Low)
        {
            axis["min"] = b.Low;
            axis["max"] = b.High;
        }

        return axis;
    }

    private int CategoryOf(string label)
    {
        if (!_categoryIndex.TryGetValue(label, out int index))
        {
            index = _categories.Count;
            _categories.Add(label);
            _categoryIndex[label] = index;
        }

        return index;
    }

    private static string Label(object? choice) => choice switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => choice.ToString() ?? "",
    };

    /// <summary>
    /// The axes of the named parameters (or of every parameter any trial has, sorted by name), each with the
    /// distribution of the latest trial that has it. Categories are collected from every trial so indices are stable.
    /// </summary>
    /// <exception cref="ArgumentException">A requested parameter is in no trial.</exception>
    public static List<ParameterAxis> For(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<string>? names)
    {
        var latest = new Dictionary<string, (int Number, ParameterDistribution Distribution)>(StringComparer.Ordinal);
        foreach (var t in trials)
        {
            foreach (var (name, p) in t.Parameters)
            {
                if (!latest.TryGetValue(name, out var seen) || t.Number >= seen.Number)
                {
                    latest[name] = (t.Number, p.Distribution);
                }
            }
        }

        List<string> chosen;
        if (names is null)
        {
            chosen = [.. latest.Keys.Order(StringComparer.Ordinal)];
        }
        else
        {
            chosen = [.. names.Distinct(StringComparer.Ordinal)];
            var unknown = chosen.Where(n => !latest.ContainsKey(n)).ToList();
            if (unknown.Count > 0)
            {
                string known = latest.Count == 0 ? "the trials have no parameters" : "known: " + string.Join(", ", latest.Keys.Order(StringComparer.Ordinal));
                throw new ArgumentException($"no trial has the parameter(s) {string.Join(", ", unknown)}; {known}.", nameof(PlotOptions.Parameters));
            }
        }

        var axes = chosen.Select(n => new ParameterAxis(n, latest[n].Distribution)).ToList();
        foreach (var t in trials)
        {
            foreach (var axis in axes)
            {
                if (axis.IsCategorical)
                {
                    axis.ValueOf(t);
                }
            }
        }

        return axes;
    }
}
