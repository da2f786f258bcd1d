using System.Text;

namespace Vernier.Runner.Config;

/// <summary>
/// Splits a command written as one string into arguments the way Python's <c>shlex.split</c>
/// (POSIX mode) does, so users can paste a shell command. Nothing is expanded: no variables,
/// globs, pipes or redirections; the command is never given to a shell.
/// </summary>
/// <remarks>
/// Whitespace separates arguments; <c>'…'</c> keeps everything literally; <c>"…"</c> keeps
/// everything but lets <c>\"</c> and <c>\\</c> stand for <c>"</c> and <c>\</c>; outside quotes a
/// backslash keeps the next character literally; adjacent pieces join (<c>--tag="a b"</c> is one
/// argument); <c>''</c> is an empty argument.
/// </remarks>
internal static class CommandLine
{
    /// <exception cref="FormatException">A quote is not closed, or the string ends with a lone backslash.</exception>
    public static List<string> Split(string command)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        bool inArgument = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inArgument)
                    {
                        arguments.Add(current.ToString());
                        current.Clear();
                        inArgument = false;
                    }

                    break;
                case '\\':
                    if (++i == command.Length)
                    {
                        throw new FormatException("the command ends with a backslash that escapes nothing");
                    }

                    current.Append(command[i]);
                    inArgument = true;
                    break;
                case '\'':
                    int close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"the single quote at character {i + 1} of the command is not closed");
                    }

                    current.Append(command, i + 1, close - i - 1);
                    i = close;
                    inArgument = true;
                    break;
                case '"':
                    int start = i;
                    for (i++; ; i++)
                    {
                        if (i == command.Length)
                        {
                            throw new FormatException($"the double quote at character {start + 1} of the command is not closed");
                        }

                        if (command[i] == '"')
                        {
                            break;
                        }

                        if (command[i] == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\')
                        {
                            i++;
                        }

                        current.Append(command[i]);
                    }

                    inArgument = true;
                    break;
                default:
                    current.Append(c);
                    inArgument = true;
                    break;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        return arguments;
    }
}
