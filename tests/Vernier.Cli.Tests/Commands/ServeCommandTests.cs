using Vernier.Cli.Commands;

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
}
