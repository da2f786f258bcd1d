namespace Vernier.Importance.Fanova;

/// <summary>
/// fANOVA parameter importance (Hutter, Hoos and Leyton-Brown 2014, "An Efficient Approach for Assessing
/// Hyperparameter Importance"): fits a random forest that predicts the target from the parameters, and ranks each
/// parameter by the share of the forest's prediction variance that its main effect explains.
/// </summary>
/// <remarks>
/// <para>
/// For each tree, the variance V of its prediction over the search space (a uniform product measure: numeric parameters
/// uniform on their unit scale, log-aware, with each integer an equal cell; categorical choices equally likely) and the
/// variance Vᵢ of parameter i's marginal prediction are computed exactly over the tree's leaves. A parameter's importance
/// is the mean of Vᵢ / V over the trees with V &gt; 0, normalised so that the importances sum to 1. Interactions are not
/// credited to either parameter, which is why the raw shares sum to less than 1 before normalising.
/// </para>
/// <para>
/// Conditional parameters: a trial without the parameter follows both children of a split on it while the forest is
/// fitted (its target does not depend on the parameter). With fewer than 2 complete trials, a constant target, or trees
/// that never split, every importance is 0.
/// </para>
/// <para>
/// The forest's defaults mirror Optuna's <c>FanovaImportanceEvaluator</c>; the results are deterministic for a seed.
/// Cancellation is checked before each tree.
/// </para>
/// <example>
/// <code>
/// var evaluator = new FanovaImportanceEvaluator(new FanovaOptions { Seed = 42 });
/// var ranking = evaluator.Evaluate(new ImportanceRequest { Trials = await study.GetTrialsAsync() });
/// foreach (var (name, importance) in ranking) Console.WriteLine($"{name}: {importance:P1}");
/// </code>
/// </example>
/// </remarks>
public sealed class FanovaImportanceEvaluator : IImportanceEvaluator
{
    private readonly FanovaOptions _options;

    /// <summary>Creates an evaluator with the default options.</summary>
    public FanovaImportanceEvaluator()
        : this(new FanovaOptions())
    {
    }

    /// <summary>Creates an evaluator; the options are copied.</summary>
    /// <param name="options">The forest's options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FanovaImportanceEvaluator(FanovaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new FanovaOptions
        {
            Trees = options.Trees,
            MaxDepth = options.MaxDepth,
            MinSamplesSplit = options.MinSamplesSplit,
            MinSamplesLeaf = options.MinSamplesLeaf,
            MaxFeatures = options.MaxFeatures,
            Bootstrap = options.Bootstrap,
            Seed = options.Seed,
        };
    }

    /// <inheritdoc/>
    public IReadOnlyList<ParameterImportance> Evaluate(ImportanceRequest request, CancellationToken cancellationToken = default)
    {
        ImportanceData data = ImportanceData.From(request);
        int columns = data.Names.Count;
        var sums = new double[columns];
        double[] y = data.Targets;
        if (y.Length >= 2 && columns > 0 && y.Any(v => v != y[0]))
        {
            int[] choiceCounts = [.. Enumerable.Range(0, columns).Select(c => data.IsCategorical(c) ? data.ChoiceCount(c) : 0)];
            for (int t = 0; t < _options.Trees; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var variance = new TreeVariance(RegressionForest.FitTree(data.Rows, y, choiceCounts, _options, t));
                if (!(variance.Variance > 0))
                {
                    continue;
                }

                for (int c = 0; c < columns; c++)
                {
                    sums[c] += variance.MarginalVariance(c) / variance.Variance;
                }
            }

        }

        // Trees that never split (V = 0) add nothing; with none that split, every importance is 0.
        return data.Ranked(sums);
    }
}
