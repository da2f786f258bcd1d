namespace Vernier.Runner.Config;

/// <summary>"Did you mean …?" for misspelt keys, types and parameter names.</summary>
internal static class KeySuggestions
{
    /// <summary>The candidate closest to <paramref name="input"/>, or null when none is close enough to be a likely typo.</summary>
    /// <param name="input">What the user wrote.</param>
    /// <param name="candidates">What is allowed, in preference order for ties.</param>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string normalisedInput = Normalise(input);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            string normalisedCandidate = Normalise(candidate);
            // Case, '-' and '_' differences (maxTrials, max-trials) are the commonest slips: always suggest.
            int distance = normalisedCandidate == normalisedInput ? 0 : Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // One edit per four characters, at least one and at most three: close enough to be a typo
        // ('max_trial', 'hihg'), far enough not to guess wildly ('retries' is not 'metrics').
        int allowed = Math.Clamp(input.Length / 4, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Normalise(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}
