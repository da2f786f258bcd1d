using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.TestHost;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests.Security;

public sealed class AccessTokenTests
{
    private const string Token = "s3cret-token-for-tests";

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/studies")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    [InlineData("/index.html")]
    public async Task BeyondLoopback_WithoutToken_Is401(string path)
    {
        await using ServerHost host = await StartAsync("http://0.0.0.0:8080");

        HttpResponseMessage response = await host.Client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        (await response.ProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString()!.ShouldContain("requires a token");
    }

    [Fact]
    public async Task BeyondLoopback_WithBearerToken_Is200()
    {
        await using ServerHost host = await StartAsync("http://0.0.0.0:8080");
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        (await host.Client.GetAsync("/api/studies")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WrongToken_Is401()
    {
        await using ServerHost host = await StartAsync("http://192.168.1.20:8080");
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");

        await (await host.Client.GetAsync("/api/studies")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WrongTokenInBody_StoresNothing()
    {
        await using ServerHost host = await StartAsync("http://[::]:8080");

        (await host.Client.PostJsonAsync("/api/studies", """{"name": "x"}""")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await host.Storage.GetStudiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task CookieLogin_SetsAStrictHttpOnlyCookieThatAuthorisesLaterRequests()
    {
        await using ServerHost host = await StartAsync("http://0.0.0.0:8080");

        HttpResponseMessage login = await host.Client.GetAsync($"/?token={Token}&tab=jobs");

        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().ShouldBe("/?tab=jobs");
        string cookie = login.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith($"vernier_token={Token}");
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        (await host.Client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CookieLogin_WrongToken_Is401WithoutCookie()
    {
        await using ServerHost host = await StartAsync("http://0.0.0.0:8080");

        HttpResponseMessage login = await host.Client.GetAsync("/?token=guess");

        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        login.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task Loopback_WithoutTokenConfigured_NeedsNone()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => new VernierServerOptions { Storage = o.Storage, Urls = "http://localhost:8080;http://127.0.0.1:9000;http://[::1]:8080" });

        (await host.Client.GetAsync("/api/studies")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Loopback_WithTokenConfigured_RequiresIt()
    {
        await using ServerHost host = await StartAsync("http://127.0.0.1:8080");

        (await host.Client.GetAsync("/api/studies")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://vernier.internal:8080")]
    [InlineData("http://127.0.0.1:8080;http://0.0.0.0:9000")]
    public void Build_BeyondLoopbackWithoutToken_IsRefused(string urls)
    {
        var options = new VernierServerOptions { Storage = new Vernier.Storage.InMemoryStorage(), Urls = urls };

        Should.Throw<ArgumentException>(() => VernierServer.Build(options, b => b.WebHost.UseTestServer())).Message.ShouldContain("AccessToken is required");
    }

    [Theory]
    [InlineData("http://localhost:8080", false)]
    [InlineData("http://127.0.0.1:8080", false)]
    [InlineData("https://127.0.0.2:8443", false)]
    [InlineData("http://[::1]:8080", false)]
    [InlineData("http://0.0.0.0:8080", true)]
    [InlineData("http://*:8080", true)]
    [InlineData("http://example.com", true)]
    public void IsRequiredFor_TellsLoopbackFromTheRest(string urls, bool required) =>
        Vernier.Server.Security.AccessToken.IsRequiredFor(urls).ShouldBe(required);

    [Fact]
    public void Generate_GivesLongDistinctUrlSafeTokens()
    {
        string a = Vernier.Server.Security.AccessToken.Generate();
        string b = Vernier.Server.Security.AccessToken.Generate();

        a.Length.ShouldBe(43);
        a.ShouldNotBe(b);
        a.ShouldMatch("^[A-Za-z0-9_-]+$");
    }

    [Fact]
    public void ReadFile_TrimsAndRejectsEmptyFiles()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "  abc123\n");
            Vernier.Server.Security.AccessToken.ReadFile(path).ShouldBe("abc123");
            File.WriteAllText(path, "\n");
            Should.Throw<ArgumentException>(() => Vernier.Server.Security.AccessToken.ReadFile(path)).Message.ShouldContain("empty");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task<ServerHost> StartAsync(string urls) =>
        ServerHost.StartAsync(configure: o => new VernierServerOptions { Storage = o.Storage, Urls = urls, AccessToken = Token });
}
