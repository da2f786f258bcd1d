using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Vernier.Storage;

namespace Vernier.Server.Tests.Support;

/// <summary>The server hosted in-process on a test server (no socket), over an in-memory storage unless one is given.</summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, IStorage storage, HttpClient client)
    {
        _app = app;
        Storage = storage;
        Client = client;
    }

    public IStorage Storage { get; }

    public HttpClient Client { get; }

    /// <summary>The application, e.g. for <c>App.GetTestServer()</c> to send requests the HTTP client would normalise.</summary>
    public WebApplication App => _app;
    public IServiceProvider Services => _app.Services;

    /// <summary>A new client of the test server, for requests that need their own handler settings (cookies, redirects).</summary>
    public HttpClient CreateClient() => _app.GetTestClient();

    public static async Task<ServerHost> StartAsync(IStorage? storage = null, Func<VernierServerOptions, VernierServerOptions>? configure = null)
    {
        storage ??= new InMemoryStorage();
        var options = new VernierServerOptions { Storage = storage };
        if (configure is not null)
        {
            options = configure(options);
        }

        WebApplication app = VernierServer.Build(options, builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new ServerHost(app, storage, app.GetTestClient());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
