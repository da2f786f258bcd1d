using Vernier.Trials;

#pragma warning disable CA1822 // instance methods on purpose: the loader must construct the type
namespace Vernier.Runner.Tests.Support;

/// <summary>
/// Objectives that <c>CallableObjective</c> loads by name. The loader puts this assembly in a load
/// context of its own, so these types there are not the ones the tests see: keep them free of state
/// and throw framework exception types only.
/// </summary>
public static class SampleObjectives
{
    public static double Quadratic(Trial trial)
    {
        double x = trial.SuggestFloat("x", 3, 3);
        return (x * x) + 1;
    }

    public static double[] TwoObjectives(Trial trial) => [trial.Number + 1.5, -2.5];

    public static List<double> ListOfValues(Trial trial) => [0.25];

    public static int WholeNumber(Trial trial) => 7;

    public static ValueTask<double> ValueTaskResult(Trial trial) => ValueTask.FromResult(4.5);

    public static async ValueTask<double> AsyncValueTaskResult(Trial trial)
    {
        await Task.Yield();
        return 5.5;
    }

    public static Task<double[]> TaskOfArray(Trial trial) => Task.FromResult<double[]>([1, 2]);

    public static double Throws(Trial trial) => throw new InvalidOperationException("sample failure in Throws");

    public static async Task<double> ThrowsAsync(Trial trial, CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw new FormatException("sample failure in ThrowsAsync");
    }

    public static double[]? ReturnsNull(Trial trial) => null;

    public static double WrongSignature(string name) => name.Length;

    public static string WrongReturn(Trial trial) => "1";

    public static double Overloaded(Trial trial) => 1;

    public static double Overloaded(Trial trial, CancellationToken cancellationToken) => 2;
}

/// <summary>An objective that needs an instance; the loader creates one with the parameterless constructor.</summary>
public sealed class InstanceObjectives
{
    private readonly double _offset = 40;

    public async Task<double> WithToken(Trial trial, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return cancellationToken.IsCancellationRequested ? -1 : _offset + 2;
    }
}

/// <summary>An instance objective on a type the loader cannot construct.</summary>
public sealed class NoDefaultConstructorObjectives(double offset)
{
    public double Evaluate(Trial trial) => offset;
}
