using Microsoft.Playwright;

namespace Vernier.Plots.Browser.Tests.Support;

/// <summary>
/// One headless Chromium for the test class: Debian's browser from <c>VERNIER_TEST_CHROMIUM</c> (never a downloaded
/// one), a fresh profile, and every request that is not a local file refused, so a page that needs the network fails.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Variable = "VERNIER_TEST_CHROMIUM";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "vernier-chromium-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowserContext? _context;

    /// <summary>The browser context; every page opened in it has the network blocked.</summary>
    public IBrowserContext Context => _context ?? throw new InvalidOperationException("Chromium is not started.");

    public async Task InitializeAsync()
    {
        string executable = Environment.GetEnvironmentVariable(Variable) ?? "";
        if (executable.Length == 0)
        {
            throw new InvalidOperationException(
                $"{Variable} is not set: the browser tests need a Chromium. Run 'source scripts/browser.sh' (or scripts/test.sh, which does), " +
                $"or set {Variable}=/usr/bin/chromium after 'apt-get install -y chromium'.");
        }

        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{Variable}={executable}, but there is no such file.");
        }

        _playwright = await Playwright.CreateAsync();
        _context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Arguments,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Offline = true,
        });
        await _context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file://", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }

            await route.AbortAsync("internetdisconnected");
        });
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _playwright?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits; the folder is in /tmp.
        }
    }
}
