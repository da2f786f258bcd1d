using System.Text.Json;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

/// <summary>Failed trials retried by <see cref="StudyOptions.RetryFailed"/>, with backoff through the study's clock.</summary>
public class StudyRetryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Optimize_RetryFailedWithBackoff_WaitsDoublingDelaysAndStartsNoEarlierThanRetryNotBefore()
    {
        var clock = new JumpingTimeProvider(Start);
        await using Study study = await Study.Builder("retry-backoff").UseStorage(new InMemoryStorage())
            .Configure(o => { o.TimeProvider = clock; o.MaxRetries = 3; o.RetryBackoff = TimeSpan.FromSeconds(5); o.RetryFailed = t => t.FailReason == "flaky"; })
            .CreateAsync();
        var objectiveStarts = new List<DateTimeOffset>();

        OptimizeResult result = await study.OptimizeAsync(
            trial =>
            {
                objectiveStarts.Add(clock.GetUtcNow());
                trial.SuggestFloat("x", 0, 1);
                throw new TrialFailedException("flaky");
            },
            new OptimizeOptions { NTrials = 1 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(4);
        result.TrialsStarted.ShouldBe(1);
        clock.Delays.ShouldBe([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)]);
        for (int i = 1; i < 4; i++)
        {
            DateTimeOffset notBefore = trials[i].SystemAttributes[SystemAttributes.RetryNotBefore].GetDateTimeOffset();
            objectiveStarts[i].ShouldBeGreaterThanOrEqualTo(notBefore);
            trials[i].SystemAttributes[SystemAttributes.RetryOf].GetInt32().ShouldBe(0);
            trials[i].SystemAttributes[SystemAttributes.RetryCount].GetInt32().ShouldBe(i);
            trials[i].Params["x"].ShouldBe(trials[0].Params["x"]);
        }

        trials.Take(3).ShouldAllBe(t => t.SystemAttributes.ContainsKey(SystemAttributes.Retried) && !TrialBudget.Counts(t));
        trials[3].SystemAttributes.ContainsKey(SystemAttributes.Retried).ShouldBeFalse();
        TrialBudget.Counts(trials[3]).ShouldBeTrue();
    }

    [Fact]
    public async Task Optimize_RetryFailedSaysNo_DoesNotRetry()
    {
        await using Study study = await Study.Builder("retry-no").UseStorage(new InMemoryStorage())
            .Configure(o => { o.MaxRetries = 3; o.RetryFailed = t => t.FailReason == "flaky"; })
            .CreateAsync();

        await study.OptimizeAsync(trial => throw new TrialFailedException("deterministic"), new OptimizeOptions { NTrials = 2 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(2);
        trials.ShouldAllBe(t => !t.SystemAttributes.ContainsKey(SystemAttributes.RetryOf) && TrialBudget.Counts(t));
    }

    [Fact]
    public async Task Optimize_InterruptedTrial_IsClassedInterrupted()
    {
        await using Study study = await Study.Builder("retry-interrupted").UseStorage(new InMemoryStorage()).CreateAsync();
        using var cancel = new CancellationTokenSource();

        await study.OptimizeAsync(
            async (Trial trial, CancellationToken token) =>
            {
                await cancel.CancelAsync();
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return 0.0;
            },
            new OptimizeOptions { NTrials = 1 },
            cancel.Token).ShouldThrowAsync<OperationCanceledException>();

        FrozenTrial only = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        only.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("interrupted");
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(7, 300)]
    [InlineData(60, 300)]
    public void RetryBackoff_DoublesPerRetryAndIsCappedAtFiveMinutes(int retry, double seconds) =>
        Study.RetryBackoff(TimeSpan.FromSeconds(5), retry).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Create_RetryBackoffOutOfRange_IsRefused()
    {
        var error = await Should.ThrowAsync<ArgumentException>(() =>
            Study.Builder("bad-backoff").Configure(o => o.RetryBackoff = TimeSpan.FromMinutes(6)).CreateAsync());
        error.Message.ShouldBe("RetryBackoff must be between 0 and 300 s, got 00:06:00.");
    }
}
