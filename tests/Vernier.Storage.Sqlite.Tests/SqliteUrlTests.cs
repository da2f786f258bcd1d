namespace Vernier.Storage.Sqlite.Tests;

public class SqliteUrlTests
{
    [Theory]
    [InlineData("sqlite:///study.db", "study.db")]
    [InlineData("sqlite:///runs/2024/study.db", "runs/2024/study.db")]
    [InlineData("sqlite:////var/lib/vernier/study.db", "/var/lib/vernier/study.db")]
    [InlineData("SQLite:///Study.db", "Study.db")]
    [InlineData("study.db", "study.db")]
    [InlineData("./runs/study.db", "./runs/study.db")]
    [InlineData("/tmp/study.db", "/tmp/study.db")]
    [InlineData(@"C:\runs\study.db", @"C:\runs\study.db")]
    [InlineData("sqlite:///my study (1).db", "my study (1).db")]
    public void ToFilePath_UrlOrPlainPath_GivesTheFile(string urlOrPath, string expected)
    {
        SqliteUrl.ToFilePath(urlOrPath).ShouldBe(expected);
    }

    [Theory]
    [InlineData("", "needs a database file")]
    [InlineData("   ", "needs a database file")]
    [InlineData("sqlite://server/study.db", "names a host")]
    [InlineData("sqlite:study.db", "missing the three slashes")]
    [InlineData("sqlite:/study.db", "missing the three slashes")]
    [InlineData("sqlite:///", "names no file")]
    [InlineData("sqlite:///study.db?timeout=5", "query parameters")]
    [InlineData("postgresql://user@host/db", "is a postgresql: URL, not a SQLite one")]
    [InlineData("memory:", "is a memory: URL, not a SQLite one")]
    [InlineData(":memory:", "use the memory: storage")]
    [InlineData("sqlite:///:memory:", "use the memory: storage")]
    public void ToFilePath_BadUrl_ThrowsWithAMessageThatSaysWhy(string urlOrPath, string reason)
    {
        var error = Should.Throw<ArgumentException>(() => SqliteUrl.ToFilePath(urlOrPath));

        error.Message.ShouldContain(reason);
        error.ParamName.ShouldBe("urlOrPath");
    }

    [Fact]
    public void ToFilePath_BadUrl_MessageShowsTheAcceptedForms()
    {
        Should.Throw<ArgumentException>(() => SqliteUrl.ToFilePath("sqlite:study.db"))
            .Message.ShouldContain("sqlite:///relative/path.db, sqlite:////absolute/path.db or a plain file path");
    }

    [Fact]
    public void Open_BadUrl_ThrowsBeforeTouchingTheDisk()
    {
        Should.Throw<ArgumentException>(() => SqliteStorage.Open("postgresql://user@host/db")).ParamName.ShouldBe("urlOrPath");
    }
}
