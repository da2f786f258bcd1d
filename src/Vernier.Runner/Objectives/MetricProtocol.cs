using System.Globalization;

namespace Vernier.Runner.Objectives;

/// <summary>Reads the METRIC protocol: how a trial's process reports values on standard output.</summary>
/// <remarks>
/// <para>The grammar, one line at a time:</para>
/// <list type="bullet">
/// <item><c>METRIC name=value [name=value …]</c>: final values; for each name the last one printed wins.</item>
/// <item><c>METRIC step=N name=value [name=value …]</c>: intermediate values at step N (an integer ≥ 0), for pruning and learning curves.</item>
/// <item><c>METRIC name value</c>: a single final value, for programs that print with spaces (<c>print("METRIC", name, value)</c>).</item>
/// </list>
/// <para>
/// <c>METRIC</c> is upper case and starts the line; leading and trailing whitespace, a colon after
/// <c>METRIC</c>, whitespace around <c>=</c> and commas between pairs are tolerated. Names start with a
/// letter or underscore and continue with letters, digits, <c>_ . - /</c> (so <c>val/loss</c> works);
/// <c>step</c> is reserved. Values are invariant-culture numbers with optional sign and exponent
/// (<c>1e-3</c>, <c>-2.5E+04</c>) or the spellings <c>nan</c>, <c>inf</c>, <c>infinity</c> in any case
/// and with a sign. A line that starts with <c>METRIC</c> but breaks these rules is
/// <see cref="MetricLineKind.Malformed"/> and ignored as a whole; the runner keeps it in the log and
/// reports a warning. A word that merely begins with METRIC (<c>METRICS:</c>) is ordinary output.
/// </para>
/// </remarks>
public static class MetricProtocol
{
    /// <summary>The word that starts a METRIC line.</summary>
    public const string Prefix = "METRIC";

    /// <summary>The reserved name that marks a line as intermediate.</summary>
    public const string StepName = "step";

    /// <summary>Parses one line of output (without its line terminator).</summary>
    /// <param name="line">The line.</param>
    /// <returns>What the line means; never null.</returns>
    public static MetricLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        ReadOnlySpan<char> text = line.AsSpan().Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return MetricLine.NotMetric;
        }

        ReadOnlySpan<char> rest = text[Prefix.Length..];
        if (rest.Length > 0 && rest[0] == ':')
        {
            rest = rest[1..];
        }
        else if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]))
        {
            return MetricLine.NotMetric;
        }

        List<string> tokens = Tokenize(rest);
        if (tokens.Count == 0)
        {
            return MetricLine.Malformed("no values after METRIC; expected name=value");
        }

        if (tokens.Count == 2 && tokens[0] != "=" && tokens[1] != "=")
        {
            return ParseNameSpaceValue(tokens[0], tokens[1]);
        }

        return ParsePairs(tokens);
    }

    /// <summary>True when a name can be printed in a METRIC line (and is not the reserved <c>step</c>).</summary>
    /// <param name="name">A metric name.</param>
    public static bool IsValidMetricName(string? name) =>
        !string.IsNullOrEmpty(name) && name != StepName && IsName(name);

    /// <summary>Parses a metric value: an invariant-culture number, or nan / inf / infinity with an optional sign, in any case.</summary>
    /// <param name="text">The value as printed.</param>
    /// <param name="value">The number.</param>
    public static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        ReadOnlySpan<char> body = text;
        bool negative = false;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        // NumberStyles.Float: sign, decimal point, exponent; no thousands separators, no hex, no currency.
        // It also accepts surrounding whitespace, which tokenizing has already removed.
        if (body.Length > 0 && (char.IsAsciiDigit(body[0]) || body[0] == '.'))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        value = 0;
        return false;
    }

    private static MetricLine ParseNameSpaceValue(string name, string valueText)
    {
        if (!IsName(name))
        {
            return MetricLine.Malformed($"'{name}' is not a valid metric name");
        }

        if (name == StepName)
        {
            return MetricLine.Malformed("step needs metric values, as in METRIC step=3 val_loss=0.52");
        }

        if (!TryParseValue(valueText, out double value))
        {
            return MetricLine.Malformed($"value '{valueText}' for '{name}' is not a number");
        }

        return MetricLine.Final(new Dictionary<string, double> { [name] = value });
    }

    private static MetricLine ParsePairs(List<string> tokens)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        long? step = null;
        int i = 0;
        while (i < tokens.Count)
        {
            string name = tokens[i];
            if (name == "=")
            {
                return MetricLine.Malformed("'=' without a name before it");
            }

            if (!IsName(name))
            {
                return MetricLine.Malformed($"'{name}' is not a valid metric name");
            }

            if (i + 2 >= tokens.Count || tokens[i + 1] != "=" || tokens[i + 2] == "=")
            {
                return MetricLine.Malformed($"'{name}' has no value; expected {name}=<number>");
            }

            string valueText = tokens[i + 2];
            if (name == StepName)
            {
                if (step is not null)
                {
                    return MetricLine.Malformed("step appears more than once");
                }

                if (!TryParseStep(valueText, out long s))
                {
                    return MetricLine.Malformed($"step must be a whole number ≥ 0, got '{valueText}'");
                }

                step = s;
            }
            else
            {
                if (!TryParseValue(valueText, out double value))
                {
                    return MetricLine.Malformed($"value '{valueText}' for '{name}' is not a number");
                }

                values[name] = value;
            }

            i += 3;
        }

        if (values.Count == 0)
        {
            return MetricLine.Malformed($"step={step} but no metric values; expected METRIC step={step} name=<number>");
        }

        return step is { } st ? MetricLine.Intermediate(st, values) : MetricLine.Final(values);
    }

    private static bool TryParseStep(string text, out long step)
    {
        step = 0;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
        {
            step = whole;
            return whole >= 0;
        }

        // Programs that count steps in floats print 3.0; accept it when it is whole.
        if (TryParseValue(text, out double d) && double.IsFinite(d) && d >= 0 && d == Math.Floor(d) && d <= long.MaxValue)
        {
            step = (long)d;
            return true;
        }

        return false;
    }

    // Splits on whitespace and commas, and makes every '=' a token of its own, so that
    // "a=1", "a = 1" and "a =1," all give [a, =, 1].
    private static List<string> Tokenize(ReadOnlySpan<char> text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            bool separator = char.IsWhiteSpace(c) || c == ',' || c == '=';
            if (separator)
            {
                if (start >= 0)
                {
                    tokens.Add(text[start..i].ToString());
                    start = -1;
                }

                if (c == '=')
                {
                    tokens.Add("=");
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        return tokens;
    }

    private static bool IsName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
