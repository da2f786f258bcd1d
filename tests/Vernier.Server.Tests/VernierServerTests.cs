using System.Net;
using System.Text.Json;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests;

public sealed class VernierServerTests
{
    [Fact]
    public async Task Health_AnsweredWithOk()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        HttpResponseMessage response = await host.Client.GetAsync("/api/health");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task UnknownApiPath_IsNotFound()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        (await host.Client.GetAsync("/api/no-such-thing")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Build_NonPositiveBodyLimit_IsRejected()
    {
        var options = new VernierServerOptions { Storage = new Vernier.Storage.InMemoryStorage(), MaxRequestBodyBytes = 0 };
        Should.Throw<ArgumentException>(() => VernierServer.Build(options)).Message.ShouldContain("MaxRequestBodyBytes");
    }
}
