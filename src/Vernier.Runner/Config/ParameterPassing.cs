namespace Vernier.Runner.Config;

/// <summary>
/// How a command objective receives a trial's parameters on its command line
/// (<c>pass_parameters</c> in the file). <c>{name}</c> placeholders in the command are substituted
/// whatever the choice; <c>VERNIER_PARAMS_FILE</c> always points to a JSON file of the parameters.
/// </summary>
public enum ParameterPassing
{
    /// <summary><c>flags</c>: append <c>--name=value</c> for each parameter (argparse, click, System.CommandLine). The default.</summary>
    Flags = 0,

    /// <summary><c>key_value</c> (or <c>hydra</c>): append <c>name=value</c> for each parameter, as Hydra overrides.</summary>
    KeyValue = 1,

    /// <summary><c>none</c>: append nothing; the command takes its parameters from placeholders or the parameters file.</summary>
    None = 2,
}
