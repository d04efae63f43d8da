namespace RedProperty.Billing.Core.Parking;

/// <summary>A resident parking permit in a month: its standard price, the floor, and the share of the month it was held.</summary>
/// <param name="Share">Days held over days in the month (1 for a whole month): reductions and prices are prorated by it.</param>
public sealed record PermitMonth(string Permit, Money StandardPrice, Money Floor, decimal Share)
{
    /// <summary>The most this permit can be reduced: down to the floor, never below.</summary>
    public Money Room => new((StandardPrice.Yuan - Floor.Yuan) * Share);
}

/// <summary>One permit's reduction from the pool.</summary>
public sealed record PermitReduction(string Permit, Money Standard, Money Reduction)
{
    public Money Due => Standard - Reduction;
}

/// <summary>How a month's pool was used: the reductions, and what is carried to the next month.</summary>
public sealed record PoolDistribution(Money PoolIn, IReadOnlyList<PermitReduction> Reductions, Money CarriedForward)
{
    public Money Used => Money.Sum(Reductions.Select(r => r.Reduction));
}

/// <summary>
/// 共享停车收益池: the month's daytime lease income of a community (plus what earlier months carried
/// forward) lowers every resident permit by the same amount per whole month held, never below the
/// floor. Reductions are whole fen, rounded down; what they cannot use, fen included, is carried
/// forward and shown, never lost.
/// </summary>
public static class ParkingPool
{
    public static PoolDistribution Distribute(Money poolIn, IReadOnlyList<PermitMonth> permits, FenRounding rounding)
    {
        if (poolIn.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(poolIn), poolIn.Yuan, "A pool cannot be negative.");
        }

        var weight = permits.Sum(p => p.Share);
        if (permits.Count == 0 || weight == 0m)
        {
            return new PoolDistribution(poolIn, [], poolIn);
        }

        // Water-filling: the same reduction per whole month for everyone, except that a permit
        // at its floor takes no more, and what it cannot take is shared among the rest.
        var open = permits.Where(p => p.Room > Money.Zero).ToList();
        var capped = new HashSet<string>(StringComparer.Ordinal);
        var left = poolIn.Yuan;
        // Assigned up front (the loop always sets it) so that a mutation tool can compile every variant of the loop.
        var perMonth = 0m;
        while (true)
        {
            var openWeight = open.Where(p => !capped.Contains(p.Permit)).Sum(p => p.Share);
            perMonth = openWeight == 0m ? 0m : left / openWeight;
            var newlyCapped = open.Where(p => !capped.Contains(p.Permit) && perMonth * p.Share >= p.Room.Yuan).ToList();
            if (newlyCapped.Count == 0)
            {
                break;
            }

            foreach (var p in newlyCapped)
            {
                capped.Add(p.Permit);
                left -= p.Room.Yuan;
            }
        }

        var reductions = permits.Select(p =>
        {
            var standard = new Money(p.StandardPrice.Yuan * p.Share).RoundToFen(rounding);
            var exact = p.Room <= Money.Zero ? 0m : capped.Contains(p.Permit) ? p.Room.Yuan : perMonth * p.Share;
            var reduction = Math.Min(decimal.Floor(exact * 100m) / 100m, standard.Yuan - decimal.Ceiling(p.Floor.Yuan * p.Share * 100m) / 100m);
            return new PermitReduction(p.Permit, standard, new Money(Math.Max(0m, reduction)));
        }).ToList();

        return new PoolDistribution(poolIn, reductions, poolIn - Money.Sum(reductions.Select(r => r.Reduction)));
    }
}

/// <summary>A community's parking for a month: the pool (lease income plus carry-in) and each household's permits.</summary>
public sealed record ParkingMonth(Money PoolIn, IReadOnlyDictionary<Register.HouseholdCode, IReadOnlyList<PermitMonth>> Permits, string RateVersion)
{
    /// <summary>This month's daytime lease income; the rest of <see cref="PoolIn"/> was carried in.</summary>
    public Money LeaseIncome { get; init; } = PoolIn;

