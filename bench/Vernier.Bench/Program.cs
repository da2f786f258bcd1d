// The benchmark harness: regret of every sampler on the public test functions, and sampler time per trial,
// side by side with Optuna when the system Python has it. See bench/README.md.
using System.CommandLine;
using Vernier.Bench;

return await BenchApp.Create().Parse(args).InvokeAsync();
