using FsCheck;
using FsCheck.Fluent;
using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("python3 train.py", new[] { "python3", "train.py" })]
    [InlineData("  a\t b \n c  ", new[] { "a", "b", "c" })]
    [InlineData("run --name='a b' \"c \\\"d\\\"\"", new[] { "run", "--name=a b", "c \"d\"" })]
    [InlineData("a\\ b 'it'\\''s' \"x\\ny\"", new[] { "a b", "it's", "x\\ny" })]
    [InlineData("echo '' \"\" $HOME *.py | wc", new[] { "echo", "", "", "$HOME", "*.py", "|", "wc" })]
    [InlineData("", new string[0])]
    public void Split_FollowsPosixShlex(string command, string[] expected)
    {
        CommandLine.Split(command).ShouldBe(expected);
    }

    [Theory]
    [InlineData("python3 'train.py", "the single quote at character 9 of the command is not closed")]
    [InlineData("python3 \"train.py", "the double quote at character 9 of the command is not closed")]
    [InlineData("python3 train.py \\", "the command ends with a backslash that escapes nothing")]
    public void Split_Unbalanced_SaysWhere(string command, string message)
    {
        Should.Throw<FormatException>(() => CommandLine.Split(command)).Message.ShouldBe(message);
    }

    [Fact]
    public void Split_OfShellQuotedArguments_GivesThemBack()
    {
        Gen<string> argument = Gen.Elements('a', 'Z', '0', ' ', '\t', '\'', '"', '\\', '$', '=', '-', '{', '}')
            .ArrayOf()
            .Select(chars => new string(chars));
        Prop.ForAll(
                argument.NonEmptyListOf().ToArbitrary(),
                arguments => CommandLine.Split(string.Join(" ", arguments.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")))
                    .SequenceEqual(arguments))
            .QuickCheckThrowOnFailure();
    }
}
