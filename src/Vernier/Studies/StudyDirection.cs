namespace Vernier.Studies;

/// <summary>Whether an objective is minimized or maximized.</summary>
public enum StudyDirection
{
    /// <summary>Smaller is better.</summary>
    Minimize = 0,

    /// <summary>Larger is better.</summary>
    Maximize = 1,
}

/// <summary>Helpers on <see cref="StudyDirection"/>.</summary>
public static class StudyDirectionExtensions
{
    /// <summary>True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>.</summary>
    /// <param name="direction">The direction.</param>
    /// <param name="candidate">A new value.</param>
    /// <param name="incumbent">The value to beat.</param>
    public static bool IsBetter(this StudyDirection direction, double candidate, double incumbent) =>
        direction == StudyDirection.Minimize ? candidate < incumbent : candidate > incumbent;

    /// <summary>The lower-case name used in files: minimize or maximize.</summary>
    /// <param name="direction">The direction.</param>
    public static string ToWireName(this StudyDirection direction) =>
        direction == StudyDirection.Minimize ? "minimize" : "maximize";

    /// <summary>Parses minimize/min or maximize/max (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="FormatException">Not a direction.</exception>
    public static StudyDirection ParseWireName(string name) => name.ToLowerInvariant() switch
    {
        "minimize" or "min" => StudyDirection.Minimize,
        "maximize" or "max" => StudyDirection.Maximize,
        _ => throw new FormatException($"unknown direction '{name}'; expected minimize or maximize."),
    };
}
