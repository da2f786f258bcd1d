using Vernier.Server.Http;
using Vernier.Trials;

namespace Vernier.Server.Studies;

/// <summary>The filter, order and page of a trials list (<c>?state=complete,pruned&amp;sort=-value&amp;page=2&amp;page_size=50</c>).</summary>
internal sealed record TrialQuery(IReadOnlyCollection<TrialState>? States, string Sort, int Page, int PageSize)
{
    /// <summary>The default number of trials per page.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest page size allowed.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The accepted sort keys; a leading '-' sorts descending.</summary>
    public static readonly IReadOnlyList<string> SortKeys = ["number", "-number", "value", "-value", "duration", "-duration"];

    /// <summary>Parses the query parameters, naming the first bad one.</summary>
    /// <exception cref="ApiProblemException">A parameter is out of range or unknown (400).</exception>
    public static TrialQuery Parse(string? state, string? sort, string? page, string? pageSize) =>
        Parse(state, sort, Whole("page", page), Whole("page_size", pageSize));

    /// <summary>Parses the query parameters, naming the first bad one.</summary>
    /// <exception cref="ApiProblemException">A parameter is out of range or unknown (400).</exception>
    public static TrialQuery Parse(string? state, string? sort, int? page, int? pageSize)
    {
        List<TrialState>? states = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            states = [];
            foreach (string name in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    states.Add(TrialStateExtensions.ParseWireName(name));
                }
                catch (FormatException e)
                {
                    throw ApiProblemException.BadField("state", e.Message);
                }
            }
        }

        sort = string.IsNullOrWhiteSpace(sort) ? "number" : sort.Trim().ToLowerInvariant();
        if (!SortKeys.Contains(sort))
        {
            throw ApiProblemException.BadField("sort", $"unknown sort '{sort}'; expected one of {string.Join(", ", SortKeys)}.");
        }

        if (page is < 1)
        {
            throw ApiProblemException.BadField("page", $"page must be at least 1; got {page}.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            throw ApiProblemException.BadField("page_size", $"page_size must be between 1 and {MaxPageSize}; got {pageSize}.");
        }

        return new TrialQuery(states, sort, page ?? 1, pageSize ?? DefaultPageSize);
    }

    private static int? Whole(string name, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw ApiProblemException.BadField(name, $"{name} must be a whole number; got '{text}'.");
    }

    /// <summary>Orders the trials; trials without the key (no value, no duration) come last either way, ties in number order.</summary>
    public IEnumerable<FrozenTrial> Order(IEnumerable<FrozenTrial> trials)
    {
        bool descending = Sort.StartsWith('-');
        Func<FrozenTrial, double?> key = Sort.TrimStart('-') switch
        {
            "value" => t => t.Values.Length > 0 && !double.IsNaN(t.Values[0]) ? t.Values[0] : null,
            "duration" => t => t.Duration?.TotalSeconds,
            _ => t => t.Number,
        };
        IOrderedEnumerable<FrozenTrial> ordered = trials.OrderBy(t => key(t) is null ? 1 : 0);
        ordered = descending ? ordered.ThenByDescending(t => key(t) ?? 0) : ordered.ThenBy(t => key(t) ?? 0);
        return ordered.ThenBy(t => t.Number);
    }
}
