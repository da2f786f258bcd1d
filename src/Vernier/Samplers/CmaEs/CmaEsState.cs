using System.Text.Json;
using Vernier.Storage;

namespace Vernier.Samplers.CmaEs;

/// <summary>
/// Everything CMA-ES needs to continue, as stored (JSON, snake_case) in the system attribute
/// <c>cmaes:state</c> of the first trial of each generation. No random state: every draw comes
/// from the trial's own stream.
/// </summary>
internal sealed record CmaEsState
{
    /// <summary>The format version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The <see cref="CmaEsSpace.Key"/> of the space the state belongs to.</summary>
    public required string Space { get; init; }

    /// <summary>The generation, counted over the whole study (restarts included).</summary>
    public required int Generation { get; init; }

    /// <summary>How many restarts preceded this run.</summary>
    public required int Restart { get; init; }

    /// <summary>Generations since the run (re)started.</summary>
    public required int Iteration { get; init; }

    /// <summary>λ, the number of complete trials that make a generation.</summary>
    public required int PopulationSize { get; init; }

    /// <summary>The step size the runs start from (for restarts and TolX).</summary>
    public required double Sigma0 { get; init; }

    public required double Sigma { get; init; }

    public required double[] Mean { get; init; }

    /// <summary>The covariance matrix C, row by row.</summary>
    public required double[][] Covariance { get; init; }

    /// <summary>The conjugate evolution path p_σ.</summary>
    public required double[] PathSigma { get; init; }

    /// <summary>The evolution path p_c.</summary>
    public required double[] PathC { get; init; }

    /// <summary>The margin's diagonal scaling A (1 for continuous parameters).</summary>
    public required double[] Margin { get; init; }

    /// <summary>The best value of each recent generation of this run, oldest first (for TolFun).</summary>
    public required double[] BestValues { get; init; }

    public int Dimension => Mean.Length;

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, AttributeJson.SnakeCase);

    /// <summary>Reads a stored state; null when it is not a valid state of this version.</summary>
    public static CmaEsState? FromJson(JsonElement element)
    {
        try
        {
            CmaEsState? state = element.Deserialize<CmaEsState>(AttributeJson.SnakeCase);
            return state is not null && state.IsConsistent() ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public double[,] CovarianceMatrix()
    {
        int n = Dimension;
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[i, j] = Covariance[i][j];
            }
        }

        return c;
    }

    public static double[][] ToRows(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                rows[i][j] = matrix[i, j];
            }
        }

        return rows;
    }

    private bool IsConsistent()
    {
        int n = Mean?.Length ?? 0;
        return Version == 1 && n > 0 && Space is not null && PopulationSize >= 2 && Sigma > 0 &&
               Covariance is not null && Covariance.Length == n && Covariance.All(r => r is not null && r.Length == n) &&
               PathSigma?.Length == n && PathC?.Length == n && Margin?.Length == n && BestValues is not null;
    }
}
