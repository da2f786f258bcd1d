namespace Vernier.Runner.Objectives;

/// <summary>Recognises the messages that explain a failure better than an exit code does.</summary>
internal static class OutputScanner
{
    public const string CudaOutOfMemory = "CUDA out of memory";
    public const string OutOfMemory = "out of memory";

    /// <summary>"CUDA out of memory", "out of memory", or null for a line that mentions neither.</summary>
    public static string? FindOutOfMemory(string line)
    {
        // PyTorch: "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate …"; the CUDA runtime: "CUDA error: out of memory";
        // TensorFlow: "ResourceExhaustedError: OOM when allocating tensor … on /job:localhost/…/device:GPU:0".
        if (line.Contains("CUDA out of memory", StringComparison.OrdinalIgnoreCase)
            || line.Contains("CUDA error: out of memory", StringComparison.OrdinalIgnoreCase)
            || line.Contains("CUDA_ERROR_OUT_OF_MEMORY", StringComparison.Ordinal)
            || (line.Contains("OOM when allocating", StringComparison.Ordinal) && line.Contains("GPU", StringComparison.Ordinal)))
        {
            return CudaOutOfMemory;
        }

        // Python's MemoryError, C++'s std::bad_alloc, .NET's and Java's OutOfMemory errors, ENOMEM, and any "out of memory".
        if (line.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || line.Contains("OutOfMemory", StringComparison.Ordinal)
            || line.Contains("OOM when allocating", StringComparison.Ordinal)
            || line.StartsWith("MemoryError", StringComparison.Ordinal)
            || line.Contains("std::bad_alloc", StringComparison.Ordinal)
            || line.Contains("Cannot allocate memory", StringComparison.Ordinal))
        {
            return OutOfMemory;
        }

        return null;
    }

    /// <summary>Keeps the more specific of two findings.</summary>
    public static string? Combine(string? a, string? b) =>
        a == CudaOutOfMemory || b == CudaOutOfMemory ? CudaOutOfMemory : a ?? b;
}
