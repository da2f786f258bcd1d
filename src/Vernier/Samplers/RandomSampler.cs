using Vernier.Distributions;
using Vernier.Randomness;

namespace Vernier.Samplers;

/// <summary>
/// Independent uniform sampling: uniform on each parameter's range (log-uniform on log scales,
/// uniform over the step grid, uniform over the choices), and from the prior itself for a
/// <see cref="NormalDistribution"/>. The baseline every other sampler must beat,
/// and the start-up phase of the model-based ones.
/// </summary>
/// <remarks>Config name: <c>random</c>. No options; the study's seed fixes the sequence.</remarks>
/// <example><code>var study = await Study.Builder("demo").WithSampler(new RandomSampler()).CreateAsync();</code></example>
public sealed class RandomSampler : Sampler
{
    /// <inheritdoc />
    public override string Name => "random";

    /// <inheritdoc />
    internal override bool ReadsHistory => false;

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Draw(context.CreateRandom("param:" + name), distribution);
    }

    /// <summary>One draw from a distribution, in the internal representation: uniform, or normal (log-normal, rounded to the step) for a <see cref="NormalDistribution"/>.</summary>
    /// <param name="random">The stream to draw from.</param>
    /// <param name="distribution">The distribution.</param>
    public static double Draw(RandomStream random, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (distribution)
        {
            case FloatDistribution f when f.IsSingle:
                return f.Low;
            case FloatDistribution { Step: double s } f:
                return f.Clamp(f.Low + random.NextInt64(f.GridSize!.Value) * s);
            case FloatDistribution { Log: true } f:
                return f.Clamp(Math.Exp(random.NextDouble(Math.Log(f.Low), Math.Log(f.High))));
            case FloatDistribution f:
                return f.Clamp(random.NextDouble(f.Low, f.High));
            case IntDistribution { Log: true } i:
                // Log-uniform over [low - 0.5, high + 0.5] then rounded, so each integer gets the mass of its cell.
                double logValue = random.NextDouble(Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5));
                return i.Clamp(Math.Exp(logValue));
            case IntDistribution i:
                return i.Low + random.NextInt64(i.GridSize) * i.Step;
            case CategoricalDistribution c:
                return random.NextInt64(c.Choices.Count);
            case NormalDistribution n:
                double y = n.Mean + (n.StandardDeviation * random.NextGaussian());
                return n.Clamp(n.Log ? Math.Min(Math.Exp(y), double.MaxValue) : y);
            default:
                throw new ArgumentException($"unsupported distribution {distribution}.", nameof(distribution));
        }
    }
}
