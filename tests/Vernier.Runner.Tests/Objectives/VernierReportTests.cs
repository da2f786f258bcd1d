using System.Diagnostics;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;

namespace Vernier.Runner.Tests.Objectives;

/// <summary><c>vernier_report.py</c>: importable in every command trial, and what it prints is what the METRIC protocol reads.</summary>
public sealed class VernierReportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ReportAndFinal_InACommandTrial_AreImportableAndReadAsIntermediateAndFinalValues()
    {
        CommandTrialResult result = await RunPythonAsync(
            """
            import vernier_report
            vernier_report.report(0, loss=0.9, acc=0.1)
            vernier_report.report(1, **{"loss": 0.5, "val/top-1": 2})
            vernier_report.final(loss=0.25, epochs=2)
            """,
            metric: "loss");

        result.Status.ShouldBe(CommandTrialStatus.Completed, result.FailureReason);
        result.Warnings.ShouldBeEmpty();
        result.IntermediateReports.Select(r => r.Step).ShouldBe([0L, 1L]);
        result.IntermediateReports[0].Values.ShouldBe(new Dictionary<string, double> { ["loss"] = 0.9, ["acc"] = 0.1 }, ignoreOrder: true);
        result.IntermediateReports[1].Values.ShouldBe(new Dictionary<string, double> { ["loss"] = 0.5, ["val/top-1"] = 2 }, ignoreOrder: true);
        result.Metrics.ShouldBe(new Dictionary<string, double> { ["loss"] = 0.25, ["epochs"] = 2 }, ignoreOrder: true);
        result.ObjectiveValue.ShouldBe(0.25);
    }

    [Fact]
    public async Task EveryValueItFormats_ParsesBackToTheSameNumber()
    {
        double[] values = [0, -0.0, 1, -2.5, 0.1, 1e-5, 1.7976931348623157e308, 5e-324, 123456789012345678, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        string literals = string.Join(", ", values.Select(v =>
            double.IsNaN(v) ? "float('nan')" : double.IsPositiveInfinity(v) ? "float('inf')" : double.IsNegativeInfinity(v) ? "float('-inf')" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        string output = await RunScriptAsync(
            $$"""
            import vernier_report
            for i, v in enumerate([{{literals}}]):
                print(vernier_report.format_line({"m": v}, step=i))
                print(vernier_report.format_line({"m": v}))
            vernier_report.final(a=True + 0, b=3)
            """);

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(values.Length * 2 + 1);
        for (int i = 0; i < values.Length; i++)
        {
            MetricLine step = MetricProtocol.Parse(lines[2 * i]);
            step.Kind.ShouldBe(MetricLineKind.Intermediate, lines[2 * i]);
            step.Step.ShouldBe(i);
            step.Values["m"].ShouldBe(values[i], lines[2 * i]);
            MetricLine final = MetricProtocol.Parse(lines[(2 * i) + 1]);
            final.Kind.ShouldBe(MetricLineKind.Final, lines[(2 * i) + 1]);
            final.Values["m"].ShouldBe(values[i], lines[(2 * i) + 1]);
        }

        lines[^1].ShouldBe("METRIC a=1.0 b=3.0");
    }

    [Theory]
    [InlineData("vernier_report.report(-1, loss=1)", "ValueError: step must be a whole number >= 0, got -1")]
    [InlineData("vernier_report.report(1.5, loss=1)", "ValueError: step must be a whole number >= 0, got 1.5")]
    [InlineData("vernier_report.report(True, loss=1)", "TypeError: step must be a whole number >= 0, got True")]
    [InlineData("vernier_report.report(1, loss='0.5')", "TypeError: the value of 'loss' must be a number, got '0.5'")]
    [InlineData("vernier_report.final(ok=True)", "TypeError: the value of 'ok' must be a number, got True")]
    [InlineData("vernier_report.final(**{'step': 1})", "ValueError: 'step' is not a metric name")]
    [InlineData("vernier_report.final(**{'val loss': 1})", "ValueError: 'val loss' is not a metric name")]
    [InlineData("vernier_report.final()", "ValueError: no metrics given")]
    public async Task Mistakes_RaiseBeforeAnythingIsPrinted(string call, string error)
    {
        CommandTrialResult result = await RunPythonAsync($"import vernier_report\n{call}\n", metric: "loss");

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.StderrTail[^1].ShouldStartWith(error);
        File.ReadAllText(Path.Combine(result.TrialDirectory, CommandObjectiveRunner.StdoutFileName)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ItsFolder_ComesFirstOnPythonPath_BeforeAnInheritedOne()
    {
        var options = Options("import os; print('METRIC loss=1'); print(os.environ['PYTHONPATH'])", "loss");
        options.Environment = new Dictionary<string, string?> { ["PYTHONPATH"] = "/opt/mine" };

        CommandTrialResult result = await new CommandObjectiveRunner(options).RunAsync(new CommandTrialRequest(0, [], _temp.Combine("t")));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        File.ReadAllLines(Path.Combine(result.TrialDirectory, CommandObjectiveRunner.StdoutFileName))[1]
            .ShouldBe(PythonSupport.Folder + Path.PathSeparator + "/opt/mine");
        File.ReadAllText(Path.Combine(PythonSupport.Folder, PythonSupport.ReportModuleFileName)).ShouldBe(PythonSupport.Text(PythonSupport.ReportModuleFileName));
        File.ReadAllText(Path.Combine(PythonSupport.Folder, PythonSupport.BridgeFileName)).ShouldBe(PythonSupport.Text(PythonSupport.BridgeFileName));
    }

    [Fact]
    public void TheShippedHelper_IsTheRepositorysPythonFile()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "python", PythonSupport.ReportModuleFileName)))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("python/vernier_report.py not found above the test folder");
        }

        PythonSupport.Text(PythonSupport.ReportModuleFileName).ShouldBe(File.ReadAllText(Path.Combine(dir, "python", PythonSupport.ReportModuleFileName)));
    }

    private static CommandObjectiveOptions Options(string script, string metric) => new()
    {
        Command = [Python.Interpreter, "-c", script],
        Metric = metric,
        ArgumentStyle = CommandArgumentStyle.None,
    };

    private Task<CommandTrialResult> RunPythonAsync(string script, string metric) =>
        new CommandObjectiveRunner(Options(script, metric)).RunAsync(new CommandTrialRequest(0, [], _temp.Combine("trial")));

    /// <summary>Runs a script with the helper's folder on PYTHONPATH, as a trial would, and returns its standard output.</summary>
    private static async Task<string> RunScriptAsync(string script)
    {
        PythonSupport.EnsureWritten();
        var start = new ProcessStartInfo(Python.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONPATH"] = PythonSupport.Folder;
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, await stderr);
        return output;
    }
}
