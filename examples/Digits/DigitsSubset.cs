namespace Vernier.Examples.Digits;

/// <summary>One part of the digits data set (training or validation): images with their labels. Immutable.</summary>
public sealed class DigitsSubset
{
    private readonly float[] _pixels;
    private readonly byte[] _labels;
    private readonly int[] _sourceRows;

    internal DigitsSubset(float[] pixels, byte[] labels, int[] sourceRows)
    {
        _pixels = pixels;
        _labels = labels;
        _sourceRows = sourceRows;
    }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>All pixels, image after image, <see cref="DigitsDataset.PixelCount"/> per image, row-major, scaled to [0, 1].</summary>
    internal ReadOnlySpan<float> Pixels => _pixels;

    /// <summary>The 64 pixels of one image, row by row, scaled from 0..16 to [0, 1].</summary>
    /// <param name="index">The image's position in this subset.</param>
    public ReadOnlySpan<float> GetPixels(int index) =>
        _pixels.AsSpan(index * DigitsDataset.PixelCount, DigitsDataset.PixelCount);

    /// <summary>The digit (0..9) an image shows.</summary>
    /// <param name="index">The image's position in this subset.</param>
    public int GetLabel(int index) => _labels[index];

    /// <summary>The zero-based position of an image in the file (its line, the file having no header), to check or report the split.</summary>
    /// <param name="index">The image's position in this subset.</param>
    public int GetSourceRow(int index) => _sourceRows[index];
}
