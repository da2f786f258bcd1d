namespace Vernier.Storage.Postgres.Tests;

public class PostgresUrlTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Parse_FullUrl_ReadsEveryPart()
    {
        PostgresUrl url = Parse("postgresql://ada:s3cret@db.example.com:6543/studies?sslmode=require&schema=hpo&connect_timeout=7&application_name=sweeper");

        url.User.ShouldBe("ada");
        url.Password.ShouldBe("s3cret");
        url.Host.ShouldBe("db.example.com");
        url.Port.ShouldBe(6543);
        url.Database.ShouldBe("studies");
        url.Schema.ShouldBe("hpo");
        url.SslMode.ShouldBe("require");
        url.ConnectTimeout.ShouldBe(7);
        url.ApplicationName.ShouldBe("sweeper");
    }

    [Theory]
    [InlineData("postgres://u@h/d")]
    [InlineData("POSTGRESQL://u@h/d")]
    [InlineData("postgresql://u@h:5432/d")]
    public void Parse_EitherSchemeAnyCase_GivesTheSameServer(string text)
    {
        PostgresUrl url = Parse(text);

        (url.User, url.Host, url.Port, url.Database).ShouldBe(("u", "h", 5432, "d"));
    }

    [Fact]
    public void Parse_PercentEscapes_AreDecodedInUserPasswordAndDatabase()
    {
        PostgresUrl url = Parse("postgresql://us%40er:p%40ss%3Aw%2Frd@h/my%20db");

        url.User.ShouldBe("us@er");
        url.Password.ShouldBe("p@ss:w/rd");
        url.Database.ShouldBe("my db");
    }

    [Fact]
    public void Parse_IPv6HostWithPort_KeepsTheAddress()
    {
        PostgresUrl url = Parse("postgresql://u@[::1]:5433/d");

        url.Host.ShouldBe("::1");
        url.Port.ShouldBe(5433);
    }

    [Fact]
    public void Parse_PercentEscapedDirectoryAsHost_IsAUnixSocketDirectory()
    {
        PostgresUrl url = Parse("postgresql://u@%2Fvar%2Frun%2Fpostgresql/d");

        url.Host.ShouldBe("/var/run/postgresql");
        url.ToString().ShouldBe("postgresql://u@%2Fvar%2Frun%2Fpostgresql:5432/d");
    }

    [Fact]
    public void Parse_SearchPathOption_IsASynonymOfSchema()
    {
        Parse("postgresql://u@h/d?search_path=runs").Schema.ShouldBe("runs");
        Parse("postgresql://u@h/d").Schema.ShouldBe("public");
    }

    [Fact]
    public void Parse_UrlWithoutParts_FillsThemFromTheLibpqVariables()
    {
        var environment = new Dictionary<string, string?>
        {
            ["PGHOST"] = "envhost",
            ["PGPORT"] = "7777",
            ["PGUSER"] = "envuser",
            ["PGPASSWORD"] = "envpass",
            ["PGDATABASE"] = "envdb",
            ["PGSSLMODE"] = "verify-full",
        };

        PostgresUrl url = PostgresUrl.Parse("postgresql://", name => environment.GetValueOrDefault(name));

        (url.Host, url.Port, url.User, url.Password, url.Database, url.SslMode).ShouldBe(("envhost", 7777, "envuser", "envpass", "envdb", "verify-full"));
    }

    [Fact]
    public void Parse_UrlParts_WinOverTheLibpqVariables()
    {
        var environment = new Dictionary<string, string?>
        {
            ["PGHOST"] = "envhost", ["PGPORT"] = "7777", ["PGUSER"] = "envuser", ["PGPASSWORD"] = "envpass", ["PGDATABASE"] = "envdb", ["PGSSLMODE"] = "require",
        };

        PostgresUrl url = PostgresUrl.Parse("postgresql://u:p@h:1234/d?sslmode=disable", name => environment.GetValueOrDefault(name));

        (url.Host, url.Port, url.User, url.Password, url.Database, url.SslMode).ShouldBe(("h", 1234, "u", "p", "d", "disable"));
    }

    [Fact]
    public void Parse_NothingGiven_UsesLibpqDefaults()
    {
        PostgresUrl url = Parse("postgresql://");

        url.Host.ShouldBe("localhost");
        url.Port.ShouldBe(5432);
        url.User.ShouldBe(Environment.UserName);
        url.Database.ShouldBe(Environment.UserName);
        url.Password.ShouldBeNull();
    }

    [Fact]
    public void Parse_OnlyUser_DatabaseDefaultsToTheUserName()
    {
        Parse("postgresql://ada@h").Database.ShouldBe("ada");
    }

    [Theory]
    [InlineData("postgresql://u@h:0/d", "port must be a number from 1 to 65535")]
    [InlineData("postgresql://u@h:99999/d", "port must be a number from 1 to 65535")]
    [InlineData("postgresql://u@h:abc/d", "port must be a number from 1 to 65535")]
    [InlineData("postgresql://u@h/d?sslmode=sometimes", "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full")]
    [InlineData("postgresql://u@h/d?timeout=5", "unknown option 'timeout'")]
    [InlineData("postgresql://u@h/d?schema=a&schema=b", "sets the option 'schema' twice")]
    [InlineData("postgresql://u@h/d?schema=a&search_path=b", "sets both schema=a and search_path=b")]
    [InlineData("postgresql://u@h/d?schema=a,b", "schema must name one PostgreSQL schema")]
    [InlineData("postgresql://u@h/d?connect_timeout=0", "connect_timeout must be a whole number of seconds")]
    [InlineData("postgresql://u@h1,h2/d", "names several hosts")]
    [InlineData("postgresql://u@h/d/extra", "the path is only the database name")]
    [InlineData("postgresql://u@[::1/d", "without its closing ']'")]
    [InlineData("postgresql:u@h/d", "missing the two slashes")]
    [InlineData("sqlite:///study.db", "is not a PostgreSQL URL")]
    [InlineData("db.example.com", "is not a URL")]
    public void Parse_BadUrl_ThrowsWithAMessageThatSaysWhy(string text, string reason)
    {
        var error = Should.Throw<ArgumentException>(() => Parse(text));

        error.Message.ShouldContain(reason);
        error.ParamName.ShouldBe("url");
    }

    [Theory]
    [InlineData("postgresql://u:hunter2@h:99999/d")]
    [InlineData("postgresql://u:hunter2@h/d?bogus=1")]
    [InlineData("postgresql://u:hunter2@h/d/more")]
    [InlineData("postgresql://u:hun/ter2@h/d")]
    [InlineData("postgres://u:hunter2@h1,h2/d")]
    public void Parse_BadUrlWithPassword_NeverShowsThePassword(string text)
    {
        var error = Should.Throw<ArgumentException>(() => Parse(text));

        error.Message.ShouldNotContain("hunter2");
        error.Message.ShouldNotContain("ter2");
        error.Message.ShouldContain("****");
    }

    [Theory]
    [InlineData("postgresql://ada:hunter2@db/studies", "postgresql://ada:****@db/studies")]
    [InlineData("postgres://ada:hun@ter2@db:5432/studies?schema=x", "postgres://ada:****@db:5432/studies?schema=x")]
    [InlineData("postgresql://ada:hun/ter2@db/studies", "postgresql://ada:****@db/studies")]
    [InlineData("postgresql://ada@db/studies", "postgresql://ada@db/studies")]
    [InlineData("sqlite:///runs/study.db", "sqlite:///runs/study.db")]
    [InlineData("memory:", "memory:")]
    public void RedactPassword_AnyStorageUrl_HidesOnlyThePassword(string url, string shown)
    {
        PostgresStorage.RedactPassword(url).ShouldBe(shown);
    }

    [Fact]
    public void ToString_OmitsThePassword()
    {
        PostgresUrl url = Parse("postgresql://ada:hunter2@db:5433/studies?schema=hpo&sslmode=require");

        url.ToString().ShouldBe("postgresql://ada@db:5433/studies?schema=hpo");
    }

    [Fact]
    public void ToConnectionStringBuilder_CarriesEverySetting()
    {
        var builder = Parse("postgresql://ada:hunter2@db:5433/studies?schema=hpo&sslmode=require&connect_timeout=9").ToConnectionStringBuilder();

        builder.Host.ShouldBe("db");
        builder.Port.ShouldBe(5433);
        builder.Username.ShouldBe("ada");
        builder.Password.ShouldBe("hunter2");
        builder.Database.ShouldBe("studies");
        builder.SearchPath.ShouldBe("hpo");
        builder.SslMode.ShouldBe(Npgsql.SslMode.Require);
        builder.Timeout.ShouldBe(9);
    }

    [Fact]
    public void ToConnectionUrl_ParsedAgain_GivesTheSameSettings()
    {
        PostgresUrl url = Parse("postgresql://a%40b:p%2Fw@[::1]:5433/my%20db?schema=hpo&sslmode=require&connect_timeout=9&application_name=x");

        PostgresUrl again = Parse(url.ToConnectionUrl());

        (again.User, again.Password, again.Host, again.Port, again.Database, again.Schema, again.SslMode, again.ConnectTimeout, again.ApplicationName)
            .ShouldBe(("a@b", "p/w", "::1", 5433, "my db", "hpo", "require", 9, "x"));
    }

    [Fact]
    public void Open_BadUrl_ThrowsBeforeConnecting()
    {
        Should.Throw<ArgumentException>(() => PostgresStorage.Open("sqlite:///study.db")).ParamName.ShouldBe("url");
    }

    [Fact]
    public async Task Location_OfAnOpenedStorage_HasNoPassword()
    {
        await using PostgresStorage storage = PostgresStorage.Open("postgresql://ada:hunter2@db.invalid/studies");

        storage.Location.ShouldBe("postgresql://ada@db.invalid:5432/studies");
    }

    private static PostgresUrl Parse(string text) => PostgresUrl.Parse(text, name => NoEnvironment.GetValueOrDefault(name));
}
