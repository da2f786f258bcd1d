using Vernier.Plots.Output;

namespace Vernier.Plots;

/// <summary>
/// Writes figures as SVG without a browser or Node.js: ECharts' own server-side renderer runs in Jint, a JavaScript
/// interpreter for .NET.
/// </summary>
/// <remarks>
/// The first call loads ECharts into the interpreter (a few seconds); later calls reuse it and take well under a
/// second for a capped figure. Calls are serialized: the interpreter runs one chart at a time.
/// </remarks>
public static class PlotSvg
{
    /// <summary>The figure as an SVG document.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="width">The width in pixels; null for the figure's <see cref="PlotFigure.Width"/>.</param>
    /// <param name="height">The height in pixels; null for the figure's <see cref="PlotFigure.Height"/>.</param>
    /// <param name="cancellationToken">Checked before rendering starts (a render itself is bounded by a two-minute timeout).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not between 50 and 20,000 pixels.</exception>
    /// <exception cref="InvalidOperationException">ECharts failed to render the option.</exception>
    public static string Render(PlotFigure figure, int? width = null, int? height = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(figure);
        int w = width ?? figure.Width, h = height ?? figure.Height;
        ArgumentOutOfRangeException.ThrowIfLessThan(w, 50, nameof(width));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(w, 20_000, nameof(width));
        ArgumentOutOfRangeException.ThrowIfLessThan(h, 50, nameof(height));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(h, 20_000, nameof(height));
        return SvgRenderer.Shared.Render(figure.Option.ToJsonString(), w, h, cancellationToken);
    }
}
