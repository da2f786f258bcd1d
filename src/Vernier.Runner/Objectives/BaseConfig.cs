using System.Collections.Immutable;

namespace Vernier.Runner.Objectives;

/// <summary>
/// A configuration file that every trial of a command gets a copy of, with the trial's parameters
/// merged in as dotted overrides (<c>learner.opt</c> sets <c>opt</c> under <c>learner</c>). The base
/// file is never changed: each trial's copy is written to its folder (<c>config.yaml</c> or
/// <c>config.json</c>) and passed as <c>VERNIER_CONFIG_FILE</c> and the <c>{config}</c> placeholder.
/// </summary>
/// <remarks>
/// <para>
/// A study file sets it with <c>base_config</c> in <c>objective</c>; the loader reads the file once, so a
/// study runs every trial against the same content (which is part of the study's <see cref="Config.ConfigHash"/>).
/// </para>
/// <para>
/// Merge rules: a parameter's path must exist in the base config unless <see cref="AllowNewKeys"/>; it may
/// replace a scalar (string, number, boolean, null) but not a mapping or a list; inactive conditional
/// parameters leave the base value in place. Untouched values keep their text, types and key order;
/// comments are not kept.
/// </para>
/// </remarks>
public sealed record BaseConfig
{
    /// <summary>The base file's full path, for messages and <c>--dry-run</c>.</summary>
    /// <remarks>Required.</remarks>
    public required string Path { get; init; }

    /// <summary>The base file's text (YAML or JSON), as read when the study was loaded.</summary>
    /// <remarks>Required. It must hold one mapping.</remarks>
    public required string Content { get; init; }

    /// <summary>The format of each trial's merged file (<c>config_format</c>).</summary>
    /// <remarks>
    /// The default value is <see langword="null"/>: the base file's own format, JSON when its text starts
    /// with <c>{</c> and YAML otherwise.
    /// </remarks>
    public ConfigFileFormat? Format { get; init; }

    /// <summary>Whether a parameter may add a key the base config does not have (<c>allow_new_keys</c>).</summary>
    /// <remarks>The default value is <see langword="false"/>: an unknown path is an error, as a typo usually is.</remarks>
    public bool AllowNewKeys { get; init; }

    /// <summary>
    /// The config path of parameters whose name differs from it (<c>overrides: { lr: learner.step_size }</c>);
    /// every other parameter's path is its name.
    /// </summary>
    /// <remarks>The default value is empty.</remarks>
    public ImmutableSortedDictionary<string, string> Overrides { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The config path a parameter sets: its entry in <see cref="Overrides"/>, or its name.</summary>
    /// <param name="parameter">The parameter's name.</param>
    public string PathOf(string parameter) => Overrides.TryGetValue(parameter, out string? path) ? path : parameter;

    /// <summary>The format trials get: <see cref="Format"/>, or the base file's own.</summary>
    public ConfigFileFormat EffectiveFormat =>
        Format ?? (Content.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? ConfigFileFormat.Json : ConfigFileFormat.Yaml);
}

/// <summary>The format of a trial's merged configuration file.</summary>
public enum ConfigFileFormat
{
    /// <summary>YAML, written to <c>config.yaml</c>.</summary>
    Yaml = 0,

    /// <summary>JSON, written to <c>config.json</c> (readable with Python's standard library).</summary>
    Json = 1,
}
