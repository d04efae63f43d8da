using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// The options commands share, each parsed and checked in one place: a malformed value is a
/// parse error naming the option, so no command starts with it.
/// </summary>
public static class CommandOptions
{
    public static Option<YearMonth> Period(string description = "the billing month, yyyy-MM") => new("--period")
    {
        Description = description,
        Required = true,
        CustomParser = r => ParsePeriod(r) ?? default,
    };

    public static Option<YearMonth?> OptionalPeriod(string description) => new("--period")
    {
        Description = description,
        CustomParser = ParsePeriod,
    };

    /// <summary>A day, in the spellings the CSV files accept (2026-11-05, 2026/11/5, 2026-11-5).</summary>
    public static Option<LocalDate?> Date(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = r =>
        {
            var text = (r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty);
            if (CsvDates.TryParse(text, out var date))
            {
                return date;
            }

            r.AddError($"{name}: '{text}' is not {CsvDates.Expected}");
            return null;
        },
    };

    /// <summary>A text value that must not be blank (a name, a code, a reason).</summary>
    public static Option<string> Text(string name, string description, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
            {
                r.AddError($"{name} must not be blank.");
            }
        });
        return option;
    }

    public static Option<FileInfo> ExistingFile(string name, string description, bool required = true)
    {
        var option = new Option<FileInfo>(name) { Description = description, Required = required };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !File.Exists(r.Tokens[0].Value))
            {
                r.AddError($"{name}: no file '{r.Tokens[0].Value}'.");
            }
        });
        return option;
    }

    public static Option<DirectoryInfo> ExistingDirectory(string name, string description)
    {
        var option = new Option<DirectoryInfo>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !Directory.Exists(r.Tokens[0].Value))
            {
                r.AddError($"{name}: no folder '{r.Tokens[0].Value}'.");
            }
        });
        return option;
    }

    /// <summary>Where files are written; under the checkout's out/ folder unless given.</summary>
    public static Option<string> OutDirectory(params string[] defaultUnderOut)
    {
        var fallback = Path.Combine([RepositoryPaths.Root, "out", .. defaultUnderOut]);
        return new Option<string>("--out")
        {
            Description = $"the folder to write to (default {Path.Combine(["out", .. defaultUnderOut])})",
            DefaultValueFactory = _ => fallback,
        };
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> Number(string name, string description, int min = 1, int max = int.MaxValue, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = r =>
        {
            var text = (r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }

            r.AddError(max == int.MaxValue
                ? $"{name}: '{text}' is not a whole number of at least {min}."
                : $"{name}: '{text}' is not a whole number from {min} to {max}.");
            return null;
        },
    };

    /// <summary>An amount in yuan with at most two decimals (fen); negative only where a credit makes sense.</summary>
    public static Option<decimal> Yuan(string name, string description, bool allowNegative) => new(name)
    {
        Description = description,
        Required = true,
        CustomParser = r =>
        {
            var text = (r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty);
            var styles = NumberStyles.AllowDecimalPoint | (allowNegative ? NumberStyles.AllowLeadingSign : NumberStyles.None);
            if (decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var amount))
            {
                return amount;
            }

            r.AddError(allowNegative
                ? $"{name}: '{text}' is not yuan, e.g. -10.00 for a credit or 5.50 for more to pay."
                : $"{name}: '{text}' is not yuan, e.g. 42.96.");
            return 0m;
        },
    };

    /// <summary>One of a few words; anything else is an error naming them (and the one likely meant).</summary>
    public static Option<string> OneOf(string name, string description, string[] words, string? fallback = null)
    {
        var option = new Option<string>(name) { Description = $"{description}: {string.Join(", ", words)}", Required = fallback is null };
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !words.Contains(r.Tokens[0].Value, StringComparer.Ordinal))
            {
                var meant = CommandErrors.Closest(r.Tokens[0].Value, words);
                r.AddError($"{name}: '{r.Tokens[0].Value}' is not {string.Join(" or ", words)}.{(meant is null ? string.Empty : $" Did you mean '{meant}'?")}");
            }
        });
        return option;
    }

    /// <summary>A community, operator or district code; whether it exists is checked against the register.</summary>
    public static Option<string> Code(string name, string description, bool required = false) => Text(name, description, required);

    /// <summary>A comma-separated list of community codes.</summary>
    public static Option<string[]?> CodeList(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var codes = (r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (codes.Length == 0)
            {
                r.AddError($"{name}: give at least one code, e.g. A,B.");
            }

            return codes;
        },
    };

    private static YearMonth? ParsePeriod(ArgumentResult r)
    {
        var text = (r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty);
        if (BillingPeriod.Pattern.Parse(text) is { Success: true } parsed)
        {
            return parsed.Value;
        }

        r.AddError($"--period: '{text}' is not a month like 2026-10.");
        return null;
    }

    /// <summary>A run number as `run` and `runs` print it.</summary>
    public static Option<long> RunNumber() => new("--run")
    {
        Description = "the run number `run` printed",
        Required = true,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }

            r.AddError($"--run: '{text}' is not a run number like 12.");
            return 0;
        },
    };
}

/// <summary>Options whose values are a fixed set of words, parsed by the domain's own parser.</summary>
public static class ChoiceOptions
{
    public static Option<Core.Payments.PaymentChannel?> Channel(bool required) => new("--channel")
    {
        Description = "cash, wechat, alipay or bank",
        Required = required,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (Core.Payments.PaymentChannels.TryParse(text, out var channel))
            {
                return channel;
            }

            r.AddError($"--channel: '{text}' is not cash, wechat, alipay or bank.");
            return null;
        },
    };

}
