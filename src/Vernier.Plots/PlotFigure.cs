using System.Text.Json.Nodes;

namespace Vernier.Plots;

/// <summary>
/// One chart: a title, an Apache ECharts option (the JSON passed to <c>chart.setOption</c>) and notes that say
/// what was left out or aggregated. Builders in <see cref="StudyPlots"/> make figures; <see cref="PlotHtml"/> and
/// <see cref="PlotSvg"/> write them.
/// </summary>
/// <remarks>
/// When there is nothing to draw (an empty study, no complete trial, a Pareto front asked of a single-objective
/// study, …) a builder does not throw: it returns a figure whose <see cref="Message"/> says why, and whose option
/// shows that message in place of a chart.
/// </remarks>
public sealed record PlotFigure
{
    /// <summary>The chart's title, also shown in the option.</summary>
    public required string Title { get; init; }

    /// <summary>The ECharts option; self-contained JSON (no JavaScript functions).</summary>
    public required JsonObject Option { get; init; }

    /// <summary>What a reader should know: counts of failed or pruned trials, sampling, choices the builder made.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Why there is nothing to draw; null when the figure has a chart.</summary>
    public string? Message { get; init; }

    /// <summary>The suggested width in pixels. The default value is 900.</summary>
    public int Width { get; init; } = 900;

    /// <summary>The suggested height in pixels (slice and Pareto matrices grow with their panels). The default value is 500.</summary>
    public int Height { get; init; } = 500;

    /// <summary>True when <see cref="Message"/> is set: the figure only says why nothing is drawn.</summary>
    public bool IsEmpty => Message is not null;
}
