using System.Collections.Frozen;

namespace Vernier.Runner.Trackers;

/// <summary>
/// Tells names that look like secrets (<c>HF_TOKEN</c>, <c>wandb_api_key</c>, <c>dbPassword</c>) from others, so that
/// their values are replaced by <see cref="Mask"/> before any tracker sees them.
/// </summary>
/// <remarks>
/// A name is split into parts at underscores, dashes, dots, spaces and camel-case humps (<c>apiKey</c> → <c>api</c>,
/// <c>key</c>; <c>HFToken</c> → <c>hf</c>, <c>token</c>). It is a secret when a part is, ignoring case, one of
/// <c>token</c>, <c>secret</c>, <c>password</c>, <c>passwd</c>, <c>pwd</c>, <c>passphrase</c>, <c>key</c>,
/// <c>apikey</c>, <c>credential</c>, <c>credentials</c>, <c>auth</c>, <c>authorization</c> (with their plurals where
/// they make sense). Whole parts only: <c>keyboard</c>, <c>monkey</c>, <c>max_tokens</c> and <c>author</c> are not secrets;
/// <c>key_dim</c> is (redacting a harmless value costs less than leaking a key).
/// </remarks>
internal static class SecretNames
{
    /// <summary>What a secret's value is replaced with.</summary>
    public const string Mask = "***";

    private static readonly FrozenSet<string> Parts = new[]
    {
        "token", "secret", "secrets", "password", "passwords", "passwd", "pwd", "passphrase",
        "key", "apikey", "credential", "credentials", "auth", "authorization",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="name"/> looks like the name of a secret.</summary>
    /// <param name="name">A parameter, attribute or variable name.</param>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int start = 0;
        for (int i = 1; i <= name.Length; i++)
        {
            if (i == name.Length || IsBoundary(name, i))
            {
                if (Parts.Contains(name.AsSpan(start, i - start).Trim("_-. ").ToString()))
                {
                    return true;
                }

                start = i;
            }
        }

        return false;
    }

    // A part ends before i: at a separator, at a lower-case-to-upper-case hump (apiKey), or before the last capital of a run followed by lower case (HFToken).
    private static bool IsBoundary(string name, int i)
    {
        char previous = name[i - 1];
        char current = name[i];
        return current is '_' or '-' or '.' or ' '
            || (char.IsLower(previous) && char.IsUpper(current))
            || (char.IsUpper(previous) && char.IsUpper(current) && i + 1 < name.Length && char.IsLower(name[i + 1]));
    }
}
