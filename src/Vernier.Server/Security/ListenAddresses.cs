using System.Net;

namespace Vernier.Server.Security;

/// <summary>Which listening addresses stay on this machine (loopback) and which reach beyond it.</summary>
internal static class ListenAddresses
{
    /// <summary>The addresses in a ';'-separated list that are not loopback: wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>), LAN addresses and host names other than <c>localhost</c>.</summary>
    public static IReadOnlyList<string> BeyondLoopback(string urls) =>
        [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(url => !IsLoopback(url))];

    /// <summary>True when the address only accepts connections from this machine.</summary>
    public static bool IsLoopback(string url)
    {
        string host = HostOf(url);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The host part of <c>scheme://host:port/path</c>, also for wildcards that <see cref="Uri"/> refuses.</summary>
    internal static string HostOf(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[..(close + 1)] : rest;
        }

        int colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }
}
