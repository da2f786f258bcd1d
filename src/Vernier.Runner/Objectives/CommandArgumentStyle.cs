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

    /// <summary>Append <c>name=value</c> for each parameter, the value as <see cref="Flags"/> writes it.</summary>
    KeyValue = 1,

    /// <summary>Append nothing: the command takes its parameters from placeholders, <c>VERNIER_PARAMS_FILE</c> or both.</summary>
    None = 2,

    /// <summary>
    /// Append Hydra overrides, <c>name=value</c> in Hydra's override grammar (<c>optimizer.lr=0.01</c>): strings that
    /// Hydra would read as another type or that hold special characters are quoted (<c>tag='4'</c>, <c>note='a b'</c>),
    /// infinities are <c>inf</c>/<c>-inf</c>, NaN is <c>nan</c>; with a <see cref="BaseConfig"/>, a key the base config
    /// lacks gets Hydra's <c>+</c> (<c>+trainer.new_key=1</c>).
    /// </summary>
    Hydra = 3,
}
