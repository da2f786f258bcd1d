namespace Vernier.Bench;

/// <summary>Locates the repository (the folder holding <c>Vernier.slnx</c>) and the benchmark's files in it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string FunctionsJson => Path.Combine(Root, "bench", "functions.json");

    public static string OptunaScript => Path.Combine(Root, "bench", "optuna_bench.py");

    public static string OptunaImportanceScript => Path.Combine(Root, "bench", "optuna_importance.py");

    public static string ResultsDirectory => Path.Combine(Root, "bench", "results");

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Vernier.slnx")) && File.Exists(Path.Combine(dir.FullName, "bench", "functions.json")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository (a folder with Vernier.slnx and bench/functions.json) above the current directory.");
    }
}
