using Vernier.Bench.Population;

namespace Vernier.Bench.Tests.Population;

public class PopulationBenchmarkTests
{
    [Fact]
    public void LearningRateSchedule_NoFixedRate_ReachesWhatADecayingScheduleReaches()
    {
        var (rate, error) = LearningRateSchedule.BestFixedRate();

        rate.ShouldBeInRange(0.02, 0.04);
        error.ShouldBeInRange(1.4e-4, 1.7e-4);
        LearningRateSchedule.GreedyScheduleError().ShouldBeLessThan(error / 2);
    }

    [Fact]
    public void LearningRateSchedule_Step_FollowsTheExpectedSquaredError()
    {
        LearningRateSchedule.Step(1.0, 0.5).ShouldBe((0.25 * 1.0) + (0.25 * LearningRateSchedule.NoiseVariance), 1e-15);
        LearningRateSchedule.Train(0.1, 2).ShouldBe(LearningRateSchedule.Step(LearningRateSchedule.Step(1.0, 0.1), 0.1), 1e-15);
    }

    [Fact]
    public async Task RunAsync_SameSeeds_GivesTheSameReportWithEqualSteps()
    {
        var first = await PopulationBenchmark.RunAsync(seeds: 2, populationSize: 4, interval: 50, CancellationToken.None);
        var second = await PopulationBenchmark.RunAsync(seeds: 2, populationSize: 4, interval: 50, CancellationToken.None);

        first.Population.StepsPerSeed.ShouldBe(first.Random.StepsPerSeed);
        first.Population.BestFinalErrors.ShouldBe(second.Population.BestFinalErrors);
        first.Random.BestFinalErrors.ShouldBe(second.Random.BestFinalErrors);
        first.FirstSeedBestLineageRates.Count.ShouldBe(4); // 200 steps in segments of 50
    }

    [Fact]
    public async Task RunAsync_IntervalThatDoesNotDivideTheRun_IsRefused()
    {
        var error = await Should.ThrowAsync<ArgumentException>(() => PopulationBenchmark.RunAsync(1, 4, 30, CancellationToken.None));

        error.Message.ShouldContain("--interval");
    }
}
