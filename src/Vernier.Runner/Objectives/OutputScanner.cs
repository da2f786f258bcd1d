namespace Vernier.Runner.Objectives;

/// <summary>Recognises the messages that explain a failure better than an exit code does.</summary>
internal static class OutputScanner
{
    public const string CudaOutOfMemory = "CUDA out of memory";
    public const string OutOfMemory = "out of memory";
    public const string RocmOutOfMemory = "ROCm (HIP) out of memory";
    public const string DirectMLOutOfMemory = "DirectML out of memory";

    /// <summary>"CUDA out of memory", "ROCm (HIP) out of memory", "DirectML out of memory", "out of memory", or null for a line that mentions none.</summary>
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

        // PyTorch on ROCm: "torch.OutOfMemoryError: HIP out of memory. Tried to allocate …"; the HIP runtime: "hipErrorOutOfMemory".
        if (line.Contains("HIP out of memory", StringComparison.OrdinalIgnoreCase) || line.Contains("hipErrorOutOfMemory", StringComparison.Ordinal))
        {
            return RocmOutOfMemory;
        }

        // torch-directml: "Could not allocate tensor with … bytes. There is not enough GPU video memory available!",
        // "DML allocator out of memory!"; DirectML / ONNX Runtime: E_OUTOFMEMORY (0x8007000E, -2147024882); TensorFlow on DML: "OOM when allocating … device:DML:0".
        if (line.Contains("not enough GPU video memory", StringComparison.OrdinalIgnoreCase)
            || line.Contains("DML allocator out of memory", StringComparison.OrdinalIgnoreCase)
            || line.Contains("E_OUTOFMEMORY", StringComparison.Ordinal)
            || line.Contains("0x8007000E", StringComparison.OrdinalIgnoreCase)
            || (line.Contains("OOM when allocating", StringComparison.Ordinal) && line.Contains("DML", StringComparison.Ordinal)))
        {
            return DirectMLOutOfMemory;
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
        a is not null && a != OutOfMemory ? a : b is not null && b != OutOfMemory ? b : a ?? b;
}
