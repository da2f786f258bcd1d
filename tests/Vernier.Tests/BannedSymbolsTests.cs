using System.Text.RegularExpressions;

namespace Vernier.Tests;

/// <summary>Time and randomness are injected (TimeProvider, streams derived from the seed): the product never reads them directly.</summary>
public partial class BannedSymbolsTests
{
    [Fact]
    public void ProductCode_NeverReadsTheClockOrASharedRandomDirectly()
    {
        string src = Path.Combine(RepositoryRoot(), "src");
        string[] offences =
        [
            .. Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
                .Where(l => Banned().IsMatch(l.Text) && !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
                .Select(l => $"{Path.GetRelativePath(src, l.File)}:{l.Line}: {l.Text.Trim()}"),
        ];
        offences.ShouldBeEmpty("use the injected TimeProvider and the seed-derived RandomStream instead");
    }

    [GeneratedRegex(@"DateTime(Offset)?\.(Now|UtcNow)|Random\.Shared|new Random\(|Environment\.TickCount")]
    private static partial Regex Banned();

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
