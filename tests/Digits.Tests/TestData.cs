namespace Vernier.Examples.Digits.Tests;

/// <summary>The data set, loaded once for all tests: it is immutable.</summary>
internal static class TestData
{
    private static readonly Lazy<DigitsDataset> LazyDataset = new(() => DigitsDataset.Load(DigitsDataset.DefaultPath));

    public static DigitsDataset Dataset => LazyDataset.Value;
}
