namespace Vernier.Examples.Digits;

/// <summary>A fully connected layer <c>z = x·W + b</c> with its gradients and Adam state.</summary>
internal sealed class DenseLayer
{
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly float[] _weightGradients;
    private readonly float[] _biasGradients;
    private readonly float[] _weightFirstMoments;
    private readonly float[] _weightSecondMoments;
    private readonly float[] _biasFirstMoments;
    private readonly float[] _biasSecondMoments;

    /// <summary>
    /// Outputs × inputs: a copy of the weights, refreshed on every backward pass that needs it, that
    /// lets backpropagation to the inputs run the same width-independent kernel as the forward pass
    /// instead of dot products. Null until then: the first layer's input gradient is never needed.
    /// </summary>
    private float[]? _transposedWeights;

    /// <param name="inputs">The width of the input.</param>
    /// <param name="outputs">The width of the output.</param>
    /// <param name="initLimit">Weights start uniform in [−limit, limit).</param>
    /// <param name="random">The stream the initial weights are drawn from.</param>
    public DenseLayer(int inputs, int outputs, double initLimit, SeededRandom random)
    {
        Inputs = inputs;
        Outputs = outputs;
        _weights = new float[inputs * outputs];
        for (int k = 0; k < _weights.Length; k++)
        {
            _weights[k] = (float)((2 * random.NextDouble() - 1) * initLimit);
        }

        // Biases start at zero, as in the He and Glorot schemes.
        _bias = new float[outputs];
        _weightGradients = new float[inputs * outputs];
        _biasGradients = new float[outputs];
        _weightFirstMoments = new float[inputs * outputs];
        _weightSecondMoments = new float[inputs * outputs];
        _biasFirstMoments = new float[outputs];
        _biasSecondMoments = new float[outputs];
    }

    public int Inputs { get; }

    public int Outputs { get; }

    /// <summary>Inputs × outputs, row-major: row i holds the weights leaving input i.</summary>
    public Span<float> Weights => _weights;

    public Span<float> Bias => _bias;

    /// <summary>The gradient of the loss with respect to <see cref="Weights"/>, from the last <see cref="Backward"/>.</summary>
    public ReadOnlySpan<float> WeightGradients => _weightGradients;

    /// <summary>The gradient of the loss with respect to <see cref="Bias"/>, from the last <see cref="Backward"/>.</summary>
    public ReadOnlySpan<float> BiasGradients => _biasGradients;

    /// <summary><c>output = input·W + b</c> for <paramref name="rows"/> rows.</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, Span<float> output) =>
        Kernels.MatrixMultiply(input, rows, Inputs, _weights, _bias, output, Outputs);

    /// <summary>
    /// Stores the gradients of W and b from the layer's input and the gradient of its output; when
    /// <paramref name="inputGradient"/> is not empty, also writes the gradient of its input.
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int rows, Span<float> inputGradient)
    {
        Kernels.OuterProductSum(input, rows, Inputs, outputGradient, _weightGradients, Outputs);
        Array.Clear(_biasGradients);
        for (int r = 0; r < rows; r++)
        {
            Kernels.MultiplyAdd(1f, outputGradient.Slice(r * Outputs, Outputs), _biasGradients);
        }

        if (!inputGradient.IsEmpty)
        {
            _transposedWeights ??= new float[Inputs * Outputs];
            Kernels.Transpose(_weights, Inputs, Outputs, _transposedWeights);
            Kernels.MatrixMultiply(outputGradient, rows, Outputs, _transposedWeights, [], inputGradient, Inputs);
        }
    }

    /// <summary>Applies one AdamW step to the weights (decayed) and the biases (not decayed).</summary>
    public void Update(in AdamStep step)
    {
        Kernels.AdamW(_weights, _weightGradients, _weightFirstMoments, _weightSecondMoments, step, step.WeightDecayFactor);
        Kernels.AdamW(_bias, _biasGradients, _biasFirstMoments, _biasSecondMoments, step, 1f);
    }
}
