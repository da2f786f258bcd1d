using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vernier.Server;
using Vernier.Storage.Sqlite;

namespace Vernier.Dashboard.Tests.Support;

/// <summary>The server on a real loopback port (Kestrel, port 0) over a SQLite file in a scratch folder, commands allowed.</summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, SqliteStorage storage, string folder, string address)
    {
        _app = app;
        Storage = storage;
        Folder = folder;
        Address = address;
    }

    public SqliteStorage Storage { get; }

    /// <summary>The scratch folder (the database, artifacts, scripts).</summary>
    public string Folder { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    public static async Task<DashboardServer> StartAsync(string urls = "http://127.0.0.1:0", string? token = null, Action<SqliteStorage>? seed = null)
    {
        string folder = Directory.CreateTempSubdirectory("vernier-dashboard-").FullName;
        SqliteStorage storage = SqliteStorage.Open(Path.Combine(folder, "studies.db"));
        var options = new VernierServerOptions
        {
            Storage = storage,
            Urls = urls,
            AccessToken = token,
            AllowCommands = true,
            ArtifactsRoot = Path.Combine(folder, "artifacts"),
            EventPollInterval = TimeSpan.FromMilliseconds(200),
        };
        WebApplication app = VernierServer.Build(options);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return new DashboardServer(app, storage, folder, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Storage.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a trial's process may still hold a file; the folder is under the temp folder
        }
    }
}
