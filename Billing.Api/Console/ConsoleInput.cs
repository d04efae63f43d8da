using System.Globalization;
using Microsoft.AspNetCore.Html;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>
/// Reading a console form's fields, with a message in Chinese naming what is wrong. Pages are not
/// behind the Api's input filter, so the same limits are applied here, before anything reaches
/// PostgreSQL: bounded text without control or direction-override characters, amounts that fit
/// the columns, dates in the years people bill in.
/// </summary>
public static class ConsoleInput
{
    public static string? TextProblem(string? text, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? "必填" : null;
        }

        if (text.Length > maxLength)
        {
            return $"最多 {maxLength} 个字，现为 {text.Length} 个字";
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return $"第 {i + 1} 个字符无效（U+{(int)c:X4}）";
            }
        }

        return null;
    }

    /// <summary>A positive amount in yuan with at most two decimals (or, when <paramref name="allowNegative"/>, any non-zero one).</summary>
    public static bool TryAmount(string? text, bool allowNegative, out Money amount, out string problem)
    {
        amount = Money.Zero;
        if (!decimal.TryParse(text?.Trim().Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            problem = "请填写金额，如 1280.50";
            return false;
        }

        if (decimal.Round(yuan, 2) != yuan)
        {
            problem = "金额最多两位小数（到分）";
            return false;
        }

        if (yuan == 0m || (yuan < 0m && !allowNegative))
        {
            problem = allowNegative ? "金额不能为 0" : "金额须大于 0（更正原分录时才可为负数）";
            return false;
        }

        if (Math.Abs(yuan) > InputGuard.MaxAmount)
        {
            problem = $"金额不能超过 {InputGuard.MaxAmount:#,##0.00} 元";
            return false;
        }

        (amount, problem) = (new Money(yuan), string.Empty);
        return true;
    }

    public static bool TryMonth(string? text, out YearMonth month)
    {
        var parsed = BillingPeriod.Pattern.Parse(text?.Trim() ?? string.Empty);
        month = parsed.Success ? parsed.Value : default;
        return parsed.Success && month.Year is >= InputGuard.FirstYear and <= InputGuard.LastYear;
    }

    public static bool TryDate(string? text, out LocalDate date)
    {
        var parsed = LocalDatePattern.Iso.Parse(text?.Trim() ?? string.Empty);
        date = parsed.Success ? parsed.Value : default;
        return parsed.Success && date.Year is >= InputGuard.FirstYear and <= InputGuard.LastYear;
    }

    public static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Iso(YearMonth month) => BillingPeriod.Format(month);
}

/// <summary>A console page with forms: each error is shown beside the field it names, and nothing is stored while there is one.</summary>
public abstract class ConsoleFormModel : ConsolePageModel
{
    /// <summary>Which form the errors belong to, so a page with several forms marks the right one.</summary>
    public string? FailedForm { get; protected set; }

    protected void Fail(string form, string field, string message)
    {
        FailedForm = form;
        Errors.Add(new InputError(form, null, field, "console.input", message));
    }

    public string? ErrorFor(string form, string field) =>
        FailedForm == form ? Errors.FirstOrDefault(e => e.Field == field)?.Message : null;

    /// <summary>The message beside a field, or nothing; the id lets tests and screen readers find it.</summary>
    public IHtmlContent FieldError(string form, string field) =>
        ErrorFor(form, field) is { } message
            ? new HtmlString($"<span class=\"field-error\" role=\"alert\" id=\"{form}-{field}-error\">{System.Net.WebUtility.HtmlEncode(message)}</span>")
            : HtmlString.Empty;

    /// <summary>The value the person typed, kept when the form comes back with an error.</summary>
    public string Typed(string form, string field, string fallback = "") =>
        FailedForm == form && Request.HasFormContentType && Request.Form.TryGetValue(field, out var value) ? Visible(value.ToString()) : fallback;

    /// <summary>What was typed, with control and direction-override characters shown as U+FFFD, so an echoed value cannot reorder the page's text.</summary>
    private static string Visible(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') ? '\uFFFD' : c));
}
