using System.Text.Json.Nodes;

namespace Vernier.Plots.Tests.Support;

internal static class OptionAssertions
{
    public static JsonArray Series(this PlotFigure figure) => figure.Option["series"]!.AsArray();

    public static JsonObject SeriesNamed(this PlotFigure figure, string prefix) =>
        figure.Series().Select(s => s!.AsObject()).Single(s => s["name"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal));

    public static List<JsonArray> Points(this JsonObject series) =>
        [.. series["data"]!.AsArray().Where(p => p is JsonArray).Select(p => p!.AsArray())];

    /// <summary>Every point of every series: what the browser has to draw.</summary>
    public static int PointCount(this PlotFigure figure) => figure.Series().Sum(s => s!["data"]!.AsArray().Count(p => p is not null));

    public static JsonArray AsArrayOf(this JsonNode? node) => node is JsonArray a ? a : new JsonArray(node?.DeepClone());
}
