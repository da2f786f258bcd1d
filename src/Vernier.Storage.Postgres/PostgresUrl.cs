using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Vernier.Storage.Postgres;

/// <summary>
/// A parsed <c>postgresql://user:password@host:port/database?option=value</c> URL, with what it
/// leaves out taken from the libpq environment variables (<c>PGHOST</c>, <c>PGPORT</c>,
/// <c>PGUSER</c>, <c>PGPASSWORD</c>, <c>PGDATABASE</c>) and then libpq's defaults.
/// </summary>
/// <remarks>The password never appears in <see cref="ToString"/> or in an exception message.</remarks>
internal sealed partial class PostgresUrl
{
    private const string Forms = "use postgresql://user:password@host:port/database (or postgres://), e.g. postgresql://vernier@db.example.com/studies?sslmode=require";

    /// <summary>The query options a URL may carry, with what each sets.</summary>
    private static readonly string[] KnownOptions = ["sslmode", "schema", "search_path", "connect_timeout", "application_name"];

    private static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

    private PostgresUrl()
    {
    }

    /// <summary>The host name, IP address, or (starting with '/') the directory of the server's Unix socket.</summary>
    public string Host { get; private init; } = "";

    /// <summary>The port.</summary>
    public int Port { get; private init; }

    /// <summary>The user name.</summary>
    public string User { get; private init; } = "";

    /// <summary>The password, or null to use none (or ~/.pgpass).</summary>
    public string? Password { get; private init; }

    /// <summary>The database.</summary>
    public string Database { get; private init; } = "";

    /// <summary>The PostgreSQL schema (namespace) the tables live in.</summary>
    public string Schema { get; private init; } = "public";

    /// <summary>libpq's <c>sslmode</c>, or null for the driver's default (prefer).</summary>
    public string? SslMode { get; private init; }

    /// <summary>Seconds to wait for a connection, or null for the default.</summary>
    public int? ConnectTimeout { get; private init; }

    /// <summary>The name the server shows for these connections.</summary>
    public string ApplicationName { get; private init; } = "vernier";

    /// <summary>Whether <paramref name="url"/> starts with <c>postgresql:</c> or <c>postgres:</c>.</summary>
    public static bool HasPostgresScheme(string url) =>
        url.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a URL, filling what it omits from the process's environment.</summary>
    public static PostgresUrl Parse(string url) => Parse(url, Environment.GetEnvironmentVariable);

