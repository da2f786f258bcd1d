using System.CommandLine;
using System.Globalization;
using Vernier.Storage;
using Vernier.Studies;

namespace Vernier.Cli.Commands;

/// <summary>
/// <c>vernier heartbeat</c>: keeps a trial started with <c>vernier ask</c> alive, so that if the script running it dies,
/// another process of the study fails it as stale (and retries it) instead of leaving it running for ever.
/// </summary>
internal static class HeartbeatCommand
{
    public static Command Create(CliConsole console)
    {
        Option<FileInfo?> config = CommonOptions.Config();
        Option<string?> storage = CommonOptions.Storage();
        Option<string?> studyName = CommonOptions.StudyName();
        var trialNumber = new Option<int>("--trial", "--trial-number") { Description = "The trial's number, as printed by ask.", Required = true, HelpName = "N" };
        var every = new Option<double?>("--every")
        {
            Description = "Keep beating every SECONDS until the trial finishes (vernier tell) or this process is stopped; without it, beat once.",
            HelpName = "SECONDS",
        };
        var command = new Command("heartbeat", "Record that the script working on a trial is alive. Once a trial has a heartbeat, a trial whose " +
            "heartbeats stop for the study's stale_after (60 s by default) is failed as stale by whichever vernier process of the study notices " +
            "first, and retried within max_retries. Trials without heartbeats are never stale.\n\n" +
            "Examples:\n" +
            "  trial=$(vernier ask -c study.yaml | jq .trial_number)\n" +
            "  vernier heartbeat -c study.yaml --trial $trial --every 10 & beat=$!\n" +
            "  python train.py ... && vernier tell -c study.yaml --trial $trial --value 0.91; kill $beat");
        foreach (Option option in new Option[] { config, storage, studyName, trialNumber, every })
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, cancellationToken) => VernierApp.GuardAsync(console, async () =>
        {
            double? seconds = parsed.GetValue(every);
            if (seconds is { } s && !(s > 0 && s <= 3600))
            {
                throw new CliException($"--every must be between 0 and 3600 seconds, got {s.ToString(CultureInfo.InvariantCulture)}.");
            }

            StudyTarget target = StudyTarget.Resolve(parsed, config, storage, studyName);
            await using Study study = await target.LoadAsync(cancellationToken);
            int number = parsed.GetValue(trialNumber);
            await study.RecordHeartbeatAsync(number, cancellationToken);
            if (seconds is null)
            {
                return ExitCodes.Success;
            }

            console.Output.WriteLine($"keeping trial {number} alive: a heartbeat every {seconds.Value.ToString(CultureInfo.InvariantCulture)} s until it finishes or this process is stopped.");
            console.Output.Flush();
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds.Value));
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    await study.RecordHeartbeatAsync(number, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped by the script (kill, Ctrl-C): the trial simply gets no more beats.
            }
            catch (TrialStateException e)
            {
                // Told, or failed as stale meanwhile: nothing left to keep alive.
                console.Error.WriteLine($"heartbeat stopped: {e.Message}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
