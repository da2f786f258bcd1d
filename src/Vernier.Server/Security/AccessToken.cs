using System.Security.Cryptography;

namespace Vernier.Server.Security;

/// <summary>Access tokens: generated ones and ones read from a file.</summary>
public static class AccessToken
{
    /// <summary>A new token: 32 cryptographically random bytes, base64url-encoded (43 characters).</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// True when <paramref name="urls"/> (separated by ';') include an address beyond loopback: a wildcard (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>), a LAN address or a host name other than <c>localhost</c>. The server then requires a token.
    /// </summary>
    /// <param name="urls">The listening addresses.</param>
    public static bool IsRequiredFor(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return ListenAddresses.BeyondLoopback(urls).Count > 0;
    }

    /// <summary>Reads a token from a file: its content with surrounding white space removed.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ArgumentException">The file is missing, empty or holds white space inside the token.</exception>
    public static string ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"the token file {path} does not exist.", nameof(path));
        }

        string token = File.ReadAllText(path).Trim();
        if (token.Length == 0)
        {
            throw new ArgumentException($"the token file {path} is empty; write a token (for example 32 random bytes in base64) into it.", nameof(path));
        }

        if (token.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"the token file {path} holds more than one word; a token is one line without spaces.", nameof(path));
        }

        return token;
    }
}
