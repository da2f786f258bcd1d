using System.Globalization;
using System.Security.Cryptography;
using Vernier.Distributions;
using Vernier.Samplers.Tpe;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Tpe;

/// <summary>
/// Pins TPE's suggestions bit for bit: performance work on the sampler must not change a single
/// suggested value for a fixed seed. If a deliberate change to the algorithm alters the sequence,
/// record the new hash here and say so in the commit.
/// </summary>
public class TpeSuggestionFingerprintTests
{
    private static readonly SearchSpace Mixed5D = new(
    [
        new ParameterSpec("x", new FloatDistribution(-5, 5)),
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("layers", new IntDistribution(1, 8)),
        new ParameterSpec("activation", new CategoricalDistribution(["relu", "gelu", "tanh"])),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.05)),
    ]);

    private static double Objective(IReadOnlyDictionary<string, object?> p)
    {
        double activation = (string)p["activation"]! switch { "relu" => 0.0, "gelu" => 0.3, _ => 0.8 };
        return Math.Pow((double)p["x"]! - 1.3, 2) + Math.Pow(Math.Log10((double)p["lr"]!) + 3, 2) +
               0.2 * Math.Abs((long)p["layers"]! - 4) + activation + Math.Abs((double)p["dropout"]! - 0.15);
    }

    private static async Task<string> FingerprintAsync(bool multivariate, int trials)
    {
        await using Study study = await Study.Builder("fingerprint")
            .WithSampler(new TpeSampler(new TpeSamplerOptions { Multivariate = multivariate }))
            .WithSeed(7)
            .CreateAsync();
        await study.OptimizeAsync(trial => Objective(trial.Params), new OptimizeOptions { NTrials = trials, SearchSpace = Mixed5D });
        IReadOnlyList<FrozenTrial> all = await study.GetTrialsAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var bytes = new byte[8];
        foreach (FrozenTrial trial in all)
        {
            foreach (string name in trial.Parameters.Keys.Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
                BitConverter.TryWriteBytes(bytes, BitConverter.DoubleToInt64Bits(trial.Parameters[name].InternalValue));
                hash.AppendData(bytes);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [Theory]
    [InlineData(false, "6FAD67BBD16DD0088696F5D3AD7DE8B985465F00393DEC8EF3742D3D3D65EDB0")]
    [InlineData(true, "9D3CDF6A168D40B6619E5694BA687D1D2FCABF416FDEFEFDBAF392EE2754AD60")]
    public async Task Suggestions_Seed7_300Trials_MatchRecordedFingerprint(bool multivariate, string expected)
    {
        string actual = await FingerprintAsync(multivariate, 300);
        (actual == expected).ShouldBeTrue(string.Create(CultureInfo.InvariantCulture, $"multivariate={multivariate}: fingerprint {actual}"));
    }
}
