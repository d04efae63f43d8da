using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Fees;

/// <summary>
/// The rules engine for one household and one month: splits the month where anything that prices
/// it changes (service level, rate version, area, occupancy, billing start), then charges the
/// property fee and the rate book's fee items for each billed part.
/// </summary>
public static class HouseholdBilling
{
    public const string PropertyFeeKind = "property_fee";

    public static HouseholdMonthBill Bill(
        Community community, Household household, RateCatalog rates, YearMonth period, HouseholdMonthInputs inputs, SubsidyCatalog? subsidies = null)
    {
        var monthStart = period.OnDayOfMonth(1);
        var daysInMonth = period.Calendar.GetDaysInMonth(period.Year, period.Month);
        var monthEnd = period.OnDayOfMonth(daysInMonth);
        var lines = new List<ChargeLine>(2);
        if (community.BillingStart > monthEnd)
        {
            return new HouseholdMonthBill(household, lines, []);
        }

        var start = LocalDate.Max(community.BillingStart, monthStart);
        var segments = Segments(community, household, rates, subsidies, start, monthEnd);

        var billedDays = 0;
        foreach (var (from, to) in segments)
        {
            if (household.Occupancy.ValueOn(from).IsBilled())
            {
                billedDays += Period.DaysBetween(from, to) + 1;
            }
        }

        List<InputError>? problems = null;
        RateBookVersion? lastVersion = null;
        var paidUnderCaps = 0m;
        foreach (var (from, to) in segments)
        {
            var occupancy = household.Occupancy.ValueOn(from);
            if (!occupancy.IsBilled())
            {
                continue;
            }

            var version = rates.InForce(community.RateBook, from);
            if (version is null)
            {
                (problems ??= []).Add(Problem(household, "rates.version.missing",
                    $"rate book '{community.RateBook}' has no version in force on {from:yyyy-MM-dd}"));
                continue;
            }

            lastVersion = version;
            var details = household.Details.ValueOn(from);
            var assignment = community.Levels.ValueOn(from);
            var (price, problem) = version.PriceFor(assignment, community.TypeOf(details.Building));
            if (price is null)
            {
                (problems ??= []).Add(Problem(household, "rates.level.unpriced", problem!));
                continue;
            }

            var days = Period.DaysBetween(from, to) + 1;
            var wholeMonth = days == daysInMonth;
            var denominator = version.Proration == Proration.ThirtyDayMonth && billedDays < daysInMonth ? 30 : daysInMonth;
            var vacancyShare = occupancy == Occupancy.Vacant && version.Vacancy is { } vacancy ? vacancy.Share : 1m;

            var feeBasis = new ProratedBasis(details.Area.Value, "m²", price.Value.YuanPerSquareMetreMonth, "元/m²/月",
                from, to, days, denominator, wholeMonth, vacancyShare, version.Rounding);
            var fee = Line(PropertyFeeKind, assignment.Level.PropertyFeeLabel(), version, feeBasis);
            lines.Add(fee);

            if (subsidies is not null)
            {
                var (policy, subsidyProblem) = subsidies.For(community, assignment.Level, from);
                if (subsidyProblem is not null)
                {
                    (problems ??= []).Add(Problem(household, "subsidy.policy.ambiguous", subsidyProblem));
                }
                else if (policy is not null)
                {
                    // A cap is per household and month whatever the versions: a capped part of the
                    // month may pay what the cap in force leaves after the capped parts before it;
                    // a part under an uncapped version is not limited and uses up no cap.
                    var capLeft = policy.CapPerHouseholdMonth is { } cap ? Math.Max(0m, cap.Yuan - paidUnderCaps) : decimal.MaxValue;
                    var subsidy = SubsidyLines.For(fee, feeBasis, policy, capLeft);
                    if (subsidy.Amount != Money.Zero)
                    {
                        // A cap already used up pays nothing more: no line saying so.
                        lines.Add(subsidy);
                    }
                    if (policy.CapPerHouseholdMonth is not null)
                    {
                        paidUnderCaps += -subsidy.Amount.Yuan;
                    }
                }
            }

            foreach (var item in version.FeeItems)
            {
                if (item.Basis == FeeBasis.PerMeteredUnit)
                {
                    continue;
                }

                var share = occupancy != Occupancy.Vacant ? 1m : item.WhenVacant switch
                {
                    VacantCharge.None => 0m,
                    VacantCharge.Share => version.Vacancy?.Share ?? 1m,
                    _ => 1m,
                };
                var (quantity, unit, rateUnit) = item.Basis switch
                {
                    FeeBasis.PerArea => (details.Area.Value, "m²", "元/m²/月"),
                    FeeBasis.PerHousehold => (1m, "户", "元/户/月"),
                    _ => ((decimal)details.ParkingPermits, "个", "元/个/月"),
                };
                if (share == 0m || quantity == 0m)
                {
                    continue;
                }

                lines.Add(Line(item.Kind, item.Label, version,
                    new ProratedBasis(quantity, unit, item.Rate, rateUnit, from, to, days, denominator, wholeMonth, share, version.Rounding)));
            }
        }

        if (lastVersion is not null)
        {
            AddMeteredLines(lastVersion, inputs, lines);
        }

        // Corrections and credits are whole fen already, but they round through the book's mode all the same.
        var rounding = lastVersion?.Rounding ?? RoundingFor(community, rates, period);

        // Corrections of earlier statements: extra charges whole, credits only as far as the charges go.
        // Few households have any, so the common case does not even sum the lines.
        if (inputs.Adjustments.Count > 0)
        {
            lines.AddRange(Corrections.StatementAdjustments.Lines(Money.Sum(lines.Select(l => l.Amount)), inputs.Adjustments, rounding));
        }

        // Points credit comes last, so it can never take the statement below zero.
        var applied = Points.PointsCredit.Applicable(Money.Sum(lines.Select(l => l.Amount)), inputs.PointsCredit);
        if (applied > Money.Zero)
        {
            var basis = new Points.PointsCreditBasis(inputs.PointsCredit, applied, rounding);
            lines.Add(new ChargeLine(Points.PointsCredit.Kind, Points.PointsCredit.Label, "volunteer-points", basis.Amount, basis));
        }

        return new HouseholdMonthBill(household, lines, (IReadOnlyList<InputError>?)problems ?? []);
    }

