using System.Net;
using System.Text;
using System.Text.Json;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests.Http;

public sealed class RequestErrorsTests
{
    [Fact]
    public async Task HugeBody_Is413AndStoresNothing()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        string json = "{\"name\": \"x\", \"directions\": [\"minimize\"], \"pad\": \"" + new string('a', 2 * 1024 * 1024) + "\"}";

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies", json)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        problem.GetProperty("detail").GetString()!.ShouldContain("1048576 bytes");
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task HugeChunkedBody_Is413AndStoresNothing()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => new VernierServerOptions { Storage = o.Storage, MaxRequestBodyBytes = 1000 });
        byte[] bytes = Encoding.UTF8.GetBytes("{\"name\": \"x\", \"pad\": \"" + new string('a', 5000) + "\"}");
        var content = new StreamContent(new MemoryStream(bytes)); // no length: sent chunked
        content.Headers.ContentType = new("application/json");

        HttpResponseMessage response = await host.Client.PostAsync("/api/studies", content);

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task SmallChunkedBody_IsRead()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"name": "x"}""")));
        content.Headers.ContentType = new("application/json");

        (await host.Client.PostAsync("/api/studies", content)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task MalformedJson_Is400WithProblemDetails()
    {
        await using ServerHost host = await ServerHost.StartAsync();

        JsonElement problem = await (await host.Client.PostJsonAsync("/api/studies", "{not json")).ProblemAsync(HttpStatusCode.BadRequest);

        problem.GetProperty("title").GetString().ShouldBe("Bad request");
        problem.GetProperty("detail").GetString()!.ShouldContain("not valid JSON");
    }

    [Fact]
    public async Task NotJsonContentType_Is415()
    {
        await using ServerHost host = await ServerHost.StartAsync();

        HttpResponseMessage response = await host.Client.PostAsync("/api/studies", new StringContent("""{"name": "x"}""", Encoding.UTF8, "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }
}
