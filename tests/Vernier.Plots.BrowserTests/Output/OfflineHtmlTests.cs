using Microsoft.Playwright;
using Vernier.Plots.BrowserTests.Support;

namespace Vernier.Plots.BrowserTests.Output;

/// <summary>Every plot kind's HTML and the study report open from file:// with the network blocked, draw every chart, and log no error.</summary>
public sealed class OfflineHtmlTests(Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vernier-html-").FullName;

    public static TheoryData<string> PageNames => [.. Pages.Names];

    [Theory]
    [MemberData(nameof(PageNames))]
    public async Task Page_OpensOffline_DrawsEveryChart_WithoutErrors(string name)
    {
        string path = await Pages.WriteAsync(name, _folder);
        IPage page = await chromium.Context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                errors.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add("page error: " + error);

        try
        {
            await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            int charts = await page.Locator(".vernier-chart").CountAsync();
            int drawn = await page.EvaluateAsync<int>("""
                () => Array.from(document.querySelectorAll('.vernier-chart')).filter(el =>
                    window.echarts && echarts.getInstanceByDom(el) && el.querySelector('canvas, svg') &&
                    el.getBoundingClientRect().height > 0).length
                """);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder(), name + ".png"), FullPage = true });

            errors.ShouldBeEmpty();
            chromium.BlockedRequests.ShouldBeEmpty();
            drawn.ShouldBe(charts);
            if (name == "report-empty")
            {
                charts.ShouldBe(0);
                (await page.Locator("#vernier-empty-study").InnerTextAsync()).ShouldContain("has no trials yet");
            }
            else
            {
                charts.ShouldBeGreaterThan(0);
                if (name.StartsWith("report-", StringComparison.Ordinal))
                {
                    charts.ShouldBeGreaterThanOrEqualTo(6); // importance, history, parallel coordinates, slice, intermediate values, timeline
                    (await page.Locator("#vernier-importance tr").CountAsync()).ShouldBe(4); // a header and three parameters
                }
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
