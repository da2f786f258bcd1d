using Vernier.Runner.Config;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Config;

/// <summary>The objective keys max_retries, retry_on and retry_backoff.</summary>
public sealed class RetryKeysTests
{
    private static StudyDefinition Parse(string objectiveExtra, string kind = "command: [python3, train.py]") => StudyDefinitionLoader.Parse(
        $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ {kind}, metric: loss{objectiveExtra} }}\n", "study.yaml");

    [Fact]
    public void Parse_NoRetryKeys_GivesTheDefaults()
    {
        ObjectiveDefinition objective = Parse("").Objective;

        objective.MaxRetries.ShouldBe(0);
        objective.RetryOn.ShouldBe([CommandFailureClass.OomKilled, CommandFailureClass.Signal, CommandFailureClass.Timeout]);
        objective.RetryBackoff.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Parse_RetryKeys_AreRead()
    {
        ObjectiveDefinition objective = Parse(", max_retries: 3, retry_on: [exit_code, no_metric, exit_code], retry_backoff: 0.5").Objective;

        objective.MaxRetries.ShouldBe(3);
        objective.RetryOn.ShouldBe([CommandFailureClass.ExitCode, CommandFailureClass.NoMetric]);
        objective.RetryBackoff.ShouldBe(TimeSpan.FromSeconds(0.5));
        StudyComposition.RetryPolicy(objective).ShouldNotBeNull();
    }

    [Fact]
    public void Parse_ZeroBackoff_IsAllowed() => Parse(", retry_backoff: 0").Objective.RetryBackoff.ShouldBe(TimeSpan.Zero);

    [Theory]
    [InlineData(", max_retries: -1", "'max_retries' must be between 0 and 100, got -1")]
    [InlineData(", retry_backoff: 301", "'retry_backoff' must be between 0 and 300 seconds, got '301'")]
    [InlineData(", retry_on: [oom]", "'oom' is not a failure class 'retry_on' accepts; allowed: out_of_memory, oom_killed, timeout, signal, exit_code, no_metric")]
    [InlineData(", retry_on: [interrupted]", "'interrupted' is not a failure class 'retry_on' accepts; interrupted trials are always retried within max_retries")]
    public void Parse_BadRetryKey_NamesTheProblem(string extra, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(extra));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_RetryOnForACallable_IsRefused()
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(", retry_on: [signal]", "callable: \"a.dll:N.T.M\""));

        error.Message.ShouldContain("'retry_on' applies only to a command objective");
    }
}
