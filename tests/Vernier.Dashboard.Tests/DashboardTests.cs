using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Vernier.Dashboard.Tests.Support;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit.Abstractions;

namespace Vernier.Dashboard.Tests;

/// <summary>The dashboard in headless Chromium against a server on a loopback port.</summary>
public sealed class DashboardTests(ITestOutputHelper output)
{
    private const string Script = """
        import sys
        args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
        x = float(args["x"])
        print("training with x=%s" % x, flush=True)
        for step in range(3):
            print(f"METRIC step={step} score={x * step / 3}", flush=True)
        print(f"METRIC score={-(x - 0.3) ** 2}", flush=True)
        """;

    [Fact]
    public async Task A_job_created_in_the_form_runs_its_trials_and_its_study_page_draws_the_charts()
    {
        await using DashboardServer server = await DashboardServer.StartAsync();
        string script = Path.Combine(server.Folder, "score.py");
        await File.WriteAllTextAsync(script, Script);
        await using Browser browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        IPage page = await browser.NewPageAsync(errors);

        await page.GotoAsync(server.Address + "/#/new");
        await page.GetByLabel("Job name", new() { Exact = true }).FillAsync("form-job");
        await page.GetByLabel("Metric name", new() { Exact = true }).FillAsync("score");
        await page.Locator("select[name=metric_mode]").SelectOptionAsync("max");
        await page.Locator("input[name=command]").FillAsync($"python3 {script}");
        await page.GetByLabel("Trials", new() { Exact = true }).FillAsync("4");
        await page.GetByLabel("Concurrency", new() { Exact = true }).FillAsync("2");
        await page.Locator("select[name=sampler]").SelectOptionAsync("random");
        await page.GetByLabel("Seed", new() { Exact = true }).FillAsync("3");
        await Browser.ScreenshotAsync(page, "new-job-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();

        await page.WaitForURLAsync("**/#/job/*");
        await page.Locator("#job-status", new() { HasText = "completed" }).WaitForAsync(new() { Timeout = 60_000 });
        (await page.Locator("#job-done").InnerTextAsync()).ShouldBe("4 / 4");
        (await page.Locator("#job-best-trial").InnerTextAsync()).ShouldContain("Best trial so far");
        await Browser.ScreenshotAsync(page, "job-progress");

        await page.Locator("#study-link").ClickAsync();
        await page.Locator("#chart-history[data-drawn=true] canvas").WaitForAsync();
        await page.Locator("#chart-parallel-coordinates[data-drawn=true] canvas").WaitForAsync();
        await page.Locator("#chart-slice[data-drawn=true] canvas").WaitForAsync();
        await page.Locator("#chart-intermediate-values[data-drawn=true] canvas").WaitForAsync();
        await page.Locator("#chart-importance[data-drawn=true] canvas").WaitForAsync();
        (await page.Locator("#trial-table tbody tr").CountAsync()).ShouldBe(4);
        (await page.Locator("#best-trial").InnerTextAsync()).ShouldContain("Best trial");
        await Browser.ScreenshotAsync(page, "job-study");

        await page.Locator("#trial-table tbody tr").First.Locator("a").ClickAsync();
        await page.Locator("#logs pre").First.WaitForAsync();
        (await page.Locator("#logs").InnerTextAsync()).ShouldContain("training with x=");
        await Browser.ScreenshotAsync(page, "trial-view");

        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_study_of_100000_trials_opens_with_its_history_and_first_table_page()
    {
        const int count = 100_000;
        await using DashboardServer server = await DashboardServer.StartAsync();
        var insert = Stopwatch.StartNew();
        await SeedAsync(server.Storage, "big", count);
        insert.Stop();
        output.WriteLine($"inserted {count} trials in {insert.Elapsed.TotalSeconds:0.0} s");

        await using Browser browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        IPage page = await browser.NewPageAsync(errors);
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(server.Address + "/#/study/big");
        await page.Locator("#chart-history[data-drawn=true] canvas").WaitForAsync(new() { Timeout = 120_000 });
        await page.WaitForFunctionAsync("document.body.dataset.usable === 'true'", null, new() { Timeout = 120_000 });
        TimeSpan usable = clock.Elapsed;
        string usableInPage = await page.EvaluateAsync<string>("document.body.dataset.usableAtMs");
        await page.Locator("#chart-importance[data-drawn=true] canvas").WaitForAsync(new() { Timeout = 120_000 });
        TimeSpan allCharts = clock.Elapsed;
        string timings = await page.EvaluateAsync<string>(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/api/') || e.name.includes('/dashboard/'))" +
            ".map(e => `${new URL(e.name).pathname}${new URL(e.name).search}: starts ${e.startTime.toFixed(0)} ms, takes ${e.duration.toFixed(0)} ms`).join('\\n')");
        (await page.Locator("#trial-table tbody tr").CountAsync()).ShouldBe(50);
        (await page.Locator("#page-info").InnerTextAsync()).ShouldContain($"{count} trials");
        await Browser.ScreenshotAsync(page, "study-100k");

        // Where the overview's time goes: the storage's full read, then the history chart (measured apart, after the page).
        StudyRecord big = (await server.Storage.FindStudyAsync("big"))!;
        var read = Stopwatch.StartNew();
        IReadOnlyList<FrozenTrial> all = await server.Storage.GetTrialsAsync(big.StudyId);
        read.Stop();
        var build = Stopwatch.StartNew();
        Plots.PlotFigure history = Plots.StudyPlots.History("big", big.Directions, all);
        string historyJson = history.Option.ToJsonString();
        build.Stop();

        string report = string.Create(CultureInfo.InvariantCulture,
            $"study of {count} trials (SQLite, two parameters): usable (history chart drawn, first table page shown) after {usable.TotalSeconds:0.00} s as the test sees it " +
            $"({usableInPage} ms after navigation start by the page's own clock); " +
            $"every chart including importance after {allCharts.TotalSeconds:0.00} s; seeding took {insert.Elapsed.TotalSeconds:0.0} s.\n" +
            $"apart: reading the {all.Count} trials from SQLite takes {read.Elapsed.TotalSeconds:0.00} s; building the history chart {build.Elapsed.TotalSeconds:0.00} s ({historyJson.Length / 1024} KiB of JSON).\n" +
            $"requests (browser resource timing, from navigation):\n{timings}\n");
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Browser.ResultsFolder, "dashboard-100k.txt"), report);
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_study_page_updates_live_when_trials_finish()
    {
        await using DashboardServer server = await DashboardServer.StartAsync();
        await SeedAsync(server.Storage, "live", 3);
        await using Browser browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        IPage page = await browser.NewPageAsync(errors);
        await page.GotoAsync(server.Address + "/#/study/live");
        await page.WaitForFunctionAsync("document.body.dataset.usable === 'true'");
        (await page.Locator("#page-info").InnerTextAsync()).ShouldContain("(3 trials)");

        // Another client tells a new, better trial through the ask/tell API: the page re-fetches without a reload.
        using var http = new HttpClient { BaseAddress = new Uri(server.Address) };
        HttpResponseMessage asked = await http.PostAsync("/api/studies/live/ask", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        asked.EnsureSuccessStatusCode();
        int number = System.Text.Json.JsonDocument.Parse(await asked.Content.ReadAsStringAsync()).RootElement.GetProperty("number").GetInt32();
        (await http.PostAsync($"/api/studies/live/trials/{number}/tell", new StringContent("{\"values\": [-100]}", System.Text.Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();

        await page.Locator("#page-info", new() { HasText = "(4 trials)" }).WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("#best-trial", new() { HasText = "-100" }).WaitForAsync(new() { Timeout = 30_000 });
        (await page.Locator("#live").InnerTextAsync()).ShouldContain("live");
        await Browser.ScreenshotAsync(page, "study-live");
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Bound_beyond_loopback_the_page_needs_the_token_and_the_token_link_logs_in()
    {
        await using DashboardServer server = await DashboardServer.StartAsync("http://0.0.0.0:0", token: "s3cret-token");
        await using Browser browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        IPage page = await browser.NewPageAsync(errors);

        IResponse? refused = await page.GotoAsync(server.Address + "/");
        refused!.Status.ShouldBe(401);

        IResponse? accepted = await page.GotoAsync(server.Address + "/?token=s3cret-token");
        accepted!.Status.ShouldBe(200);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Studies and tuning jobs" }).WaitForAsync();
        await page.Locator("text=No studies in this storage.").WaitForAsync();
        page.Url.ShouldNotContain("token");
    }

    private static async Task SeedAsync(IStorage storage, string name, int count)
    {
        StudyRecord study = await storage.CreateStudyAsync(name, [StudyDirection.Minimize], DateTimeOffset.UnixEpoch);
        var x = new FloatDistribution(-5, 5);
        var layers = new IntDistribution(1, 8);
        var rng = new Randomness.RandomStream(7);
        DateTimeOffset start = DateTimeOffset.UnixEpoch.AddHours(1);
        for (int i = 0; i < count; i++)
        {
            double xv = -5 + 10 * rng.NextDouble();
            long lv = 1 + (long)(rng.NextDouble() * 8) % 8;
            double value = xv * xv + lv + rng.NextDouble();
            bool failed = i % 50 == 7;
            await storage.CreateTrialAsync(study.StudyId, new NewTrial
            {
                State = failed ? TrialState.Failed : TrialState.Complete,
                Values = failed ? [] : [value],
                Parameters = ImmutableDictionary<string, TrialParameter>.Empty
                    .Add("x", new TrialParameter(x, xv))
                    .Add("layers", new TrialParameter(layers, lv)),
                StartedAt = start.AddSeconds(i),
                CompletedAt = start.AddSeconds(i + 0.5),
                FailReason = failed ? "diverged" : null,
            });
        }
    }
}
