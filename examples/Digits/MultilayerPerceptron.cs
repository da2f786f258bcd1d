namespace Vernier.Examples.Digits;

/// <summary>
/// The network of one training run: hidden dense layers with an activation, a dense output layer
/// with softmax cross-entropy, and the buffers for up to <c>capacity</c> images at a time.
/// </summary>
internal sealed class MultilayerPerceptron
{
    /// <summary>√(2/π), the constant of GELU's tanh approximation.</summary>
    private const float GeluScale = 0.7978845608f;
    private const float GeluCubic = 0.044715f;

    private readonly DenseLayer[] _layers;
    private readonly MlpActivation _activation;
    private readonly int _capacity;

    /// <summary>Per layer, the layer's output before the activation (for the last layer: the logits).</summary>
    private readonly float[][] _preActivations;

    /// <summary>Per hidden layer, the layer's output after the activation.</summary>
    private readonly float[][] _activations;

    /// <summary>Two buffers for the gradient flowing backwards: one layer's output gradient, then its input gradient.</summary>
    private float[] _gradient;
    private float[] _inputGradient;

    public MultilayerPerceptron(MlpHyperparameters hyperparameters, int capacity, SeededRandom random)
    {
        _activation = hyperparameters.Activation;
        _capacity = capacity;
        int hidden = hyperparameters.HiddenUnits;
        _layers = new DenseLayer[hyperparameters.HiddenLayers + 1];
        for (int l = 0; l < _layers.Length; l++)
        {
            int inputs = l == 0 ? DigitsDataset.PixelCount : hidden;
            bool isOutput = l == _layers.Length - 1;
            int outputs = isOutput ? DigitsDataset.ClassCount : hidden;

            // He (Kaiming) uniform keeps the variance of ReLU-like layers; Glorot (Xavier) uniform suits
            // the symmetric saturating ones and the output layer, which feeds a softmax.
            double limit = !isOutput && (_activation is MlpActivation.Relu or MlpActivation.Gelu)
                ? Math.Sqrt(6.0 / inputs)
                : Math.Sqrt(6.0 / (inputs + outputs));
            _layers[l] = new DenseLayer(inputs, outputs, limit, random);
        }

        _preActivations = [.. _layers.Select(layer => new float[capacity * layer.Outputs])];
        _activations = [.. _layers.SkipLast(1).Select(layer => new float[capacity * layer.Outputs])];
        int widest = Math.Max(hidden, DigitsDataset.ClassCount);
        _gradient = new float[capacity * widest];
        _inputGradient = new float[capacity * widest];
    }

    /// <summary>The layers, the output layer last.</summary>
    public IReadOnlyList<DenseLayer> Layers => _layers;

    /// <summary>Computes the logits of <paramref name="rows"/> images.</summary>
    /// <param name="pixels">rows × 64 pixels.</param>
    /// <param name="rows">At most the capacity.</param>
    /// <returns>rows × 10 logits, valid until the next call.</returns>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> pixels, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, _capacity);
        ReadOnlySpan<float> input = pixels;
        for (int l = 0; l < _layers.Length; l++)
        {
            int length = rows * _layers[l].Outputs;
            _layers[l].Forward(input, rows, _preActivations[l]);
            if (l < _activations.Length)
            {
                Activate(_preActivations[l].AsSpan(0, length), _activations[l].AsSpan(0, length));
                input = _activations[l];
            }
        }

