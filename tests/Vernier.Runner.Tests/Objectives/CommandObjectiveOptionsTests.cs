using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public class CommandObjectiveOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new CommandObjectiveOptions { Command = ["x"], Metric = "m" };

        options.ArgumentStyle.ShouldBe(CommandArgumentStyle.Flags);
        options.ExtraMetrics.ShouldBeEmpty();
        options.Environment.ShouldBeEmpty();
        options.WorkingDirectory.ShouldBeNull();
        options.Timeout.ShouldBeNull();
        options.TerminationGracePeriod.ShouldBe(TimeSpan.FromSeconds(5));
        options.StderrTailLines.ShouldBe(20);
    }

    public static TheoryData<Action<CommandObjectiveOptions>, string> Invalid => new()
    {
        { o => o.Command = [], "Command" },
        { o => o.Command = [""], "Command" },
        { o => o.Metric = "", "Metric" },
        { o => o.Metric = "val loss", "Metric" },
        { o => o.Metric = "step", "Metric" },
        { o => o.ExtraMetrics = ["m"], "distinct" },
        { o => o.ExtraMetrics = ["bad name"], "ExtraMetrics" },
        { o => o.ArgumentStyle = (CommandArgumentStyle)9, "ArgumentStyle" },
        { o => o.Timeout = TimeSpan.Zero, "Timeout" },
        { o => o.TerminationGracePeriod = TimeSpan.FromSeconds(-1), "TerminationGracePeriod" },
        { o => o.StderrTailLines = -1, "StderrTailLines" },
        { o => o.Environment = new Dictionary<string, string?> { ["A=B"] = "x" }, "Environment" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Runner_InvalidOption_ThrowsNamingIt(Action<CommandObjectiveOptions> configure, string named)
    {
        var options = new CommandObjectiveOptions { Command = ["x"], Metric = "m" };
        configure(options);

        Should.Throw<ArgumentException>(() => new CommandObjectiveRunner(options)).Message.ShouldContain(named);
    }

    [Fact]
    public void Runner_CopiesOptions()
    {
        var options = new CommandObjectiveOptions { Command = ["x", "{a}"], Metric = "m" };
        var runner = new CommandObjectiveRunner(options);

        options.Command = ["y", "{b}"];

        runner.PlaceholderNames.ShouldBe(["a"]);
    }

    [Theory]
    [InlineData(250, "250 ms")]
    [InlineData(2000, "2 s")]
    [InlineData(1500, "1.5 s")]
    [InlineData(180_000, "3 min")]
    [InlineData(5_430_000, "1 h 30 min 30 s")]
    public void FormatDuration_IsReadable(int milliseconds, string expected)
    {
        CommandObjectiveRunner.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)).ShouldBe(expected);
    }
}
