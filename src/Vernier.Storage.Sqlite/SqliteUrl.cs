using System.Text.RegularExpressions;

namespace Vernier.Storage.Sqlite;

/// <summary>Reads the file path out of a storage URL (<c>sqlite:///relative.db</c>, <c>sqlite:////absolute.db</c>) or a plain path.</summary>
internal static partial class SqliteUrl
{
    private const string Scheme = "sqlite:";
    private const string Forms = "use sqlite:///relative/path.db, sqlite:////absolute/path.db or a plain file path";

    /// <summary>The file path the URL or path names; relative paths are relative to the current directory.</summary>
    /// <param name="urlOrPath">A <c>sqlite:</c> URL or a file path.</param>
    /// <exception cref="ArgumentException">Not a SQLite URL or path; the message says which forms are accepted.</exception>
    public static string ToFilePath(string urlOrPath)
    {
        ArgumentNullException.ThrowIfNull(urlOrPath);
        if (string.IsNullOrWhiteSpace(urlOrPath))
        {
            throw Invalid($"a SQLite storage needs a database file; {Forms}.");
        }

        string path;
        if (urlOrPath.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            string rest = urlOrPath[Scheme.Length..];
            if (!rest.StartsWith("///", StringComparison.Ordinal))
            {
                throw Invalid(rest.StartsWith("//", StringComparison.Ordinal)
                    ? $"'{urlOrPath}' names a host, but a SQLite database is a local file: {Forms}."
                    : $"'{urlOrPath}' is missing the three slashes after 'sqlite:'; {Forms}.");
            }

            path = rest[3..];
            if (path.Length == 0)
            {
                throw Invalid($"'{urlOrPath}' names no file; {Forms}.");
            }

            if (path.Contains('?', StringComparison.Ordinal))
            {
                throw Invalid($"'{urlOrPath}' has query parameters, which a SQLite URL does not take: set them in SqliteStorageOptions.");
            }
        }
        else if (OtherScheme().Match(urlOrPath) is { Success: true } other)
        {
            throw Invalid($"'{urlOrPath}' is a {other.Groups[1].Value}: URL, not a SQLite one; {Forms}.");
        }
        else
        {
            path = urlOrPath;
        }

        if (path == ":memory:")
        {
            throw Invalid("an in-memory SQLite database would vanish between calls; use the memory: storage (InMemoryStorage) instead.");
        }

        return path;
    }

    private static ArgumentException Invalid(string message) => new(message, "urlOrPath");

    /// <summary>A URL scheme of two or more characters (one letter is a Windows drive, as in <c>C:\runs\study.db</c>).</summary>
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]+):")]
    private static partial Regex OtherScheme();
}
