using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>What a YAML scalar is, by the YAML 1.2 core schema.</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

/// <summary>
/// One file being read: builds positioned errors and reads typed scalars from YAML nodes. JSON
/// files go through the same path, as JSON is a subset of YAML.
/// </summary>
/// <remarks>
/// Scalars are typed by the YAML 1.2 core schema, which JSON agrees with: a plain <c>0.1</c> is a
/// number, a quoted <c>"0.1"</c> is a string, <c>yes</c> and <c>on</c> are strings (not the YAML
/// 1.1 booleans that surprise people). A categorical choice <c>"4"</c> therefore stays a string
/// while <c>4</c> is a number.
/// </remarks>
internal sealed partial class ConfigContext(string fileName)
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>The file name as the user gave it, for messages.</summary>
    public string FileName { get; } = fileName;

    public ConfigException Error(YamlNode node, string problem, string? hint = null) => Error(node.Start, problem, hint);

    public ConfigException Error(Mark mark, string problem, string? hint = null) =>
        new(FileName, (int)mark.Line, (int)mark.Column, problem, hint);

    public ConfigException Error(Mark mark, string problem, string? hint, Exception innerException) =>
        new(FileName, (int)mark.Line, (int)mark.Column, problem, hint, innerException);

    /// <summary>The kind and value of a scalar: null, bool, long, double or string.</summary>
    public (ScalarKind Kind, object? Value) Resolve(YamlScalarNode node)
    {
        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific)
        {
            if (node.Tag.Value != StringTag)
            {
                throw Error(node, $"the tag '{node.Tag.Value}' is not supported", "remove it; only !!str (to keep a value as a string) is understood");
            }

            return (ScalarKind.String, node.Value ?? "");
        }

        string text = node.Value ?? "";
        return node.Style is ScalarStyle.Plain or ScalarStyle.Any ? ResolvePlain(text) : (ScalarKind.String, text);
    }

    public YamlMappingNode Mapping(YamlNode node, string what, string? hint = null) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping, got {Describe(node)}", hint);

    public YamlSequenceNode Sequence(YamlNode node, string what, string? hint = null) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list, got {Describe(node)}", hint);

    /// <summary>A string; numbers and booleans count, as their text (a study named 2024, an argument 10).</summary>
    public string Text(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar && Resolve(scalar).Kind != ScalarKind.Null)
        {
            return scalar.Value ?? "";
        }

        throw Error(node, $"{what} must be a string, got {Describe(node)}");
    }

    /// <summary>A non-empty string.</summary>
    public string NonEmptyText(YamlNode node, string what)
    {
        string text = Text(node, what);
        return text.Trim().Length > 0 ? text : throw Error(node, $"{what} must not be empty");
    }

    public double Number(YamlNode node, string what) =>
        Scalar(node) is (ScalarKind.Integer or ScalarKind.Float, var value) ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : throw Error(node, $"{what} must be a number, got {Describe(node)}");

    public long Integer(YamlNode node, string what) =>
        Scalar(node) is (ScalarKind.Integer, long value) ? value
            : throw Error(node, $"{what} must be an integer, got {Describe(node)}");

    public bool Boolean(YamlNode node, string what) =>
        Scalar(node) is (ScalarKind.Boolean, bool value) ? value
            : throw Error(node, $"{what} must be true or false, got {Describe(node)}");

    /// <summary>A plain value for a choice, a condition or an option: string, long, double, bool or null.</summary>
    public object? Value(YamlNode node, string what) =>
        node is YamlScalarNode scalar ? Resolve(scalar).Value
            : throw Error(node, $"{what} must be a string, number, boolean or null, got {Describe(node)}");

    /// <summary>A number of seconds, as a positive duration.</summary>
    public TimeSpan Seconds(YamlNode node, string what)
    {
        double seconds = Number(node, $"{what} (in seconds)");
        if (!(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            throw Error(node, $"{what} must be a positive number of seconds, got {Describe(node)}");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Describes a node for "got …" in messages, by what the user wrote.</summary>
    public string Describe(YamlNode node)
    {
        if (node is YamlSequenceNode)
        {
            return "a list";
        }

        if (node is not YamlScalarNode scalar)
        {
            return "a mapping";
        }

        string text = scalar.Value ?? "";
        bool plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (!plain && ResolvePlain(text).Kind != ScalarKind.String)
        {
            // "0.1" in quotes looks like a number but is a string: say why it was refused.
            string meant = ResolvePlain(text).Kind switch
            {
                ScalarKind.Boolean => "a boolean",
                ScalarKind.Null => "null",
                _ => "a number",
            };
            return $"the quoted string '{Shorten(text)}' (remove the quotes for {meant})";
        }

        return text.Length == 0 && plain ? "nothing" : $"'{Shorten(text)}'";
    }

    private (ScalarKind Kind, object? Value) Scalar(YamlNode node) =>
        node is YamlScalarNode scalar ? Resolve(scalar) : (ScalarKind.String, null);

    /// <summary>What an untagged plain scalar is, by the YAML 1.2 core schema.</summary>
    internal static (ScalarKind Kind, object? Value) ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return (ScalarKind.Null, null);
            case "true" or "True" or "TRUE":
                return (ScalarKind.Boolean, true);
            case "false" or "False" or "FALSE":
                return (ScalarKind.Boolean, false);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return (ScalarKind.Float, double.PositiveInfinity);
            case "-.inf" or "-.Inf" or "-.INF":
                return (ScalarKind.Float, double.NegativeInfinity);
            case ".nan" or ".NaN" or ".NAN":
                return (ScalarKind.Float, double.NaN);
        }

        if (DecimalInteger().IsMatch(text))
        {
            // Integers beyond long are still numbers, just not usable as integers.
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                ? (ScalarKind.Integer, (object)l)
                : (ScalarKind.Float, (object)double.Parse(text, CultureInfo.InvariantCulture));
        }

        if (HexOrOctalInteger().IsMatch(text))
        {
            try
            {
                return (ScalarKind.Integer, Convert.ToInt64(text[2..], text[1] == 'x' ? 16 : 8));
            }
            catch (OverflowException)
            {
                return (ScalarKind.String, text);
            }
        }

        return FloatNumber().IsMatch(text)
            ? (ScalarKind.Float, (object)double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
            : (ScalarKind.String, text);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^0(x[0-9a-fA-F]+|o[0-7]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HexOrOctalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatNumber();
}
