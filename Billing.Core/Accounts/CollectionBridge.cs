using NodaTime;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Core.Accounts;

/// <summary>A payment as the bridge needs it: when it was made, how much, and whether it was reversed.</summary>
public sealed record BridgePayment(long Id, LocalDate PaidOn, Money Amount, bool Reversed);

/// <summary>One step from the collection report's figure to the community accounts' figure, with the reason in residents' words.</summary>
/// <param name="Amount">Signed: what this step adds to (or, negative, takes from) the running figure.</param>
public sealed record BridgeLine(string Code, string Label, Money Amount, string Why);

/// <summary>
/// How the community accounts' 实收 of a month follows from the collection report of the same
/// month, number by number. The collection report counts what was paid of the month's statements
/// (whenever paid, up to its date); the accounts count the money received in the month (whatever
/// it paid). Every step is a sum over payments, so nothing is left unexplained.
/// </summary>
public sealed record CollectionBridge(
    YearMonth Period, LocalDate? AsOf, Money ReportBilled, Money ReportCollected, IReadOnlyList<BridgeLine> Steps, Money AccountsCollected, Money Parking)
{
    /// <summary>What the steps arrive at; equals <see cref="AccountsCollected"/> unless a figure was stored inconsistently.</summary>
    public Money Explained => ReportCollected + Money.Sum(Steps.Select(s => s.Amount));

    /// <summary>Zero when every difference is explained; anything else is shown as its own line.</summary>
    public Money Unexplained => AccountsCollected - Explained;

    /// <summary>The resident fee line of the accounts: the month's receipts without the parking part.</summary>
    public Money ResidentFees => AccountsCollected - Parking;

    public bool Agrees => Steps.All(s => s.Amount == Money.Zero) && Unexplained == Money.Zero;

    public const string PaidAfterMonth = "paid-after-month";
    public const string PrepaidBefore = "prepaid-before-month";
    public const string ArrearsPaid = "arrears-paid-in-month";
    public const string Prepaid = "prepaid-in-month";
    public const string AfterReportDate = "in-month-after-report-date";
    public const string ReversedLater = "received-in-month-reversed";
    public const string ReversalsInMonth = "reversals-in-month";

    /// <summary>
    /// Builds the bridge from the ledger positions the collection report is computed from (the same
    /// <see cref="CollectionRate.For"/>), the community's payments, and the accounts' own figures.
    /// </summary>
    public static CollectionBridge Build(YearMonth period, LocalDate? asOf, IReadOnlyCollection<LedgerPosition> positions, IReadOnlyCollection<BridgePayment> payments, ResidentFeeFigures fees)
    {
        var report = CollectionRate.For(period, positions);
        var first = period.OnDayOfMonth(1);
        var last = period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month));
        var byId = payments.ToDictionary(p => p.Id);
        var settlements = positions
            .SelectMany(p => p.Charges.SelectMany(c => c.SettledBy.Select(s => (Payment: byId[s.PaymentId], c.Charge.Period, s.Amount))))
            .ToList();
        Money Sum(IEnumerable<Money> amounts) => Money.Sum(amounts);
        bool InMonth(BridgePayment p) => p.PaidOn >= first && p.PaidOn <= last;
        bool CountedByReport(BridgePayment p) => !p.Reversed && (asOf is null || p.PaidOn <= asOf);

        var paidAfter = Sum(settlements.Where(s => s.Period == period && s.Payment.PaidOn > last).Select(s => s.Amount));
        var prepaidBefore = Sum(settlements.Where(s => s.Period == period && s.Payment.PaidOn < first).Select(s => s.Amount));
        var inMonth = payments.Where(InMonth).ToList();
        var counted = inMonth.Where(CountedByReport).Select(p => p.Id).ToHashSet();
        var arrears = Sum(settlements.Where(s => counted.Contains(s.Payment.Id) && s.Period.CompareTo(period) < 0).Select(s => s.Amount));
        var settledUpToMonth = Sum(settlements.Where(s => counted.Contains(s.Payment.Id) && s.Period.CompareTo(period) <= 0).Select(s => s.Amount));
        var prepaid = Sum(inMonth.Where(p => counted.Contains(p.Id)).Select(p => p.Amount)) - settledUpToMonth;
        var afterReport = Sum(inMonth.Where(p => !p.Reversed && !counted.Contains(p.Id)).Select(p => p.Amount));
        var reversedLater = Sum(inMonth.Where(p => p.Reversed).Select(p => p.Amount));
        var month = $"{period.Year}年{period.Month}月";

        var steps = new List<BridgeLine>
        {
            new(PaidAfterMonth, $"减：{month}对账单在{period.Month}月结束后才缴的部分", -paidAfter,
                $"这些钱在{period.Month}月以后收到，计入收到当月的明白账"),
            new(PrepaidBefore, $"减：{period.Month}月以前预存、抵缴{month}对账单的部分", -prepaidBefore,
                "这些钱在以前月份收到，已计入收到当月的明白账"),
            new(ArrearsPaid, $"加：{period.Month}月内补缴以前月份欠费", arrears,
                "本月收到，但抵缴的是以前月份的对账单，收缴率报表算在那些月份"),
            new(Prepaid, $"加：{period.Month}月内预存的钱（抵缴以后月份或尚未使用）", prepaid,
                "本月收到，尚未抵缴本月及以前的对账单"),
        };
        if (afterReport != Money.Zero)
        {
            steps.Add(new(AfterReportDate, $"加：{period.Month}月内、收缴率报表截止日以后收到的缴费", afterReport, "收缴率报表截止日以后才收到"));
        }

        steps.Add(new(ReversedLater, $"加：{period.Month}月内收到、后来冲正的缴费", reversedLater,
            "收到时计入当月收款；收缴率报表不计已冲正的缴费"));
        steps.Add(new(ReversalsInMonth, $"减：{period.Month}月内登记的冲正", -fees.Reversed, "冲正在登记当月从收款中减去"));
        return new CollectionBridge(period, asOf, report.Billed, report.Collected, steps, fees.Collected, fees.CollectedParking);
    }
}
