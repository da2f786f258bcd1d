using System.Text;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

public class OutputTests
{
    [Fact]
    public async Task Pump_SplitsLinesAcrossReadsAndCopiesBytesExactly()
    {
        byte[] input = Encoding.UTF8.GetBytes("first\r\nsé\ncond\nMETRIC a=1\nlast");
        using var source = new OneByteAtATimeStream(input);
        using var log = new MemoryStream();
        var lines = new List<string>();

        await OutputPump.RunAsync(source, log, line => { lines.Add(line); return ValueTask.CompletedTask; }, null, CancellationToken.None);

        log.ToArray().ShouldBe(input);
        lines.ShouldBe(["first", "sé", "cond", "METRIC a=1", "last"]);
    }

    [Fact]
    public async Task Pump_VeryLongLine_IsCutForParsingOnly()
    {
        byte[] input = Encoding.UTF8.GetBytes(new string('x', OutputPump.MaxLineBytes + 10) + "\nnext\n");
        using var log = new MemoryStream();
        var lines = new List<string>();

        await OutputPump.RunAsync(new MemoryStream(input), log, line => { lines.Add(line); return ValueTask.CompletedTask; }, null, CancellationToken.None);

        log.Length.ShouldBe(input.Length);
        lines.Select(l => l.Length).ShouldBe([OutputPump.MaxLineBytes, 4]);
    }

    [Theory]
    [InlineData("RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB", "CUDA out of memory")]
    [InlineData("RuntimeError: CUDA error: out of memory", "CUDA out of memory")]
    [InlineData("ResourceExhaustedError: OOM when allocating tensor on /job:localhost/replica:0/task:0/device:GPU:0", "CUDA out of memory")]
    [InlineData("MemoryError", "out of memory")]
    [InlineData("terminate called after throwing an instance of 'std::bad_alloc'", "out of memory")]
    [InlineData("Unhandled exception. System.OutOfMemoryException", "out of memory")]
    [InlineData("fork: Cannot allocate memory", "out of memory")]
    [InlineData("epoch 3 loss 0.5", null)]
    public void FindOutOfMemory_RecognisesCommonMessages(string line, string? expected)
    {
        OutputScanner.FindOutOfMemory(line).ShouldBe(expected);
    }

    [Theory]
    [InlineData(137, 9)]
    [InlineData(143, 15)]
    [InlineData(129, 1)]
    [InlineData(192, 64)]
    [InlineData(128, null)]
    [InlineData(193, null)]
    [InlineData(1, null)]
    public void SignalFromExitCode_Uses128PlusN(int exitCode, int? signal)
    {
        SignalNames.FromExitCode(exitCode).ShouldBe(signal);
    }

    [Fact]
    public void SignalNames_AreConventional()
    {
        SignalNames.Name(9).ShouldBe("SIGKILL");
        SignalNames.Name(15).ShouldBe("SIGTERM");
        SignalNames.Name(11).ShouldBe("SIGSEGV");
        SignalNames.Name(34).ShouldBe("SIGRTMIN+0");
    }

    private sealed class OneByteAtATimeStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
