using Vernier.Runner.Config;
using Vernier.Storage;
using Vernier.Studies;

namespace Vernier.Runner.Tests.Config;

/// <summary>The resource keys heartbeat_interval and stale_after.</summary>
public sealed class HeartbeatKeysTests
{
    private static StudyDefinition Parse(string resource) => StudyDefinitionLoader.Parse(
        $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ command: [python3, train.py], metric: loss }}\nresource: {{ {resource} }}\n", "study.yaml");

    [Fact]
    public void Parse_NoHeartbeatKeys_BeatsEveryTenSecondsAndGoesStaleAfterAMinute()
    {
        ResourceDefinition resource = Parse("max_concurrent: 1").Resource;

        resource.HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(10));
        resource.StaleAfter.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task CreateBuilder_HeartbeatKeys_ReachTheStudysOptions()
    {
        StudyDefinition definition = Parse("heartbeat_interval: 2, stale_after: 7.5");

        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();

        study.Options.HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(2));
        study.Options.StaleAfter.ShouldBe(TimeSpan.FromSeconds(7.5));
    }

    [Theory]
    [InlineData("stale_after: 5", "study.yaml:3:26: stale_after (5 s) must be longer than heartbeat_interval (10 s); a trial is failed as stale after missing several heartbeats")]
    [InlineData("heartbeat_interval: 90", "study.yaml:3:33: stale_after (60 s) must be longer than heartbeat_interval (90 s)")]
    [InlineData("heartbeat_interval: 0", "study.yaml:3:33: heartbeat_interval must be a positive number of seconds, got '0'")]
    [InlineData("stale_after: soon", "study.yaml:3:26: stale_after (in seconds) must be a number, got 'soon'")]
    public void Parse_BadHeartbeatKeys_NameTheKey(string resource, string message) =>
        Should.Throw<ConfigException>(() => Parse(resource)).Message.ShouldStartWith(message);
}
