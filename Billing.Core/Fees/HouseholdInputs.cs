namespace RedProperty.Billing.Core.Fees;

/// <summary>Per household and month facts that are not in the register: meter readings, credits and corrections.</summary>
public sealed record HouseholdMonthInputs(IReadOnlyDictionary<string, decimal> MeterReadings)
{
    public static readonly HouseholdMonthInputs None = new(new Dictionary<string, decimal>());

    /// <summary>Fee credit bought with volunteer points and not yet used on a statement.</summary>
    public Money PointsCredit { get; init; } = Money.Zero;

    /// <summary>Points earned and used in the month and the balance, for the statement.</summary>
    public Points.PointsSummary? Points { get; init; }

    /// <summary>Corrections of earlier statements not yet (fully) billed, oldest first.</summary>
    public IReadOnlyList<Corrections.PendingAdjustment> Adjustments { get; init; } = [];
}
