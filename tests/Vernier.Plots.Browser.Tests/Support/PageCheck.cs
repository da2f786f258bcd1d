using Microsoft.Playwright;

namespace Vernier.Plots.Browser.Tests.Support;

/// <summary>What a page did when opened: its errors, its charts and how many were drawn, the network requests it tried.</summary>
/// <param name="Errors">Console errors and warnings, and uncaught page errors.</param>
/// <param name="Charts">The page's chart elements (<c>.vernier-chart</c>).</param>
/// <param name="Drawn">The chart elements with an ECharts instance, a canvas or svg, and a height.</param>
/// <param name="BlockedRequests">Requests to anything but a local file, which the browser refused.</param>
internal sealed record PageCheck(IReadOnlyList<string> Errors, int Charts, int Drawn, IReadOnlyList<string> BlockedRequests)
{
    /// <summary>Opens the file, waits for it to load, counts the charts drawn, and saves a full-page screenshot.</summary>
    public static async Task<PageCheck> OpenAsync(Chromium chromium, string path, string? screenshot, Func<IPage, Task>? inspect = null)
    {
        IPage page = await chromium.Context.NewPageAsync();
        var errors = new List<string>();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                errors.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.RequestFailed += (_, request) =>
        {
            if (!request.Url.StartsWith("file://", StringComparison.Ordinal))
            {
                blocked.Add(request.Url);
            }
        };

        try
        {
            await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            int charts = await page.Locator(".vernier-chart").CountAsync();
            int drawn = await page.EvaluateAsync<int>("""
                () => Array.from(document.querySelectorAll('.vernier-chart')).filter(el =>
                    window.echarts && echarts.getInstanceByDom(el) && el.querySelector('canvas, svg') &&
                    el.getBoundingClientRect().height > 0).length
                """);
            if (screenshot is not null)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), screenshot + ".png"), FullPage = true });
            }

            if (inspect is not null)
            {
                await inspect(page);
            }

            return new PageCheck(errors, charts, drawn, blocked);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>artifacts/test-results/screenshots under the repository's root.</summary>
    private static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vernier.slnx")))
        {
            dir = dir.Parent;
        }

        string folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "test-results", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
