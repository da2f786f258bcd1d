using System.Net;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests.Security;

public sealed class CorsTests
{
    [Fact]
    public async Task NotConfigured_SendsNoCorsHeaders()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        request.Headers.Add("Origin", "https://dash.example.com");

        HttpResponseMessage response = await host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Configured_AllowsTheOriginAndAnswersPreflightWithoutToken()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => new VernierServerOptions
        {
            Storage = o.Storage,
            Urls = "http://0.0.0.0:8080",
            AccessToken = "t0ken",
            CorsOrigins = ["https://dash.example.com"],
        });
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/studies");
        preflight.Headers.Add("Origin", "https://dash.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        get.Headers.Add("Origin", "https://dash.example.com");
        get.Headers.Add("Authorization", "Bearer t0ken");
        var other = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        other.Headers.Add("Origin", "https://evil.example.com");
        other.Headers.Add("Authorization", "Bearer t0ken");

        HttpResponseMessage answer = await host.Client.SendAsync(preflight);
        HttpResponseMessage allowed = await host.Client.SendAsync(get);
        HttpResponseMessage refused = await host.Client.SendAsync(other);

        answer.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        answer.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("https://dash.example.com");
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("https://dash.example.com");
        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Theory]
    [InlineData("dash.example.com")]
    [InlineData("https://dash.example.com/app")]
    [InlineData("ftp://dash.example.com")]
    public void Build_BadOrigin_IsRefused(string origin)
    {
        var options = new VernierServerOptions { Storage = new Vernier.Storage.InMemoryStorage(), CorsOrigins = [origin] };
        Should.Throw<ArgumentException>(() => VernierServer.Build(options)).Message.ShouldContain("CorsOrigins");
    }
}
