using System.Globalization;

namespace RedProperty.Billing.Core.Payments;

/// <summary>
/// Who gets a reminder notice (催缴通知): a household whose overdue amount is at least the minimum.
/// A fen or two left open by rounding is not worth a liaison leader's visit, and a notice asking a
/// resident for 0.01 yuan costs the company more trust than it recovers. The arrears list still
/// shows every open amount; the minimum is configuration, not code.
/// </summary>
public sealed record ReminderRule(Money MinimumOverdue)
{
    /// <summary>1.00 yuan unless configured otherwise.</summary>
    public static readonly ReminderRule Default = new(new Money(1.00m));

    public bool Reminds(Money overdue) => overdue > Money.Zero && overdue >= MinimumOverdue;

    /// <summary>The rule from a setting in yuan ("1.00"); no setting: <see cref="Default"/>.</summary>
    public static ReminderRule FromSetting(string? yuan)
    {
        if (string.IsNullOrWhiteSpace(yuan))
        {
            return Default;
        }

        if (!decimal.TryParse(yuan.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || decimal.Round(amount, 2) != amount)
        {
            throw new ArgumentException($"The minimum overdue amount for reminders must be yuan with at most two decimals, like 1.00; got '{yuan}'.");
        }

        return new ReminderRule(new Money(amount));
    }
}
