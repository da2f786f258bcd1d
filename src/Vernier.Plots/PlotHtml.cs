using System.Net;
using System.Text;
using System.Text.Json;
using Vernier.Plots.Output;

namespace Vernier.Plots;

/// <summary>
/// Writes figures as one self-contained HTML file: Apache ECharts (6.1.0, Apache-2.0) inlined, so the file opens
/// offline in any browser; each figure's notes listed under its chart.
/// </summary>
public static class PlotHtml
{
    /// <summary>The Apache ECharts version inlined (and run by <see cref="PlotSvg"/>).</summary>
    public const string EChartsVersion = EChartsAsset.Version;

    /// <summary>The ECharts bundle (<c>echarts.min.js</c>), for hosts that serve it to a browser themselves.</summary>
    public static string EChartsScript => EChartsAsset.Script;

    /// <summary>One figure as a complete HTML page.</summary>
    /// <param name="figure">The figure.</param>
    public static string Render(PlotFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return Render(figure.Title, [figure]);
    }

    /// <summary>Several figures, one under the other, as a complete HTML page (the library inlined once).</summary>
    /// <param name="title">The page's title.</param>
    /// <param name="figures">The figures, in order.</param>
    public static string Render(string title, IReadOnlyList<PlotFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(figures);
        StringBuilder html = BeginPage(title, null);
        for (int i = 0; i < figures.Count; i++)
        {
            AppendFigure(html, figures[i], i);
        }

        return EndPage(html, figures);
    }

    /// <summary>Starts a page: the head with the library inlined once, and the opening body tag.</summary>
    /// <param name="title">The page's title.</param>
    /// <param name="extraStyle">More CSS rules for the page (the report's tables); null for none.</param>
    internal static StringBuilder BeginPage(string title, string? extraStyle)
    {
        var html = new StringBuilder(EChartsAsset.Script.Length + 64_000);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"Vernier.Plots\">\n")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:16px;color:#222}")
            .Append(".vernier-figure{margin-bottom:32px}.vernier-chart{width:100%;max-width:1200px}")
            .Append(".vernier-notes{font-size:13px;color:#555;max-width:1200px}").Append(extraStyle).Append("</style>\n")
            .Append("<!-- Apache ECharts ").Append(EChartsAsset.Version).Append(", Apache License 2.0, https://echarts.apache.org -->\n")
            .Append("<script>").Append(EChartsAsset.Script).Append("</script>\n</head>\n<body>\n");
        return html;
    }

    /// <summary>One figure's chart element and notes; <paramref name="index"/> is its place in the list given to <see cref="EndPage"/>.</summary>
    internal static void AppendFigure(StringBuilder html, PlotFigure figure, int index)
    {
        html.Append("<section class=\"vernier-figure\">\n")
            .Append("<div class=\"vernier-chart\" id=\"vernier-chart-").Append(index).Append("\" style=\"height:").Append(figure.Height).Append("px\"></div>\n");
        if (figure.Notes.Count > 0)
        {
            html.Append("<ul class=\"vernier-notes\">\n");
            foreach (string note in figure.Notes)
            {
                html.Append("<li>").Append(WebUtility.HtmlEncode(note)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>Ends a page: the script that draws every figure appended (in order) and the closing tags.</summary>
    internal static string EndPage(StringBuilder html, IReadOnlyList<PlotFigure> figures)
    {
        html.Append("<script>\n(function () {\n  var options = [");
        for (int i = 0; i < figures.Count; i++)
        {
            // The default encoder escapes <, > and & as \u003C…, so no "</script>" can close the element early.
            html.Append(i == 0 ? "\n    " : ",\n    ").Append(figures[i].Option.ToJsonString(JsonOptions));
        }

        html.Append("\n  ];\n")
            .Append("  var charts = options.map(function (option, i) {\n")
            .Append("    var chart = echarts.init(document.getElementById('vernier-chart-' + i));\n")
            .Append("    chart.setOption(option);\n    return chart;\n  });\n")
            .Append("  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });\n")
            .Append("})();\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };
}
