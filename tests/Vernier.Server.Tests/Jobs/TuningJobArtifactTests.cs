using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Vernier.Server.Jobs;
using Vernier.Server.Tests.Support;
using static Vernier.Server.Tests.Jobs.JobTestKit;

namespace Vernier.Server.Tests.Jobs;

public sealed class TuningJobArtifactTests : IDisposable
{
    private const string Secret = "top secret, outside the job";
    private readonly JobTestKit _kit = new();

    private async Task<(ServerHost Host, string Id, string JobFolder)> StartWithJobAsync()
    {
        ServerHost host = await ServerHost.StartAsync(null, o => new VernierServerOptions { Storage = o.Storage, AllowCommands = true, ArtifactsRoot = _kit.ArtifactsRoot });
        string id = (await CreateAsync(host, _kit.Request())).GetProperty("id").GetString()!;
        string folder = Path.Combine(_kit.ArtifactsRoot, "tuning", id);
        Directory.CreateDirectory(Path.Combine(folder, "trials", "0000"));
        File.WriteAllText(Path.Combine(folder, "trials", "0000", "stdout.log"), "METRIC accuracy=0.9\n");
        // Secrets next to the job's folder and next to the artifacts root.
        File.WriteAllText(Path.Combine(_kit.ArtifactsRoot, "tuning", "secret.txt"), Secret);
        File.WriteAllText(Path.Combine(_kit.Folder, "secret.txt"), Secret);
        return (host, id, folder);
    }

    [Fact]
    public async Task Download_FileInTheJobsFolder_IsServed()
    {
        (ServerHost host, string id, _) = await StartWithJobAsync();
        await using (host)
        {
            HttpResponseMessage response = await host.Client.GetAsync($"/api/tuning/jobs/{id}/artifacts/trials/0000/stdout.log");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("METRIC accuracy=0.9\n");
        }
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("../../../secret.txt")]
    [InlineData("trials/../../secret.txt")]
    [InlineData("%2e%2e/secret.txt")]
    [InlineData("%2E%2E%2Fsecret.txt")]
    [InlineData("..%2F..%2F..%2Fsecret.txt")]
    [InlineData("%252e%252e/secret.txt")]
    [InlineData("..%5Csecret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("trials//0000/stdout.log")]
    [InlineData("./trials/0000/stdout.log")]
    [InlineData("no-such-file")]
    [InlineData("trials")]
    public async Task Download_PathThatEscapesOrIsNotAFile_IsRefusedAndNeverServesOutside(string path)
    {
        (ServerHost host, string id, _) = await StartWithJobAsync();
        await using (host)
        {
            // Sent as written and decoded as a server decodes a path (%2F stays encoded), with no removal of dot segments:
            // the handler must hold on its own.
            HttpContext context = await host.App.GetTestServer().SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Path = PathString.FromUriComponent($"/api/tuning/jobs/{id}/artifacts/{path}");
            });
            context.Response.StatusCode.ShouldBeOneOf(400, 404);
            string body = await new StreamReader(context.Response.Body).ReadToEndAsync();
            body.ShouldNotContain(Secret);
        }
    }

    [Fact]
    public async Task Download_SymlinkPointingOutside_IsNotFound()
    {
        (ServerHost host, string id, string folder) = await StartWithJobAsync();
        await using (host)
        {
            File.CreateSymbolicLink(Path.Combine(folder, "link.txt"), Path.Combine(_kit.Folder, "secret.txt"));
            Directory.CreateSymbolicLink(Path.Combine(folder, "up"), _kit.Folder);
            File.CreateSymbolicLink(Path.Combine(folder, "inside.txt"), Path.Combine(folder, "trials", "0000", "stdout.log"));

            foreach (string path in new[] { "link.txt", "up/secret.txt" })
            {
                HttpResponseMessage response = await host.Client.GetAsync($"/api/tuning/jobs/{id}/artifacts/{path}");
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
                (await response.Content.ReadAsStringAsync()).ShouldNotContain(Secret);
            }

            (await host.Client.GetStringAsync($"/api/tuning/jobs/{id}/artifacts/inside.txt")).ShouldBe("METRIC accuracy=0.9\n"); // a link within the folder is fine
            JsonElement list = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/tuning/jobs/{id}/artifacts")).RootElement;
            list.EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldBe(["trials/0000/stdout.log"]); // links are not listed
        }
    }

    [Theory]
    [InlineData("../x", "BadPath")]
    [InlineData("a/./b", "BadPath")]
    [InlineData("a\\..\\b", "BadPath")]
    [InlineData("/abs", "BadPath")]
    [InlineData("", "BadPath")]
    [InlineData("a\0b", "BadPath")]
    [InlineData("missing.txt", "NotFound")]
    [InlineData("ok.txt", "Found")]
    public void Resolve_ClassifiesPaths(string path, string outcome)
    {
        var expected = Enum.Parse<ArtifactFiles.Outcome>(outcome);
        string root = Path.Combine(_kit.Folder, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "ok.txt"), "ok");
        ArtifactFiles.Resolve(root, path, out string? file).ShouldBe(expected);
        if (expected == ArtifactFiles.Outcome.Found)
        {
            file.ShouldBe(Path.Combine(root, "ok.txt"));
        }
    }

    public void Dispose() => _kit.Dispose();
}
