using Vernier.Plots.Browser.Tests.Support;

namespace Vernier.Plots.Browser.Tests.Output;

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
        int importanceRows = 0;
        string emptyMessage = "";

        PageCheck check = await PageCheck.OpenAsync(chromium, path, name, async page =>
        {
            importanceRows = await page.Locator("#vernier-importance tr").CountAsync();
            emptyMessage = await page.Locator("#vernier-empty-study").CountAsync() == 1 ? await page.Locator("#vernier-empty-study").InnerTextAsync() : "";
        });

        check.Errors.ShouldBeEmpty();
        check.BlockedRequests.ShouldBeEmpty();
        check.Drawn.ShouldBe(check.Charts);
        if (name == "report-empty")
        {
            check.Charts.ShouldBe(0);
            emptyMessage.ShouldContain("has no trials yet");
        }
        else
        {
            check.Charts.ShouldBeGreaterThan(0);
            if (name.StartsWith("report-", StringComparison.Ordinal))
            {
                check.Charts.ShouldBeGreaterThanOrEqualTo(6); // importance, history, parallel coordinates, slice, intermediate values, timeline
                importanceRows.ShouldBe(4); // a header and three parameters
            }
        }
    }

    [Fact]
    public async Task Check_SeesScriptErrorsNetworkRequestsAndUndrawnCharts()
    {
        string path = Path.Combine(_folder, "broken.html");
        await File.WriteAllTextAsync(path, """
            <!DOCTYPE html><html><head><meta charset="utf-8"><script src="https://cdn.example.com/echarts.min.js"></script></head>
            <body><div class="vernier-chart" style="height:200px"></div><script>console.error("bad"); echarts.init(document.body);</script></body></html>
            """);

        PageCheck check = await PageCheck.OpenAsync(chromium, path, screenshot: null);

        check.Errors.ShouldContain(e => e.Contains("bad"));
        check.Errors.ShouldContain(e => e.Contains("echarts is not defined"));
        check.BlockedRequests.ShouldContain("https://cdn.example.com/echarts.min.js");
        check.Charts.ShouldBe(1);
        check.Drawn.ShouldBe(0);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
