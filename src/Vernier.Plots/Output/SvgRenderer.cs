using Jint;
using Jint.Runtime;

namespace Vernier.Plots.Output;

/// <summary>
/// ECharts' server-side SVG renderer (<c>echarts.init(null, null, {renderer: 'svg', ssr: true})</c>, then
/// <c>renderToSVGString()</c>) in one Jint engine, loaded once and used by one caller at a time.
/// </summary>
internal sealed class SvgRenderer
{
    private static readonly Lazy<SvgRenderer> Instance = new(() => new SvgRenderer());
    private readonly object _gate = new();
    private Engine? _engine;

    public static SvgRenderer Shared => Instance.Value;

    public string Render(string optionJson, int width, int height, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _engine ??= CreateEngine();
            try
            {
                _engine.SetValue("__vernierOption", optionJson);
                string script =
                    "(function () {" +
                    "  var chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: " + width + ", height: " + height + " });" +
                    "  try { chart.setOption(JSON.parse(__vernierOption)); return chart.renderToSVGString(); }" +
                    "  finally { chart.dispose(); }" +
                    "})()";
                return _engine.Evaluate(script).AsString();
            }
            catch (JavaScriptException e)
            {
                throw new InvalidOperationException($"ECharts could not render the chart as SVG: {e.Message}", e);
            }
            catch (Exception e) when (e is TimeoutException or StatementsCountOverflowException or MemoryLimitExceededException)
            {
                // A stopped engine may be left half-way: start afresh next time.
                _engine = null;
                throw new InvalidOperationException($"ECharts took too long to render the chart as SVG: {e.Message}", e);
            }
        }
    }

    private static Engine CreateEngine()
    {
        var engine = new Engine(options => options
            .LimitRecursion(4000)
            .TimeoutInterval(TimeSpan.FromMinutes(2)));

        // The SSR path needs no DOM; ECharts' scheduler only asks for timers, which never fire here (animation is off).
        engine.Execute(
            "var self = this;" +
            "function setTimeout() { return 0; } function clearTimeout() {}" +
            "function setInterval() { return 0; } function clearInterval() {}");
        engine.Execute(EChartsAsset.Script);
        return engine;
    }
}
