// The benchmark harness: regret of every sampler on the public test functions, and sampler time per trial,
// side by side with Optuna when the system Python has it. See bench/README.md.
using System.CommandLine;
using Vernier;
using Vernier.Bench;

try
{
    return await BenchApp.Create().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or VernierException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
