using System.Reflection;

namespace Vernier.Plots.Output;

/// <summary>The vendored Apache ECharts 6.1.0 bundle (Assets/echarts.min.js), read once from the assembly.</summary>
internal static class EChartsAsset
{
    public const string Version = "6.1.0";

    private static readonly Lazy<string> Text = new(() =>
    {
        using Stream stream = typeof(EChartsAsset).Assembly.GetManifestResourceStream("Vernier.Plots.Assets.echarts.min.js")
            ?? throw new InvalidOperationException("the ECharts bundle is missing from Vernier.Plots.dll.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Script => Text.Value;
}
