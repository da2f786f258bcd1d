using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

public sealed class KeySuggestionsTests
{
    private static readonly string[] TopLevel = ["name", "storage", "space", "search_space", "objective", "max_trials", "timeout"];

    [Theory]
    [InlineData("max_trial", "max_trials")]
    [InlineData("maxTrials", "max_trials")]
    [InlineData("max-trials", "max_trials")]
    [InlineData("objetcive", "objective")]
    [InlineData("sapce", "space")]
    [InlineData("timout", "timeout")]
    [InlineData("retries", null)]
    [InlineData("x", null)]
    public void Closest_SuggestsOnlyLikelyTypos(string input, string? expected)
    {
        KeySuggestions.Closest(input, TopLevel).ShouldBe(expected);
    }
}
