using System.Globalization;
using System.IO.Compression;

namespace Vernier.Examples.Digits;

/// <summary>
/// The handwritten digits data set: 1,797 images of 8×8 pixels, 10 classes (the test set of UCI's
/// optdigits, as scikit-learn ships it in <c>digits.csv.gz</c>), split into training and validation
/// images the same way on every machine.
/// </summary>
/// <remarks>
/// The split is stratified: every digit contributes the same fraction of its images to the
/// validation set (rounded per digit), chosen by a seeded xoshiro256** generator, so the split
/// depends only on the file, the fraction and the seed. Instances are immutable and may be shared
/// by concurrent training runs.
/// </remarks>
/// <example>
/// <code>
/// var data = DigitsDataset.Load(DigitsDataset.DefaultPath);
/// Console.WriteLine($"{data.Train.Count} training, {data.Validation.Count} validation images");
/// </code>
/// </example>
public sealed class DigitsDataset
{
    /// <summary>Pixels per image (8×8).</summary>
    public const int PixelCount = 64;

    /// <summary>The number of classes, the digits 0..9.</summary>
    public const int ClassCount = 10;

    /// <summary>The brightest value a pixel has in the file; values are scaled by it to [0, 1].</summary>
    public const int MaxPixelValue = 16;

    private DigitsDataset(DigitsSubset train, DigitsSubset validation)
    {
        Train = train;
        Validation = validation;
    }

    /// <summary>
    /// Where the Digits project copies <c>digits.csv.gz</c>: <c>data/digits.csv.gz</c> in the
    /// directory of the running application (or test assembly).
    /// </summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    /// <summary>The images to train on.</summary>
    public DigitsSubset Train { get; }

    /// <summary>The held-out images that accuracy is measured on.</summary>
    public DigitsSubset Validation { get; }

    /// <summary>The number of images in both parts.</summary>
    public int Count => Train.Count + Validation.Count;

    /// <summary>Reads a gzip-compressed digits CSV and splits it into training and validation images.</summary>
    /// <param name="path">
    /// A <c>.csv.gz</c> file without header: per line, 64 pixel values 0..16 and then the label 0..9.
    /// </param>
    /// <param name="validationFraction">
    /// The fraction of each digit's images held out for validation, in (0, 1). The default value is 0.2
    /// (1,438 training and 359 validation images).
    /// </param>
    /// <param name="splitSeed">Chooses which images are held out. The default value is 0.</param>
    /// <returns>The split data set.</returns>
    /// <exception cref="InvalidDataException">A line does not have 65 numbers in range.</exception>
    public static DigitsDataset Load(string path, double validationFraction = 0.2, ulong splitSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be between 0 and 1, both excluded.");
        }

        (List<float> pixels, List<byte> labels) = ReadCsv(path);
        return Split([.. pixels], [.. labels], validationFraction, splitSeed);
    }

    private static (List<float> Pixels, List<byte> Labels) ReadCsv(string path)
    {
        var pixels = new List<float>(1797 * PixelCount);
        var labels = new List<byte>(1797);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        int lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != PixelCount + 1)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: expected {PixelCount + 1} values, found {fields.Length}.");
            }

            for (int i = 0; i < PixelCount; i++)
            {
                double value = ParseNumber(fields[i], path, lineNumber);
                if (value < 0 || value > MaxPixelValue)
                {
                    throw new InvalidDataException($"{path}, line {lineNumber}: pixel {i} is {fields[i]}, outside 0..{MaxPixelValue}.");
                }

                pixels.Add((float)(value / MaxPixelValue));
            }

            double label = ParseNumber(fields[PixelCount], path, lineNumber);
            if (label < 0 || label >= ClassCount || label != Math.Floor(label))
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: label {fields[PixelCount]} is not a digit 0..9.");
            }

            labels.Add((byte)label);
        }

        if (labels.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no images.");
        }

        return (pixels, labels);
    }

    // Values are integers, but scikit-learn's loader reads them as floats; accept "3.0" as well as "3".
    private static double ParseNumber(string field, string path, int lineNumber) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"{path}, line {lineNumber}: '{field}' is not a number.");

    private static DigitsDataset Split(float[] pixels, byte[] labels, double validationFraction, ulong splitSeed)
    {
        var random = new SeededRandom(splitSeed);
        var validationRows = new List<int>();
        for (int digit = 0; digit < ClassCount; digit++)
        {
            int[] rows = [.. Enumerable.Range(0, labels.Length).Where(row => labels[row] == digit)];
            random.Shuffle(rows);
            int take = (int)Math.Round(rows.Length * validationFraction, MidpointRounding.AwayFromZero);
            validationRows.AddRange(rows.AsSpan(0, take));
        }

        // File order within each part: the trainer shuffles every epoch anyway, and sorted rows are easy to inspect.
        validationRows.Sort();
        var isValidation = new bool[labels.Length];
        foreach (int row in validationRows)
        {
            isValidation[row] = true;
        }

        int[] trainRows = [.. Enumerable.Range(0, labels.Length).Where(row => !isValidation[row])];
        if (trainRows.Length == 0 || validationRows.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "leaves one of the two parts empty.");
        }

        return new DigitsDataset(Subset(pixels, labels, trainRows), Subset(pixels, labels, [.. validationRows]));
    }

    private static DigitsSubset Subset(float[] pixels, byte[] labels, int[] rows)
    {
        var subsetPixels = new float[rows.Length * PixelCount];
        var subsetLabels = new byte[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            pixels.AsSpan(rows[i] * PixelCount, PixelCount).CopyTo(subsetPixels.AsSpan(i * PixelCount));
            subsetLabels[i] = labels[rows[i]];
        }

        return new DigitsSubset(subsetPixels, subsetLabels, rows);
    }
}
