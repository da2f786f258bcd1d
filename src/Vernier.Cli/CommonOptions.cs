using System.CommandLine;

namespace Vernier.Cli;

/// <summary>The options every command that reads or writes a study shares.</summary>
internal static class CommonOptions
{
    public static Option<string?> Storage() => new("--storage")
    {
        Description = $"Storage URL: sqlite:///path.db, sqlite:////abs/path.db, postgresql://user@host:5432/db or memory: (default: the config's storage, else {StorageLocator.DefaultUrl}).",
        HelpName = "URL",
    };

    public static Option<string?> StudyName() => new("--study-name", "--study")
    {
        Description = "The study's name (default: the config's name, else the config file's name).",
        HelpName = "NAME",
    };

    public static Option<FileInfo?> Config(bool required = false) => new("--config", "-c")
    {
        Description = "The study file (YAML or JSON).",
        HelpName = "FILE",
        Required = required,
    };
}
