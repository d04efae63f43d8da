using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NodaTime.Text;

namespace RedProperty.Billing.Api;

/// <summary>
/// The checks every write shares, made once for every endpoint before any handler (and so before
/// PostgreSQL) sees the input: text is bounded and free of control and direction-override
/// characters, amounts fit the columns that hold them, dates and months are in a sane range. A
/// failure is a 400 problem naming the field; the handlers then check what is particular to them.
/// </summary>
internal sealed class InputGuard : IEndpointFilter
{
    /// <summary>Longer than any name, reference or reason; shorter than anything meant to exhaust the server.</summary>
    public const int MaxTextLength = 500;

    /// <summary>numeric(12, 2), the widest money column, holds less than ten thousand million.</summary>
    public const decimal MaxAmount = 9_999_999_999.99m;

    public const int FirstYear = 1950;
    public const int LastYear = 2099;

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Field)[]> Properties = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var parameters = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>()?.GetParameters();
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            var name = parameters is not null && i < parameters.Length ? parameters[i].Name ?? $"argument{i}" : $"argument{i}";
            if (Check(context.Arguments[i], name) is { } problem)
            {
                return problem;
            }
        }

        return await next(context);
    }

    private static IResult? Check(object? value, string field)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return CheckText(text, field);
            case decimal amount:
                return Math.Abs(amount) > MaxAmount
                    ? Problems.Field(StatusCodes.Status400BadRequest, "Amount out of range", $"{field} must be at most {MaxAmount:0.00} in size.", field)
                    : null;
            case IEnumerable<string> texts:
                var index = 0;
                foreach (var text in texts)
                {
                    if (CheckText(text, $"{field}[{index++}]") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
        }

        var type = value.GetType();
        if (type.Namespace != typeof(InputGuard).Namespace)
        {
            return null;
        }

        foreach (var (property, name) in Properties.GetOrAdd(type, Describe))
        {
            if (Check(property.GetValue(value), name) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static (PropertyInfo, string)[] Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead)
            .Select(p => (p, JsonNamingPolicy.CamelCase.ConvertName(p.Name)))
            .ToArray();

    /// <summary>The problem with one text field, or null when it is acceptable.</summary>
    public static IResult? CheckText(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > MaxTextLength)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Text too long", $"{field} is at most {MaxTextLength} characters, got {text.Length}.", field);
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Control character", $"{field} contains the control character U+{(int)c:X4} at position {i + 1}.", field);
            }

            if (IsDirectionControl(c))
            {
                // U+202E can make 'gpj.exe' read as 'exe.jpg' on a statement or a staff screen.
                return Problems.Field(StatusCodes.Status400BadRequest, "Direction override", $"{field} contains the text-direction control U+{(int)c:X4} at position {i + 1}.", field);
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Invalid character", $"{field} contains a lone surrogate at position {i + 1}, which is no character.", field);
            }
        }

        return CheckDateLike(text, field);
    }

    private static bool IsDirectionControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>Why a date or month (a value like 2026-10 or 2026-10-31) is outside the years people bill in, or null.</summary>
    public static string? DateProblem(string text)
    {
        var year = YearOf(text.Trim());
        return year is { } value and (< FirstYear or > LastYear) ? $"a date in the years {FirstYear}–{LastYear}, not '{text}'" : null;
    }

    private static int? YearOf(string text)
    {
        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success)
        {
            return date.Value.Year;
        }

        return text.Length is 7 or 10 && text[4] == '-' && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
    }

    /// <summary>Dates and months anywhere (routes, bodies) are in years people bill in: no year 0000, 9999 or infinity.</summary>
    private static IResult? CheckDateLike(string text, string field)
    {
        int? year = null;
        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success)
        {
            year = date.Value.Year;
        }
        else if (text.Length == 7 && text[4] == '-' && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y))
        {
            year = y;
        }
        else if (text.Contains("infinity", StringComparison.OrdinalIgnoreCase) && field is "period" or "month" or "day" or "date" or "on" or "from" or "to" or "paidOn" or "enteredOn" or "inPeriod")
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", $"{field} is a date, not '{text}'.", field);
        }

        return year is { } value and (< FirstYear or > LastYear)
            ? Problems.Field(StatusCodes.Status400BadRequest, "Date out of range", $"{field} must be in the years {FirstYear}–{LastYear}, got '{text}'.", field)
            : null;
    }
}

/// <summary>
/// The same checks for uploaded CSV files, which the endpoint filter cannot see: every cell is
/// bounded and free of control and direction-override characters. A failure names the file, the
/// row (the header is row 1) and the column, and nothing is parsed or stored.
/// </summary>
internal static class CsvGuard
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Check(string file, string text)
    {
        var errors = new List<Core.Validation.InputError>();
        var lines = text.Split('\n');
        var header = lines.Length > 0 ? lines[0].TrimEnd('\r').Split(',') : [];
        for (var row = 0; row < lines.Length && errors.Count < 20; row++)
        {
            var line = lines[row].TrimEnd('\r');
            var cells = line.Split(',');
            for (var column = 0; column < cells.Length; column++)
            {
                var field = column < header.Length ? header[column].Trim('\uFEFF', '"', ' ') : $"column {column + 1}";
                if (Problem(cells[column]) is { } why)
                {
                    errors.Add(new Core.Validation.InputError(file, row + 1, field, "csv.text.invalid", why));
                }
            }
        }

        return errors.Count == 0 ? null : Problems.Rejected(new Core.Validation.InputRejectedException(errors));
    }

    private static string? Problem(string cell)
    {
        if (cell.Length > InputGuard.MaxTextLength)
        {
            return $"a cell is at most {InputGuard.MaxTextLength} characters, this one has {cell.Length}";
        }

        for (var i = 0; i < cell.Length; i++)
        {
            var c = cell[i];
            if (char.IsControl(c) && c != '\t')
            {
                return $"the control character U+{(int)c:X4} at position {i + 1}";
            }

            if (c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return $"the text-direction control U+{(int)c:X4} at position {i + 1}";
            }
        }

        return InputGuard.DateProblem(cell.Trim('"'));
    }
}