        return _preActivations[^1].AsSpan(0, rows * DigitsDataset.ClassCount);
    }

    /// <summary>
    /// Forward pass, softmax cross-entropy and backpropagation: leaves in every layer the gradient
    /// of the minibatch's mean cross-entropy.
    /// </summary>
    /// <returns>The sum of the images' cross-entropies.</returns>
    public double Backpropagate(ReadOnlySpan<float> pixels, ReadOnlySpan<byte> labels, int rows)
    {
        ReadOnlySpan<float> logits = Forward(pixels, rows);
        double lossSum = SoftmaxCrossEntropy(logits, labels, rows, _gradient);
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            if (l == 0)
            {
                _layers[l].Backward(pixels, _gradient, rows, []);
                break;
            }

            int length = rows * _layers[l].Inputs;
            Span<float> inputGradient = _inputGradient.AsSpan(0, length);
            _layers[l].Backward(_activations[l - 1], _gradient, rows, inputGradient);
            ActivationBackward(_preActivations[l - 1].AsSpan(0, length), _activations[l - 1].AsSpan(0, length), inputGradient);
            (_gradient, _inputGradient) = (_inputGradient, _gradient);
        }

        return lossSum;
    }

    /// <summary>Applies one AdamW step to every layer with the gradients of the last <see cref="Backpropagate"/>.</summary>
    public void Update(in AdamStep step)
    {
        foreach (DenseLayer layer in _layers)
        {
            layer.Update(step);
        }
    }

    /// <summary>Classifies a whole subset, <c>capacity</c> images at a time.</summary>
    /// <returns>How many images were classified correctly and the sum of their cross-entropies.</returns>
    public (int Correct, double LossSum) Evaluate(DigitsSubset subset)
    {
        int correct = 0;
        double lossSum = 0;
        for (int start = 0; start < subset.Count; start += _capacity)
        {
            int rows = Math.Min(_capacity, subset.Count - start);
            ReadOnlySpan<float> logits = Forward(subset.Pixels.Slice(start * DigitsDataset.PixelCount, rows * DigitsDataset.PixelCount), rows);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = logits.Slice(r * DigitsDataset.ClassCount, DigitsDataset.ClassCount);
                int label = subset.GetLabel(start + r);
                if (ArgMax(row) == label)
                {
                    correct++;
                }

                lossSum += CrossEntropy(row, label, gradient: [], rows: 1);
            }
        }

        return (correct, lossSum);
    }

    /// <summary>
    /// Writes the gradient of the mean cross-entropy with respect to the logits,
    /// <c>(softmax(z) − onehot(y)) / rows</c>, and returns the sum of the cross-entropies.
    /// </summary>
    private static double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int rows, Span<float> gradient)
    {
        double lossSum = 0;
        for (int r = 0; r < rows; r++)
        {
            lossSum += CrossEntropy(
                logits.Slice(r * DigitsDataset.ClassCount, DigitsDataset.ClassCount),
                labels[r],
                gradient.Slice(r * DigitsDataset.ClassCount, DigitsDataset.ClassCount),
                rows);
        }

        return lossSum;
    }

    /// <summary>
    /// The cross-entropy of one image's logits, <c>log Σ e^z − z_y</c>, computed in double after
    /// subtracting the largest logit so that no exponential overflows; when <paramref name="gradient"/>
    /// is not empty, also writes the image's share of the batch gradient.
    /// </summary>
    private static double CrossEntropy(ReadOnlySpan<float> logits, int label, Span<float> gradient, int rows)
    {
        double max = logits[0];
        for (int k = 1; k < logits.Length; k++)
        {
            max = Math.Max(max, logits[k]);
        }

        double sum = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            sum += Math.Exp(logits[k] - max);
        }

        if (!gradient.IsEmpty)
        {
            for (int k = 0; k < logits.Length; k++)
            {
                double probability = Math.Exp(logits[k] - max) / sum;
                gradient[k] = (float)((probability - (k == label ? 1 : 0)) / rows);
            }
        }

        return Math.Log(sum) - (logits[label] - max);
    }

    // The first largest logit wins; NaN logits (a diverged run) never win, so such a run predicts 0.
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int k = 1; k < logits.Length; k++)
        {
            if (logits[k] > logits[best])
            {
                best = k;
            }
        }

        return best;
    }

    private void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        switch (_activation)
        {
            case MlpActivation.Relu:
                for (int k = 0; k < z.Length; k++)
                {
                    a[k] = z[k] > 0 ? z[k] : 0;
                }

                break;
            case MlpActivation.Tanh:
                for (int k = 0; k < z.Length; k++)
                {
                    a[k] = MathF.Tanh(z[k]);
                }

                break;
            case MlpActivation.Gelu:
                for (int k = 0; k < z.Length; k++)
                {
                    float x = z[k];
                    a[k] = 0.5f * x * (1 + MathF.Tanh(GeluScale * (x + GeluCubic * x * x * x)));
                }

                break;
            case MlpActivation.Sigmoid:
                for (int k = 0; k < z.Length; k++)
                {
                    a[k] = 1 / (1 + MathF.Exp(-z[k]));
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown activation {_activation}.");
        }
    }

    /// <summary>Multiplies the gradient with respect to a hidden layer's activations by the activation's derivative.</summary>
    private void ActivationBackward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> gradient)
    {
        switch (_activation)
        {
            case MlpActivation.Relu:
                for (int k = 0; k < z.Length; k++)
                {
                    gradient[k] = z[k] > 0 ? gradient[k] : 0;
                }

                break;
            case MlpActivation.Tanh:
                for (int k = 0; k < z.Length; k++)
                {
                    gradient[k] *= 1 - a[k] * a[k];
                }

                break;
            case MlpActivation.Gelu:
                for (int k = 0; k < z.Length; k++)
                {
                    float x = z[k];
                    float t = MathF.Tanh(GeluScale * (x + GeluCubic * x * x * x));
                    float derivative = 0.5f * (1 + t) + 0.5f * x * (1 - t * t) * GeluScale * (1 + 3 * GeluCubic * x * x);
                    gradient[k] *= derivative;
                }

                break;
            case MlpActivation.Sigmoid:
                for (int k = 0; k < z.Length; k++)
                {
                    gradient[k] *= a[k] * (1 - a[k]);
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown activation {_activation}.");
        }
    }
}
