namespace Vernier.Examples.Digits.Tests;

public class SeededRandomTests
{
    [Fact]
    public void Sequence_IsXoshiro256StarStarSeededBySplitMix64()
    {
        // The same value Vernier's RandomStream pins for seed 0: the reference algorithm, on every machine.
        new SeededRandom(0).NextUInt64().ShouldBe(0x99EC5F36CB75F2B4UL);
    }

    [Fact]
    public void ForPurpose_SeparatesStreams()
    {
        SeededRandom.ForPurpose(1, 1).NextUInt64().ShouldNotBe(SeededRandom.ForPurpose(1, 2).NextUInt64());
        SeededRandom.ForPurpose(1, 1).NextUInt64().ShouldBe(SeededRandom.ForPurpose(1, 1).NextUInt64());
    }

    [Fact]
    public void NextInt32_StaysInRange_AndHitsEveryValue()
    {
        var random = new SeededRandom(3);
        int[] draws = [.. Enumerable.Range(0, 1000).Select(_ => random.NextInt32(7))];

        draws.ShouldAllBe(d => d >= 0 && d < 7);
        draws.Distinct().Count().ShouldBe(7);
    }

    [Fact]
    public void Shuffle_IsAPermutation()
    {
        int[] items = [.. Enumerable.Range(0, 50)];

        new SeededRandom(4).Shuffle(items);

        items.ShouldNotBe(Enumerable.Range(0, 50));
        items.Order().ShouldBe(Enumerable.Range(0, 50));
    }
}
