using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vernier.Runner.Objectives;

/// <summary>Turns parameter values into command-line text and into <c>params.json</c>.</summary>
internal static partial class ParameterValues
{
    // Words Hydra reads as a boolean, null or float in any case.
    private static readonly HashSet<string> HydraKeywords = new(StringComparer.OrdinalIgnoreCase) { "true", "false", "null", "nan", "inf" };

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        // The file is read by training programs, never embedded in HTML: keep non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Brings a value to double, long, string, bool or null.</summary>
    /// <exception cref="ArgumentException">Another type.</exception>
    public static object? Normalise(string name, object? value) => value switch
    {
        null or double or long or string or bool => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        sbyte sb => (long)sb,
        ushort us => (long)us,
        uint ui => (long)ui,
        ulong ul when ul <= long.MaxValue => (long)ul,

        // Through the float's own shortest text, so 0.1f becomes 0.1 rather than 0.10000000149011612.
        float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        decimal m => (double)m,
        _ => throw new ArgumentException(
            $"parameter '{name}' has a value of type {value.GetType().Name}; expected a double, long, string, bool or null."),
    };

    /// <summary>The text of a normalised value on a command line.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => throw new ArgumentException($"unexpected parameter value type {value.GetType().Name}."),
    };

    /// <summary>
    /// The right-hand side of a Hydra override (<c>key=value</c>) that Hydra reads back as the same value and type:
    /// numbers, <c>true</c>/<c>false</c> and <c>null</c> bare; <c>nan</c>, <c>inf</c>, <c>-inf</c>; a string bare when
    /// Hydra reads it as that string (<c>adam</c>, <c>resnet-50</c>, <c>data/train</c>), otherwise quoted, with quotes,
    /// a final backslash and <c>${</c> escaped as Hydra's grammar requires (<c>'4'</c>, <c>'true'</c>, <c>'a,b'</c>, <c>''</c>).
    /// </summary>
    public static string FormatHydra(object? value) => value switch
    {
        double d when double.IsNaN(d) => "nan",
        double d when double.IsInfinity(d) => d > 0 ? "inf" : "-inf",
        string s => HydraString(s),
        _ => Format(value),
    };

    private static string HydraString(string s)
    {
        if (HydraBare().IsMatch(s) && !HydraKeywords.Contains(s))
        {
            return s;
        }

        // Hydra halves a run of backslashes before a quote, a '$' or the end of the string, and reads \' and \${ as escapes.
        char quote = !s.Contains('\'') || s.Contains('"') ? '\'' : '"';
        var text = new StringBuilder().Append(quote);
        int backslashes = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            bool escaped = c == quote || (c == '$' && i + 1 < s.Length && s[i + 1] == '{');
            int run = c == quote || c == '$' ? 2 * backslashes : backslashes;
            text.Append('\\', escaped ? run + 1 : run).Append(c);
            backslashes = 0;
        }

        return text.Append('\\', 2 * backslashes).Append(quote).ToString();
    }

    /// <summary>
    /// The shortest text that parses back to the same double, with a lower-case exponent, and with
    /// <c>.0</c> on whole numbers so that readers that infer types (JSON, YAML, Hydra) still see a float.
    /// </summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        string text = d.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    /// <summary>The JSON object of the parameters, in order; NaN and infinities as the strings "NaN", "Infinity", "-Infinity".</summary>
    public static byte[] ToJson(IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach ((string name, object? value) in parameters)
            {
                writer.WritePropertyName(name);
                WriteJsonValue(writer, value);
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes a parameter's value as JSON: null, a boolean, an integer, a number as <see cref="FormatDouble"/> writes it
    /// (NaN and the infinities, which JSON lacks, as strings), anything else as its <see cref="Format"/> string.
    /// </summary>
    internal static void WriteJsonValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteRawValue(FormatDouble(d));
                break;
            case double d:
                writer.WriteStringValue(FormatDouble(d));
                break;
            default:
                writer.WriteStringValue(Format(value));
                break;
        }
    }

    /// <summary>Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed over the target.</summary>
    public static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(path) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // Strings Hydra reads bare as the same string: an identifier, then letters, digits and _ - . /.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-./]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HydraBare();
}
