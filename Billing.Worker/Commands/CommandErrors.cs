using System.CommandLine;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>One line for a command line that cannot be run: what is wrong, a likely meant name, and where help is.</summary>
public static class CommandErrors
{
    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var help = command is RootCommand ? "Billing.Worker --help" : $"Billing.Worker {command.Name} --help";
        if (parse.UnmatchedTokens.FirstOrDefault() is { } unknown)
        {
            var what = unknown.StartsWith('-') ? "option" : command is RootCommand ? "command" : "argument";
            var where = command is RootCommand ? string.Empty : $" for '{command.Name}'";
            var meant = Closest(unknown, Candidates(command, unknown));
            var suggestion = meant is null ? string.Empty : $" Did you mean '{meant}'?";
            return $"Unknown {what} '{unknown}'{where}.{suggestion} See '{help}'.";
        }

        if (parse.Errors.Count == 0)
        {
            return string.Empty;
        }

        var message = parse.Errors[0].Message;
        if (command is RootCommand && message.Contains("Required command", StringComparison.Ordinal))
        {
            message = "No command given.";
        }

        var sentence = message.EndsWith('.') || message.EndsWith('?') ? message : message + ".";
        return $"{sentence} See '{help}'.";
    }

    /// <summary>The name among <paramref name="candidates"/> nearest to <paramref name="typed"/>, if one is near enough to be a typo.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        var tolerance = Math.Max(1, typed.TrimStart('-').Length / 3);
        return bestDistance <= tolerance ? best : null;
    }

    private static IEnumerable<string> Candidates(Command command, string typed)
    {
        if (typed.StartsWith('-'))
        {
            return command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
        }

        return command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
    }

    // Levenshtein distance: a typo is a few letters added, dropped or changed.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var change = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + change);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
