using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Vernier.Cli.Commands;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.Commands;

public class ServeCommandTests
{
    [Fact]
    public void ParseTemplates_NameEqualsCommand_KeepsTheCommandWithItsEqualsSigns()
    {
        Dictionary<string, string> templates = ServeCommand.ParseTemplates(["train=python3 train.py --data={dataset_key}", "eval = bash eval.sh a=b"]);
        templates["train"].ShouldBe("python3 train.py --data={dataset_key}");
        templates["eval"].ShouldBe("bash eval.sh a=b");
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("=python3 train.py")]
    [InlineData("train=")]
    public void ParseTemplates_Malformed_SaysHowToWriteIt(string value)
    {
        Should.Throw<CliException>(() => ServeCommand.ParseTemplates([value])).Message.ShouldContain("write NAME=COMMAND");
    }

    [Fact]
    public void ParseTemplates_SameNameTwice_IsRefused()
    {
        Should.Throw<CliException>(() => ServeCommand.ParseTemplates(["a=x", "a=y"])).Message.ShouldContain("given twice");
    }

    [Fact]
    public async Task Serve_TemplateNameWithSpaces_ExitsWithUsageErrorBeforeListening()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await VernierApp.RunAsync(["serve", "--storage", "memory:", "--urls", "http://127.0.0.1:0", "--command-template", "my train=python3 train.py"], output, error);
        exit.ShouldBe(2);
        error.ToString().ShouldContain("'my train' is not a template name");
    }

    [Fact]
    public async Task Help_ShowsTheSecurityAndLimitFlags()
    {
        CliResult result = await CliProcess.RunAsync(Directory.GetCurrentDirectory(), "serve", "--help");

        result.ExitCode.ShouldBe(0, result.ToString());
        foreach (string flag in new[] { "--urls", "--token-file", "--cors-origin", "--max-body-bytes", "Examples:", "vernier serve" })
        {
            result.Output.ShouldContain(flag);
        }
    }

    [Fact]
    public void ResolveToken_BeyondLoopbackWithoutFile_GeneratesAndPrintsItOnce()
    {
        var output = new StringWriter();

        string? token = ServeCommand.ResolveToken(null, "http://0.0.0.0:8080", new CliConsole(output, TextWriter.Null));

        token.ShouldNotBeNull();
        token.Length.ShouldBe(43);
        Regex.Matches(output.ToString(), Regex.Escape(token)).Count.ShouldBe(1);
    }

    [Fact]
    public void ResolveToken_Loopback_NeedsNoneAndPrintsNothing()
    {
        var output = new StringWriter();

        ServeCommand.ResolveToken(null, "http://127.0.0.1:8080", new CliConsole(output, TextWriter.Null)).ShouldBeNull();

        output.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void ResolveToken_TokenFile_IsReadAndNotPrinted()
    {
        using var dir = new TempDirectory();
        dir.Write("token", "from-file\n");
        var output = new StringWriter();

        ServeCommand.ResolveToken(new FileInfo(Path.Combine(dir.Path, "token")), "http://127.0.0.1:8080", new CliConsole(output, TextWriter.Null)).ShouldBe("from-file");

        output.ToString().ShouldNotContain("from-file");
    }

    [Fact]
    public async Task Serve_MissingTokenFile_IsAUsageError()
    {
        using var dir = new TempDirectory();
        CliResult result = await CliProcess.RunAsync(dir.Path, "serve", "--storage", "memory:", "--token-file", Path.Combine(dir.Path, "nope"));

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldStartWith("error: the token file");
        result.Error.ShouldNotContain("(Parameter");
    }

    [Fact]
    public async Task Serve_BeyondLoopback_PrintsTheGeneratedTokenOnceAndRequiresIt()
    {
        using var dir = new TempDirectory();
        using Process server = CliProcess.Start(dir.Path, "serve", "--storage", "memory:", "--urls", "http://0.0.0.0:0");
        try
        {
            var lines = new List<string>();
            string? address = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (address is null)
            {
                string line = await server.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("serve exited: " + string.Join('\n', lines) + await server.StandardError.ReadToEndAsync());
                lines.Add(line);
                if (line.Contains(" at http://", StringComparison.Ordinal))
                {
                    address = line[(line.LastIndexOf(" at ", StringComparison.Ordinal) + 4)..].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
                }
            }

            string[] tokenLines = [.. lines.Where(l => l.StartsWith("Access token", StringComparison.Ordinal))];
            tokenLines.Length.ShouldBe(1);
            string token = tokenLines[0].Split(' ')[^1];
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            (await client.GetAsync("/api/health")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await client.GetAsync("/api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}
