namespace Vernier.Runner.Objectives;

/// <summary>How a command objective appends a trial's parameters to its command line.</summary>
/// <remarks>
/// Independently of the style, <c>{name}</c> placeholders in any element of the command are always
/// substituted; a parameter used by a placeholder is not appended again.
/// </remarks>
public enum CommandArgumentStyle
{
    /// <summary>Append <c>--name=value</c> for each parameter (argparse, click, System.CommandLine).</summary>
    Flags = 0,

    /// <summary>Append <c>name=value</c> for each parameter (Hydra overrides such as <c>optimizer.lr=0.01</c>).</summary>
    KeyValue = 1,

    /// <summary>Append nothing: the command takes its parameters from placeholders, <c>VERNIER_PARAMS_FILE</c> or both.</summary>
    None = 2,
}
