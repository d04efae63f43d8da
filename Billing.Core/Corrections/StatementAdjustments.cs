using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Corrections;

/// <summary>
/// A correction of an issued statement not yet fully billed: issued statements are never changed,
/// so the correction is billed as a line of a later statement that names the one it corrects.
/// </summary>
/// <param name="Amount">As recorded: positive is more to pay, negative is a credit.</param>
/// <param name="Pending">What earlier statements have not billed yet; same sign as the amount, never zero.</param>
public sealed record PendingAdjustment(long Id, string CorrectsStatementNo, string Reason, Money Amount, Money Pending);

/// <summary>The adjustment lines of a statement, and the checks on a correction before it is recorded.</summary>
public static class StatementAdjustments
{
    public const string Kind = "adjustment";
    public const string Label = "更正";

    /// <summary>Longest reason: it is printed on the statement that bills the correction.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Whether a correction waits for a second person: larger than the operator's threshold, credit or charge.</summary>
    public static bool NeedsApproval(Money amount, Money approvalAbove) => Math.Abs(amount.Yuan) > approvalAbove.Yuan;

    /// <summary>Where the line's amount comes from, in place of a rate book version.</summary>
    public static string RateVersion(long adjustmentId) => $"adjustment #{adjustmentId}";

    /// <summary>
    /// One line per pending adjustment on a statement whose other lines add up to <paramref name="charges"/>.
    /// Extra charges are billed whole and first, so a credit can use them; a credit is then billed
    /// oldest first and never takes the statement below zero, the rest waiting for the next month,
    /// as a points credit does. A credit that finds nothing left to reduce adds no line.
    /// </summary>
    public static IReadOnlyList<ChargeLine> Lines(Money charges, IReadOnlyList<PendingAdjustment> pending, FenRounding rounding)
    {
        if (pending.Count == 0)
        {
            return [];
        }

        var lines = new List<ChargeLine>(pending.Count);
        var total = charges;
        foreach (var adjustment in pending.Where(a => a.Pending > Money.Zero).OrderBy(a => a.Id))
        {
            lines.Add(Line(adjustment, adjustment.Pending, rounding));
            total += adjustment.Pending;
        }

        foreach (var adjustment in pending.Where(a => a.Pending.IsNegative).OrderBy(a => a.Id))
        {
            var applied = Points.PointsCredit.Applicable(total, -adjustment.Pending);
            if (applied > Money.Zero)
            {
                lines.Add(Line(adjustment, -applied, rounding));
                total -= applied;
            }
        }

        return lines;
    }

    /// <summary>What is wrong with a correction as entered, each error naming its field; empty when it can be recorded.</summary>
    public static IReadOnlyList<InputError> Check(string source, Money amount, string? reason, string? recordedBy)
    {
        var errors = new List<InputError>();
        if (amount == Money.Zero)
        {
            errors.Add(new(source, null, "amount", "adjustment.amount.zero", "a correction is a non-zero amount in yuan: positive is more to pay, negative is a credit"));
        }
        else if (!amount.IsWholeFen)
        {
            errors.Add(new(source, null, "amount", "adjustment.amount.fen", $"{amount} has more than two decimals; amounts are in yuan to the fen"));
        }
        else if (Math.Abs(amount.Yuan) >= 10_000_000_000m)
        {
            errors.Add(new(source, null, "amount", "adjustment.amount.range", $"{amount} is out of range"));
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            errors.Add(new(source, null, "reason", "adjustment.reason.required", "say why the statement is corrected; the reason is printed on the statement that bills it"));
        }
        else if (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            errors.Add(new(source, null, "reason", "adjustment.reason.invalid", $"the reason is one line of at most {MaxReasonLength} characters"));
        }

        if (string.IsNullOrWhiteSpace(recordedBy) || recordedBy.Length > 100)
        {
            errors.Add(new(source, null, "recordedBy", "adjustment.recorded-by.required", "every correction records who made it"));
        }

        return errors;
    }

    private static ChargeLine Line(PendingAdjustment adjustment, Money applied, FenRounding rounding)
    {
        var basis = new AdjustmentBasis(adjustment.Id, adjustment.CorrectsStatementNo, adjustment.Reason, adjustment.Amount, adjustment.Pending, applied, rounding);
        return new ChargeLine(Kind, Label, RateVersion(adjustment.Id), basis.Amount, basis);
    }
}

/// <summary>
/// The inputs of an adjustment line: which statement it corrects and why, the amount recorded,
/// what earlier months left of it, and what this statement bills.
/// </summary>
public sealed record AdjustmentBasis(long AdjustmentId, string CorrectsStatementNo, string Reason, Money Recorded, Money Pending, Money Applied, FenRounding Rounding)
    : LineBasis(Rounding)
{
    public override decimal Exact => Applied.Yuan;

    public override LineInputs Inputs => new(Applied.Yuan, "元", null, null, null, null, null, null, null)
    {
        Extra = new Dictionary<string, string>
        {
            ["adjustment_id"] = AdjustmentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["corrects_statement"] = CorrectsStatementNo,
            ["recorded"] = Fen(Recorded),
            ["pending"] = Fen(Pending),
            ["applied"] = Fen(Applied),
        },
    };

    public override string Describe()
    {
        var text = $"更正对账单 {CorrectsStatementNo}：{Reason}";
        if (Recorded == Applied)
        {
            return text;
        }

        // Only a credit is ever split over months: say how much of it this statement uses.
        var earlier = Recorded - Pending;
        var rest = Pending - Applied;
        var parts = new List<string> { $"共退 {(-Recorded).ToFenString()} 元" };
        if (earlier != Money.Zero)
        {
            parts.Add($"此前已抵扣 {(-earlier).ToFenString()} 元");
        }

        parts.Add($"本期抵扣 {(-Applied).ToFenString()} 元");
        if (rest != Money.Zero)
        {
            parts.Add($"余 {(-rest).ToFenString()} 元下月继续抵扣");
        }

        return $"{text}（{string.Join("，", parts)}）";
    }
}