    /// <summary>
    /// The parts of [start, end] within which nothing that prices the month changes. Most
    /// household-months have none of these changes, so the common case allocates one segment.
    /// </summary>
    internal static IReadOnlyList<(LocalDate From, LocalDate To)> Segments(
        Community community, Household household, RateCatalog rates, SubsidyCatalog? subsidies, LocalDate start, LocalDate end)
    {
        if (!community.Levels.HasChangesWithin(start, end)
            && !household.Details.HasChangesWithin(start, end)
            && !household.Occupancy.HasChangesWithin(start, end)
            && !rates.HasChangesWithin(community.RateBook, start, end)
            && subsidies?.HasChangesWithin(start, end) != true)
        {
            return [(start, end)];
        }

        var cuts = new List<LocalDate>();
        community.Levels.AddChangesWithin(start, end, cuts);
        household.Details.AddChangesWithin(start, end, cuts);
        household.Occupancy.AddChangesWithin(start, end, cuts);
        rates.AddChangesWithin(community.RateBook, start, end, cuts);
        subsidies?.AddChangesWithin(start, end, cuts);
        cuts.Sort();
        var segments = new List<(LocalDate, LocalDate)>(cuts.Count + 1);
        var from = start;
        foreach (var cut in cuts)
        {
            if (cut > from)
            {
                segments.Add((from, cut.PlusDays(-1)));
                from = cut;
            }
        }

        segments.Add((from, end));
        return segments;
    }

    private static void AddMeteredLines(RateBookVersion version, HouseholdMonthInputs inputs, List<ChargeLine> lines)
    {
        foreach (var item in version.FeeItems)
        {
            if (item.Basis == FeeBasis.PerMeteredUnit && inputs.MeterReadings.TryGetValue(item.Code, out var quantity) && quantity > 0m)
            {
                lines.Add(Line(item.Kind, item.Label, version, new MeteredBasis(quantity, item.Unit ?? "单位", item.Rate, version.Rounding)));
            }
        }
    }

    /// <summary>The rounding of the community's rate book in force at the end of the month, for lines not priced by a part of it.</summary>
    public static FenRounding RoundingFor(Community community, RateCatalog rates, YearMonth period) =>
        rates.InForce(community.RateBook, period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month)))?.Rounding
        ?? FenRounding.HalfAwayFromZero;

    private static ChargeLine Line(string kind, string label, RateBookVersion version, LineBasis basis) =>
        new(kind, label, version.VersionId, basis.Amount, basis);

    private static InputError Problem(Household household, string code, string message) =>
        new($"household {household.Code}", null, null, code, message);
}

/// <summary>One household's lines for a month, or the problems that stop it from being billed.</summary>
public sealed record HouseholdMonthBill(Household Household, IReadOnlyList<ChargeLine> Lines, IReadOnlyList<InputError> Problems)
{
    /// <summary>What the resident pays: the standard fee and other items, less what the district pays on their behalf.</summary>
    public Money Total => Money.Sum(Lines.Select(l => l.Amount));

    /// <summary>The property service fee before any subsidy (the standard fee, 标准物业费).</summary>
    public Money StandardFee => Money.Sum(Lines.Where(l => l.Kind == HouseholdBilling.PropertyFeeKind).Select(l => l.Amount));

    /// <summary>The district's share, paid on the household's behalf and billed to the district.</summary>
    public Money DistrictShare => -Money.Sum(Lines.Where(l => l.Kind == SubsidyLines.Kind).Select(l => l.Amount));
}
