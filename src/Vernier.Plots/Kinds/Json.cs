using System.Globalization;
using System.Text.Json.Nodes;

namespace Vernier.Plots.Kinds;

/// <summary>Small helpers for writing ECharts options as JSON nodes.</summary>
internal static class Json
{
    public static JsonObject Obj(params (string Key, JsonNode? Value)[] properties)
    {
        var o = new JsonObject();
        foreach (var (key, value) in properties)
        {
            o[key] = value;
        }

        return o;
    }

    public static JsonArray Arr(params JsonNode?[] items) => new(items);

    public static JsonArray Arr(IEnumerable<JsonNode?> items) => new([.. items]);

    /// <summary>A number, or null for NaN and infinities (JSON has neither).</summary>
    public static JsonNode? Num(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static JsonArray Point(double x, double y) => new(Num(x), Num(y));

    public static JsonArray Point(double x, double y, double z) => new(Num(x), Num(y), Num(z));

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The option skeleton every chart shares: no animation (SVG snapshots, big studies), a title, a white background.</summary>
    public static JsonObject Base(string title, string? subtitle)
    {
        var t = Obj(("text", title), ("left", "center"));
        if (!string.IsNullOrEmpty(subtitle))
        {
            t["subtext"] = subtitle;
        }

        return Obj(
            ("animation", false),
            ("backgroundColor", "#ffffff"),
            ("title", t),
            ("tooltip", Obj(("trigger", "item"))));
    }

    public static JsonObject Legend(params string[] names) =>
        Obj(("top", 50), ("data", Arr(names.Select(n => (JsonNode?)n)))); 
}