    /// <summary>Parses a URL, filling what it omits from <paramref name="environment"/> and libpq's defaults.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <exception cref="ArgumentException">The URL is malformed; the message says why, without the password.</exception>
    public static PostgresUrl Parse(string url, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(environment);
        Match scheme = SchemePattern().Match(url);
        if (!scheme.Success)
        {
            throw Invalid(HasPostgresScheme(url)
                ? $"'{Redact(url)}' is missing the two slashes after the scheme; {Forms}."
                : OtherScheme().IsMatch(url)
                ? $"'{Redact(url)}' is not a PostgreSQL URL; {Forms}."
                : $"'{Redact(url)}' is not a URL; {Forms}.");
        }

        string rest = url[scheme.Length..];
        string? query = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash >= 0 ? rest[..slash] : rest;
        string? database = slash >= 0 ? Decode(rest[(slash + 1)..], url, "database name") : null;
        if (database is not null && database.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid($"'{Redact(url)}' has a path with more than one part; the path is only the database name. {Forms}.");
        }

        string? user = null;
        string? password = null;
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, url, "user name");
            password = colon >= 0 ? Decode(userInfo[(colon + 1)..], url, "password") : null;
        }

        (string? host, int? port) = ParseHostAndPort(authority, url);

        Dictionary<string, string> options = ParseQuery(query, url);
        string? schema = null;
        if (options.TryGetValue("schema", out string? s) | options.TryGetValue("search_path", out string? p))
        {
            if (s is not null && p is not null && s != p)
            {
                throw Invalid($"'{Redact(url)}' sets both schema={s} and search_path={p}; give one.");
            }

            schema = s ?? p;
            if (string.IsNullOrWhiteSpace(schema) || schema.Contains(',', StringComparison.Ordinal) || schema.Length > 63)
            {
                throw Invalid($"'{Redact(url)}': schema must name one PostgreSQL schema of 1 to 63 characters, got '{schema}'.");
            }
        }

        string? sslMode = options.GetValueOrDefault("sslmode") ?? NonEmpty(environment("PGSSLMODE"));
        if (sslMode is not null && !SslModes.Contains(sslMode, StringComparer.Ordinal))
        {
            throw Invalid($"'{Redact(url)}': sslmode must be one of {string.Join(", ", SslModes)}, got '{sslMode}'.");
        }

        int? connectTimeout = null;
        if (options.TryGetValue("connect_timeout", out string? timeout))
        {
            connectTimeout = int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds is > 0 and <= 1024
                ? seconds
                : throw Invalid($"'{Redact(url)}': connect_timeout must be a whole number of seconds from 1 to 1024, got '{timeout}'.");
        }

        if (port is null && NonEmpty(environment("PGPORT")) is { } envPort)
        {
            port = ParsePort(envPort, "PGPORT", url);
        }

        user ??= NonEmpty(environment("PGUSER")) ?? Environment.UserName;
        return new PostgresUrl
        {
            Host = host ?? NonEmpty(environment("PGHOST")) ?? "localhost",
            Port = port ?? 5432,
            User = user,
            Password = password ?? environment("PGPASSWORD"),
            Database = database is { Length: > 0 } ? database : NonEmpty(environment("PGDATABASE")) ?? user,
            Schema = schema ?? "public",
            SslMode = sslMode,
            ConnectTimeout = connectTimeout,
            ApplicationName = options.GetValueOrDefault("application_name") ?? NonEmpty(environment("PGAPPNAME")) ?? "vernier",
        };
    }

    /// <summary>The same server and credentials with another database or schema (for tools and tests that make fresh ones).</summary>
    public PostgresUrl With(string? database = null, string? schema = null) => new()
    {
        Host = Host,
        Port = Port,
        User = User,
        Password = Password,
        Database = database ?? Database,
        Schema = schema ?? Schema,
        SslMode = SslMode,
        ConnectTimeout = ConnectTimeout,
        ApplicationName = ApplicationName,
    };

    /// <summary>The URL with its password replaced by <c>****</c>, for messages; works on malformed URLs too.</summary>
    public static string Redact(string url) => PasswordPattern().Replace(url, "$1:****@");

    /// <summary>The Npgsql connection string (with the password, which Npgsql keeps out of its own <c>ConnectionString</c> property).</summary>
    public NpgsqlConnectionStringBuilder ToConnectionStringBuilder()
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Database = Database,
            SearchPath = Schema,
            ApplicationName = ApplicationName,
        };
        if (Password is not null)
        {
            builder.Password = Password;
        }

        if (SslMode is not null)
        {
            builder.SslMode = SslMode switch
            {
                "disable" => Npgsql.SslMode.Disable,
                "allow" => Npgsql.SslMode.Allow,
                "prefer" => Npgsql.SslMode.Prefer,
                "require" => Npgsql.SslMode.Require,
                "verify-ca" => Npgsql.SslMode.VerifyCA,
                _ => Npgsql.SslMode.VerifyFull,
            };
        }

        if (ConnectTimeout is { } seconds)
        {
            builder.Timeout = seconds;
        }

        return builder;
    }

    /// <summary>The URL without the password: <c>postgresql://user@host:port/database</c>, plus <c>?schema=</c> when not public.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("postgresql://");
        text.Append(Uri.EscapeDataString(User)).Append('@');
        text.Append(Host.StartsWith('/') ? Uri.EscapeDataString(Host) : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host);
        text.Append(CultureInfo.InvariantCulture, $":{Port}/").Append(Uri.EscapeDataString(Database));
        if (Schema != "public")
        {
            text.Append("?schema=").Append(Uri.EscapeDataString(Schema));
        }

        return text.ToString();
    }

    /// <summary>The URL with every setting, the password included: only to hand to <see cref="PostgresStorage.Open(string, PostgresStorageOptions?)"/>, never to show.</summary>
    public string ToConnectionUrl()
    {
        var text = new StringBuilder("postgresql://");
        text.Append(Uri.EscapeDataString(User));
        if (Password is not null)
        {
            text.Append(':').Append(Uri.EscapeDataString(Password));
        }

        text.Append('@').Append(Host.StartsWith('/') ? Uri.EscapeDataString(Host) : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host);
        text.Append(CultureInfo.InvariantCulture, $":{Port}/").Append(Uri.EscapeDataString(Database));
        text.Append("?schema=").Append(Uri.EscapeDataString(Schema));
        text.Append("&application_name=").Append(Uri.EscapeDataString(ApplicationName));
        if (SslMode is not null)
        {
            text.Append("&sslmode=").Append(SslMode);
        }

        if (ConnectTimeout is { } seconds)
        {
            text.Append(CultureInfo.InvariantCulture, $"&connect_timeout={seconds}");
        }

        return text.ToString();
    }

    private static (string? Host, int? Port) ParseHostAndPort(string authority, string url)
    {
        if (authority.Length == 0)
        {
            return (null, null);
        }

        string hostPart;
        string? portPart = null;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid($"'{Redact(url)}' has an IPv6 address without its closing ']'.");
            }

            hostPart = authority[1..close];
            string after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                portPart = after.StartsWith(':') ? after[1..] : throw Invalid($"'{Redact(url)}' has '{after}' after the IPv6 address; expected :port.");
            }
        }
        else
        {
            if (authority.Contains(',', StringComparison.Ordinal))
            {
                throw Invalid($"'{Redact(url)}' names several hosts, which Vernier does not support; name one server.");
            }

            int colon = authority.LastIndexOf(':');
            hostPart = colon >= 0 ? authority[..colon] : authority;
            portPart = colon >= 0 ? authority[(colon + 1)..] : null;
        }

        string? host = hostPart.Length > 0 ? Decode(hostPart, url, "host") : null;
        int? port = portPart is null ? null : ParsePort(portPart, "the port", url);
        return (host, port);
    }

    private static int ParsePort(string text, string what, string url) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535
            ? port
            : throw Invalid($"'{Redact(url)}': {what} must be a number from 1 to 65535, got '{text}'.");

    private static Dictionary<string, string> ParseQuery(string? query, string url)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(query))
        {
            return options;
        }

        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(equals >= 0 ? pair[..equals] : pair, url, "option name");
            string value = equals >= 0 ? Decode(pair[(equals + 1)..], url, $"value of {key}") : "";
            if (!KnownOptions.Contains(key, StringComparer.Ordinal))
            {
                throw Invalid($"'{Redact(url)}' has the unknown option '{key}'; known options: {string.Join(", ", KnownOptions)}.");
            }

            if (!options.TryAdd(key, value))
            {
                throw Invalid($"'{Redact(url)}' sets the option '{key}' twice.");
            }
        }

        return options;
    }

    private static string Decode(string text, string url, string what)
    {
        string decoded = Uri.UnescapeDataString(text);
        return decoded.Contains('\0', StringComparison.Ordinal) ? throw Invalid($"'{Redact(url)}' has a NUL character in the {what}.") : decoded;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ArgumentException Invalid(string message) => new(message, "url");

    [GeneratedRegex("^postgres(?:ql)?://", RegexOptions.IgnoreCase)]
    private static partial Regex SchemePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]+:")]
    private static partial Regex OtherScheme();

    /// <summary><c>scheme://user:password@</c>: everything from the first ':' after the user to the last '@' (erring towards hiding too much).</summary>
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*):.*@")]
    private static partial Regex PasswordPattern();
}