    public Money CarryIn => PoolIn - LeaseIncome;
}

/// <summary>A lease as billed: per hour of its slots, or a fixed price for each month it has slots in.</summary>
public sealed record PricedLease(long Id, bool Monthly, Money Rate, IReadOnlyList<NodaTime.Interval> Slots);

public static class LeaseIncome
{
    private const decimal TicksPerHour = 36_000_000_000m;

    /// <summary>What a lease earns in a month: its monthly price once if any slot falls in the month, or its hourly price × the hours in the month.</summary>
    public static Money For(PricedLease lease, NodaTime.YearMonth period, NodaTime.DateTimeZone zone)
    {
        var (slots, hours) = In(lease, period, zone);
        if (slots == 0)
        {
            return Money.Zero;
        }

        return lease.Monthly ? lease.Rate : new Money(lease.Rate.Yuan * hours).RoundToFen(FenRounding.HalfAwayFromZero);
    }

    /// <summary>
    /// How many of the lease's slots touch the month and their hours inside it, exactly: hours are
    /// counted from ticks in decimal, not from a floating-point duration, because they multiply a price.
    /// </summary>
    public static (int Slots, decimal Hours) In(PricedLease lease, NodaTime.YearMonth period, NodaTime.DateTimeZone zone)
    {
        var start = period.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var end = period.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var inMonth = lease.Slots
            .Where(s => s.Start < end && start < s.End)
            .Select(s => (s.End < end ? s.End : end) - (s.Start > start ? s.Start : start))
            .ToList();
        return (inMonth.Count, inMonth.Sum(d => (decimal)d.BclCompatibleTicks) / TicksPerHour);
    }
}

/// <summary>The standard price of a permit for the share of the month it was held.</summary>
public sealed record PermitBasis(string Permit, Money MonthlyPrice, decimal Share, FenRounding Rounding) : Fees.LineBasis(Rounding)
{
    public override decimal Exact => MonthlyPrice.Yuan * Share;

    public override Fees.LineInputs Inputs => new(Share, "月", MonthlyPrice.Yuan, "元/月", null, null, null, null, Share)
    {
        Extra = new Dictionary<string, string> { ["permit"] = Permit },
    };

    public override string Describe() =>
        Share == 1m
            ? $"{ParkingLines.SpaceOf(Permit)} 车位居民月卡：{MonthlyPrice.ToFenString()} 元/月"
            : $"{ParkingLines.SpaceOf(Permit)} 车位居民月卡：{MonthlyPrice.ToFenString()} 元/月 × {Share:0.####}（按持卡天数）";
}

/// <summary>A permit's share of the community's daytime-lease pool, shown as a negative line with where it came from.</summary>
public sealed record PoolReductionBasis(string Permit, Money Pool, int Permits, Money Reduction, Money Floor, FenRounding Rounding) : Fees.LineBasis(Rounding)
{
    public override decimal Exact => -Reduction.Yuan;

    public override Fees.LineInputs Inputs => new(Permits, "张", Reduction.Yuan, "元/张", null, null, null, null, null)
    {
        Extra = new Dictionary<string, string>
        {
            ["permit"] = Permit,
            ["pool"] = Fen(Pool),
            ["permits"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["reduction"] = Fen(Reduction),
            ["floor"] = Fen(Floor),
        },
    };

    public override string Describe() =>
        $"白天错峰出租收入池 {Pool.ToFenString()} 元，{Permits} 张月卡均摊，{ParkingLines.SpaceOf(Permit)} 车位月卡减 {Reduction.ToFenString()} 元（不低于 {Floor.ToFenString()} 元/月）";
}

public static class ParkingLines
{
    public const string PermitKind = "parking_permit";
    public const string ReductionKind = "parking_pool_reduction";

    /// <summary>The space number residents know ("A-001") from a permit key ("A-001#17"), whose number after '#' is internal.</summary>
    public static string SpaceOf(string permit) => permit.Split('#')[0];
}
