using Microsoft.Playwright;

namespace Vernier.Dashboard.Tests.Support;

/// <summary>Debian's headless Chromium driven by Playwright (never a downloaded browser), with a fresh profile per use.</summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <summary>Where test output goes: <c>artifacts/test-results</c> under the repository.</summary>
    public static string ResultsFolder
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Vernier.slnx")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            string folder = Path.Combine(dir ?? Directory.GetCurrentDirectory(), "artifacts", "test-results");
            Directory.CreateDirectory(Path.Combine(folder, "screenshots"));
            return folder;
        }
    }

    public static async Task<Browser> LaunchAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("VERNIER_TEST_CHROMIUM") is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException(
                "VERNIER_TEST_CHROMIUM is not set: the browser tests drive Debian's Chromium. Run scripts/test.sh (it sources scripts/browser.sh), " +
                "or 'apt-get install -y chromium' and export VERNIER_TEST_CHROMIUM=/usr/bin/chromium.");
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"VERNIER_TEST_CHROMIUM={chromium} does not exist.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        IPlaywright playwright = await Playwright.CreateAsync();
        string profile = Directory.CreateTempSubdirectory("vernier-chromium-").FullName;
        IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        return new Browser(playwright, context, profile);
    }

    /// <summary>A page that records console errors and uncaught exceptions into <paramref name="errors"/>.</summary>
    public async Task<IPage> NewPageAsync(List<string> errors)
    {
        IPage page = await Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (errors)
                {
                    errors.Add($"{response.Status} {response.Url}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ResultsFolder, "screenshots", name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
