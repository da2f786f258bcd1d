namespace Vernier.Examples.Digits.Tests;

public class MultilayerPerceptronTests
{
    [Theory]
    [InlineData(MlpActivation.Relu)]
    [InlineData(MlpActivation.Tanh)]
    [InlineData(MlpActivation.Gelu)]
    [InlineData(MlpActivation.Sigmoid)]
    public void Backpropagate_MatchesFiniteDifferences(MlpActivation activation)
    {
        const int Rows = 6;
        DigitsSubset images = TestData.Dataset.Train;
        float[] pixels = [.. Enumerable.Range(0, Rows).SelectMany(i => images.GetPixels(i).ToArray())];
        byte[] labels = [.. Enumerable.Range(0, Rows).Select(i => (byte)images.GetLabel(i))];
        var hp = new MlpHyperparameters { HiddenUnits = 8, HiddenLayers = 2, Activation = activation };
        var network = new MultilayerPerceptron(hp, Rows, new SeededRandom(5));
        var random = new SeededRandom(6);

        // Biases start at zero, so an image whose units are all off puts a ReLU exactly on its kink,
        // where no finite difference agrees with the one-sided derivative: move off it.
        foreach (DenseLayer layer in network.Layers)
        {
            foreach (ref float bias in layer.Bias)
            {
                bias = (float)(random.NextDouble() * 0.2 - 0.1);
            }
        }

        network.Backpropagate(pixels, labels, Rows);
        foreach (DenseLayer layer in network.Layers)
        {
            float[] analyticWeights = layer.WeightGradients.ToArray();
            float[] analyticBias = layer.BiasGradients.ToArray();
            for (int check = 0; check < 10; check++)
            {
                int k = random.NextInt32(analyticWeights.Length);
                NumericGradient(network, layer.Weights, k, pixels, labels).ShouldBe(analyticWeights[k], 2e-3 + 0.02 * Math.Abs(analyticWeights[k]));
            }

            int b = random.NextInt32(analyticBias.Length);
            NumericGradient(network, layer.Bias, b, pixels, labels).ShouldBe(analyticBias[b], 2e-3 + 0.02 * Math.Abs(analyticBias[b]));
        }
    }

    /// <summary>The central difference of the mean cross-entropy in one parameter.</summary>
    private static double NumericGradient(MultilayerPerceptron network, Span<float> parameters, int index, float[] pixels, byte[] labels)
    {
        const float H = 1e-3f;
        float original = parameters[index];
        parameters[index] = original + H;
        double plus = network.Backpropagate(pixels, labels, labels.Length);
        parameters[index] = original - H;
        double minus = network.Backpropagate(pixels, labels, labels.Length);
        parameters[index] = original;
        network.Backpropagate(pixels, labels, labels.Length);
        return (plus - minus) / (2 * H) / labels.Length;
    }
}
