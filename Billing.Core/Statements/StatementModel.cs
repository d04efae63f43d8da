using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Statements;

/// <summary>
/// Everything a resident's monthly statement (对账单) shows, computed in Core so that the PDF
/// renderer only lays it out and the database only stores it.
/// </summary>
/// <param name="Details">The household's details as at the end of the month (address, owner, area shown in the header).</param>
public sealed record StatementModel(
    Community Community,
    Household Household,
    HouseholdDetails Details,
    YearMonth Period,
    IReadOnlyList<ChargeLine> Lines,
    LocalDate IssueDate,
    LocalDate DueDate)
{
    /// <summary>Volunteer points earned, used and held, when the household has any.</summary>
    public Points.PointsSummary? Points { get; init; }

    /// <summary>Previous balance, payments since and amount due; set when the statement is issued, absent in a dry run.</summary>
    public AccountPosition? Account { get; init; }

    /// <summary>The number residents quote, stable across reruns: "202610-HZ-FXY-01-1-101".</summary>
    public string Number => $"{Period.Year:D4}{Period.Month:D2}-{Household.Code}";

    /// <summary>Totals are sums of rounded lines, never a separately rounded figure.</summary>
    public Money Total => Money.Sum(Lines.Select(l => l.Amount));

    /// <summary>The property service fee before subsidy.</summary>
    public Money StandardFee => Money.Sum(Lines.Where(l => l.Kind == HouseholdBilling.PropertyFeeKind).Select(l => l.Amount));

    /// <summary>What the district pays on this household's behalf (a positive amount).</summary>
    public Money DistrictShare => -Money.Sum(Lines.Where(l => l.Kind == Subsidies.SubsidyLines.Kind).Select(l => l.Amount));

    /// <summary>The resident's share of the standard fee: standard − district, to the fen.</summary>
    public Money ResidentShare => StandardFee - DistrictShare;
}
