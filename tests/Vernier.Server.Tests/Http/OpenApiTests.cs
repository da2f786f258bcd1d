using System.Text.Json;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests.Http;

public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_ListsTheStudiesEndpoints()
    {
        await using ServerHost host = await ServerHost.StartAsync();

        JsonElement document = await (await host.Client.GetAsync("/openapi/v1.json")).JsonAsync();

        document.GetProperty("openapi").GetString()!.ShouldStartWith("3.");
        JsonElement paths = document.GetProperty("paths");
        string[] listed = [.. paths.EnumerateObject().Select(p => p.Name)];
        listed.ShouldContain("/api/studies");
        listed.ShouldContain("/api/studies/{name}");
        listed.ShouldContain("/api/studies/{name}/trials");
        listed.ShouldContain("/api/studies/{name}/trials/{number}");
        listed.ShouldContain("/api/studies/{name}/best");
        listed.ShouldContain("/api/studies/{name}/ask");
        listed.ShouldContain("/api/studies/{name}/trials/{number}/tell");
        listed.ShouldContain("/api/studies/{name}/trials/{number}/report");
        listed.ShouldContain("/api/studies/{name}/events");
        paths.GetProperty("/api/studies").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _).ShouldBeTrue();
        JsonElement list = paths.GetProperty("/api/studies/{name}/trials").GetProperty("get");
        list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldContain("page_size");
    }
}
