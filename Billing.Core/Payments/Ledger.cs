using NodaTime;

namespace RedProperty.Billing.Core.Payments;

/// <summary>How a resident paid.</summary>
public enum PaymentChannel
{
    /// <summary>现金.</summary>
    Cash,

    /// <summary>微信支付.</summary>
    WeChatPay,

    /// <summary>支付宝.</summary>
    Alipay,

    /// <summary>银行转账.</summary>
    BankTransfer,
}

public static class PaymentChannels
{
    public static string Name(this PaymentChannel channel) => channel switch
    {
        PaymentChannel.Cash => "cash",
        PaymentChannel.WeChatPay => "wechat",
        PaymentChannel.Alipay => "alipay",
        _ => "bank",
    };

    public static string Display(this PaymentChannel channel) => channel switch
    {
        PaymentChannel.Cash => "现金",
        PaymentChannel.WeChatPay => "微信支付",
        PaymentChannel.Alipay => "支付宝",
        _ => "银行转账",
    };

    public static bool TryParse(string? text, out PaymentChannel channel)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "cash" or "现金": channel = PaymentChannel.Cash; return true;
            case "wechat" or "微信" or "微信支付": channel = PaymentChannel.WeChatPay; return true;
            case "alipay" or "支付宝": channel = PaymentChannel.Alipay; return true;
            case "bank" or "银行" or "银行转账": channel = PaymentChannel.BankTransfer; return true;
            default: channel = default; return false;
        }
    }
}

/// <summary>What a household owes for a month: its statement total, issued on one date and due on another.</summary>
public sealed record Charge(long Id, YearMonth Period, LocalDate IssueDate, LocalDate DueDate, Money Amount);

/// <summary>A payment as recorded; a reversed payment stays in the ledger but settles nothing.</summary>
public sealed record Payment(long Id, PaymentChannel Channel, string Reference, LocalDate PaidOn, Money Amount, bool Reversed);

/// <summary>One charge after allocation: how much of it is paid, by which payments, and what is still open.</summary>
public sealed record ChargeStatus(Charge Charge, Money Paid, IReadOnlyList<Settlement> SettledBy)
{
    public Money Open => Charge.Amount - Paid;

    public bool IsSettled => Open == Money.Zero;
}

public sealed record Settlement(long PaymentId, Money Amount);

/// <summary>A household's position: every charge with its open amount, any credit left over, and the balance.</summary>
/// <param name="Balance">Positive: the household owes; negative: it has credit. Always charges − payments that stand.</param>
public sealed record LedgerPosition(IReadOnlyList<ChargeStatus> Charges, Money Credit, Money Balance)
{
    public Money Open => Money.Sum(Charges.Select(c => c.Open));
}

/// <summary>
/// Allocation of payments to charges: each payment that stands goes to the oldest open charge first
/// (by due date, then month); what no charge is open for stays as credit and settles the next charge.
/// Derived from the ledger every time, so it can never disagree with it.
/// </summary>
public static class Allocation
{
    public static LedgerPosition Fifo(IEnumerable<Charge> charges, IEnumerable<Payment> payments, LocalDate? asOf = null)
    {
        var ordered = charges.OrderBy(c => c.DueDate).ThenBy(c => c.Period).ThenBy(c => c.Id).ToList();
        var standing = payments
            .Where(p => !p.Reversed && (asOf is null || p.PaidOn <= asOf))
            .OrderBy(p => p.PaidOn).ThenBy(p => p.Id)
            .ToList();

        var paid = new decimal[ordered.Count];
        var settled = ordered.Select(_ => new List<Settlement>()).ToArray();
        var next = 0;
        var credit = 0m;
        foreach (var payment in standing)
        {
            var left = payment.Amount.Yuan;
            while (left > 0m && next < ordered.Count)
            {
                var take = Math.Min(left, ordered[next].Amount.Yuan - paid[next]);
                if (take > 0m)
                {
                    paid[next] += take;
                    settled[next].Add(new Settlement(payment.Id, new Money(take)));
                    left -= take;
                }

                if (paid[next] == ordered[next].Amount.Yuan)
                {
                    next++;
                }
            }

            credit += left;
        }

        var statuses = ordered.Select((c, i) => new ChargeStatus(c, new Money(paid[i]), settled[i])).ToList();
        var balance = Money.Sum(ordered.Select(c => c.Amount)) - Money.Sum(standing.Select(p => p.Amount));
        return new LedgerPosition(statuses, new Money(credit), balance);
    }
}

/// <summary>Arrears by how long they are overdue (欠费账龄).</summary>
public sealed record AgingBuckets(Money NotYetDue, Money Days0To30, Money Days31To90, Money Days91To180, Money Over180)
{
    public Money Overdue => Days0To30 + Days31To90 + Days91To180 + Over180;

    public static AgingBuckets Of(LedgerPosition position, LocalDate asOf)
    {
        decimal notDue = 0, d30 = 0, d90 = 0, d180 = 0, over = 0;
        foreach (var c in position.Charges.Where(c => !c.IsSettled))
        {
            // Overdue only after the due date: on the due date itself a charge is still 未到期.
            var days = Period.DaysBetween(c.Charge.DueDate, asOf);
            var open = c.Open.Yuan;
            switch (days)
            {
                case <= 0: notDue += open; break;
                case <= 30: d30 += open; break;
                case <= 90: d90 += open; break;
                case <= 180: d180 += open; break;
                default: over += open; break;
            }
        }

        return new AgingBuckets(new Money(notDue), new Money(d30), new Money(d90), new Money(d180), new Money(over));
    }
}

/// <summary>收缴率: what was collected for a month's billing over what was billed to residents for it.</summary>
public sealed record CollectionRate(YearMonth Period, Money Billed, Money Collected)
{
    /// <summary>A share between 0 and 1, or null when nothing was billed.</summary>
    public decimal? Rate => Billed == Money.Zero ? null : Collected.Yuan / Billed.Yuan;

    public string Percent => Rate is { } r ? $"{decimal.Round(r * 100m, 1, MidpointRounding.AwayFromZero):0.0}%" : "—";

    public static CollectionRate For(YearMonth period, IEnumerable<LedgerPosition> households)
    {
        var ofMonth = households.SelectMany(h => h.Charges).Where(c => c.Charge.Period == period).ToList();
        return new CollectionRate(period, Money.Sum(ofMonth.Select(c => c.Charge.Amount)), Money.Sum(ofMonth.Select(c => c.Paid)));
    }
}
