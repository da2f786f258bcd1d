using System.Diagnostics;
using System.Text;

namespace Vernier.Storage.Sqlite.Tests.Support;

/// <summary>A running Vernier.Storage.Sqlite.Tests.Worker child process, with its output collected line by line.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly string WorkerDll = Path.Combine(AppContext.BaseDirectory, "Vernier.Storage.Sqlite.Tests.Worker.dll");

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private WorkerProcess(Process process) => _process = process;

    /// <summary>Every line written to standard output so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything written to standard error so far.</summary>
    public string Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors.ToString();
            }
        }
    }

    public static WorkerProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WorkerDll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits until the process has printed at least <paramref name="count"/> lines.</summary>
    public async Task WaitForLinesAsync(int count, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (Lines.Count < count)
        {
            if (_process.HasExited && Lines.Count < count)
            {
                // Output may still be draining after exit; give it a last chance before failing.
                await _process.WaitForExitAsync(cancellation.Token);
                if (Lines.Count < count)
                {
                    throw new InvalidOperationException($"the worker exited with code {_process.ExitCode} after {Lines.Count} of {count} lines; stderr: {Errors}");
                }

                return;
            }

            try
            {
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the worker printed {Lines.Count} of {count} lines in {timeout}; stderr: {Errors}");
            }
        }
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for the process to exit and for its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process the hard way: SIGKILL on Unix, so it gets no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }

    /// <summary>The dotnet host that runs these tests, to run the worker with the same runtime.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (host is not null && File.Exists(host))
        {
            return host;
        }

        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }

        _lineArrived.Release();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _errors.AppendLine(line);
        }
    }
}
