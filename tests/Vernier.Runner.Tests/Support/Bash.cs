using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Support;

/// <summary>Command objectives whose command is a bash script given inline (no script file, so no "text file busy" races).</summary>
internal static class Bash
{
    /// <summary>Options running <c>bash -c script trial</c>; appended parameters become <c>$1 $2 …</c>.</summary>
    public static CommandObjectiveOptions Options(string script, string metric = "val_loss") => new()
    {
        Command = ["bash", "-c", script, "trial"],
        Metric = metric,
        TerminationGracePeriod = TimeSpan.FromSeconds(5),
    };

    public static CommandTrialRequest Request(TempDirectory temp, int number = 0, params KeyValuePair<string, object?>[] parameters) =>
        new(number, parameters, temp.Combine($"trial-{number}"));

    public static KeyValuePair<string, object?> P(string name, object? value) => new(name, value);
}
