using NodaTime;

namespace RedProperty.Billing.Core.Fees;

/// <summary>An unpaid amount past its due date, for late fees where a rate book allows them.</summary>
public sealed record OverdueAmount(Money Amount, LocalDate DueDate);

/// <summary>Per household and month facts that are not in the register: meter readings, overdue amounts, credits and corrections.</summary>
public sealed record HouseholdMonthInputs(IReadOnlyDictionary<string, decimal> MeterReadings, IReadOnlyList<OverdueAmount> Overdue)
{
    public static readonly HouseholdMonthInputs None = new(new Dictionary<string, decimal>(), []);

    /// <summary>Fee credit bought with volunteer points and not yet used on a statement.</summary>
    public Money PointsCredit { get; init; } = Money.Zero;

    /// <summary>Points earned and used in the month and the balance, for the statement.</summary>
    public Points.PointsSummary? Points { get; init; }

    /// <summary>Corrections of earlier statements not yet (fully) billed, oldest first.</summary>
    public IReadOnlyList<Corrections.PendingAdjustment> Adjustments { get; init; } = [];
}
