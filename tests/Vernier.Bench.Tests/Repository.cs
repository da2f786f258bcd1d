using System.Runtime.CompilerServices;

namespace Vernier.Bench.Tests;

/// <summary>The repository's files, found from this source file's location.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string FunctionsJson => Path.Combine(Root, "bench", "functions.json");

    private static string FindRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
