using System.IO.Compression;
using System.Text;

namespace Vernier.Examples.Digits.Tests;

public class DigitsDatasetTests
{
    [Fact]
    public void Load_DefaultFile_Has1797ImagesOf64PixelsIn10Classes()
    {
        DigitsDataset data = TestData.Dataset;

        data.Count.ShouldBe(1797);
        data.Train.Count.ShouldBe(1438);
        data.Validation.Count.ShouldBe(359);
        foreach (DigitsSubset part in new[] { data.Train, data.Validation })
        {
            Enumerable.Range(0, part.Count).Select(part.GetLabel).Distinct().Order().ShouldBe(Enumerable.Range(0, 10));
            for (int i = 0; i < part.Count; i++)
            {
                ReadOnlySpan<float> pixels = part.GetPixels(i);
                pixels.Length.ShouldBe(64);
                foreach (float pixel in pixels)
                {
                    pixel.ShouldBeInRange(0f, 1f);
                }
            }
        }
    }

    [Fact]
    public void Load_ScalesPixelsFromSixteenths()
    {
        // The file's first line starts 0,0,5,13,9,1 and shows a 0.
        (DigitsSubset part, int index) = Find(TestData.Dataset, sourceRow: 0);

        part.GetLabel(index).ShouldBe(0);
        part.GetPixels(index)[..6].ToArray().ShouldBe([0f, 0f, 5f / 16, 13f / 16, 9f / 16, 1f / 16]);
    }

    [Fact]
    public void Split_HoldsOutEveryRowExactlyOnce()
    {
        DigitsDataset data = TestData.Dataset;

        int[] rows = [.. SourceRows(data.Train), .. SourceRows(data.Validation)];

        rows.Order().ShouldBe(Enumerable.Range(0, 1797));
    }

    [Fact]
    public void Split_HoldsOutTheSameFractionOfEveryDigit()
    {
        DigitsDataset data = TestData.Dataset;

        for (int digit = 0; digit < DigitsDataset.ClassCount; digit++)
        {
            int held = Enumerable.Range(0, data.Validation.Count).Count(i => data.Validation.GetLabel(i) == digit);
            int all = held + Enumerable.Range(0, data.Train.Count).Count(i => data.Train.GetLabel(i) == digit);
            held.ShouldBe((int)Math.Round(all * 0.2, MidpointRounding.AwayFromZero), $"digit {digit}");
        }
    }

    [Fact]
    public void Split_SameSeed_GivesSameRows_OtherSeed_GivesOtherRows()
    {
        DigitsDataset again = DigitsDataset.Load(DigitsDataset.DefaultPath);
        DigitsDataset other = DigitsDataset.Load(DigitsDataset.DefaultPath, splitSeed: 1);

        SourceRows(again.Validation).ShouldBe(SourceRows(TestData.Dataset.Validation));
        SourceRows(other.Validation).ShouldNotBe(SourceRows(TestData.Dataset.Validation));
    }

    [Fact]
    public void Split_IsPinnedAcrossMachinesAndVersions()
    {
        // The quickstart's published accuracies depend on which images are held out: these must never move.
        SourceRows(TestData.Dataset.Validation).Take(8).ShouldBe([13, 14, 17, 33, 38, 40, 45, 48]);
    }

    [Fact]
    public void Load_OtherFraction_SplitsAccordingly()
    {
        DigitsDataset data = DigitsDataset.Load(DigitsDataset.DefaultPath, validationFraction: 0.5);

        // Rounded per digit: 89 + 91 + 89 + 92 + 91 + 91 + 91 + 90 + 87 + 90.
        data.Validation.Count.ShouldBe(901);
        data.Count.ShouldBe(1797);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(0.0001)]
    public void Load_FractionLeavingAPartEmpty_Throws(double fraction)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => DigitsDataset.Load(DigitsDataset.DefaultPath, fraction));
    }

    public static TheoryData<string, string> MalformedFiles => new()
    {
        { "1,2,3\n", "line 1: expected 65 values, found 3" },
        { Line() + Line(pixel3: "17"), "line 2: pixel 3 is 17, outside 0..16" },
        { Line(label: "10"), "line 1: label 10 is not a digit" },
        { Line(label: "2.5"), "line 1: label 2.5 is not a digit" },
        { Line(pixel3: "x"), "line 1: 'x' is not a number" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Load_MalformedFile_ThrowsNamingTheLine(string content, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"digits-test-{Guid.NewGuid():N}.csv.gz");
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            {
                gzip.Write(Encoding.UTF8.GetBytes(content));
            }

            Should.Throw<InvalidDataException>(() => DigitsDataset.Load(path)).Message.ShouldContain(message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Line(string pixel3 = "0", string label = "0") =>
        string.Join(',', [.. Enumerable.Repeat("0", 3), pixel3, .. Enumerable.Repeat("0", 60), label]) + "\n";

    private static int[] SourceRows(DigitsSubset part) => [.. Enumerable.Range(0, part.Count).Select(part.GetSourceRow)];

    private static (DigitsSubset Part, int Index) Find(DigitsDataset data, int sourceRow)
    {
        foreach (DigitsSubset part in new[] { data.Train, data.Validation })
        {
            for (int i = 0; i < part.Count; i++)
            {
                if (part.GetSourceRow(i) == sourceRow)
                {
                    return (part, i);
                }
            }
        }

        throw new InvalidOperationException($"row {sourceRow} is in neither part");
    }
}
