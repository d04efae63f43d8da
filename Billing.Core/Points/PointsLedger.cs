using NodaTime;

namespace RedProperty.Billing.Core.Points;

/// <summary>Points earned by one confirmed service, with the date they expire if the catalogue says so.</summary>
public sealed record Earning(long Id, LocalDate On, int Points, LocalDate? ExpiresOn);

/// <summary>A use of points: a redemption, or the expiry of points left unused.</summary>
public sealed record Spending(long Id, LocalDate On, int Points);

/// <summary>Which earning paid for which spending: every point is traceable from earning to use.</summary>
public sealed record PointUse(long EarningId, long SpendingId, int Points);

/// <summary>A household's points: earned, redeemed and expired, the balance, and where each used point came from.</summary>
public sealed record PointsPosition(int Earned, int Redeemed, int Expired, IReadOnlyList<PointUse> Uses, IReadOnlyList<(long EarningId, int Left, LocalDate? ExpiresOn)> Unused)
{
    public int Balance => Earned - Redeemed - Expired;
}

/// <summary>
/// The points rules as pure functions: spending takes the oldest unexpired points first (so points
/// nearest expiry are used before they lapse), and an earning's points still unused on its expiry
/// date expire. A balance never goes below zero: a spending larger than the balance is refused.
/// </summary>
public static class PointsLedger
{
    /// <summary>Replays earnings, redemptions and (materialised) expiries in date order.</summary>
    public static PointsPosition Replay(IEnumerable<Earning> earnings, IEnumerable<Spending> redemptions, IEnumerable<Spending> expiries)
    {
        var left = earnings.OrderBy(e => e.On).ThenBy(e => e.Id).Select(e => (Earning: e, Left: e.Points)).ToList();
        var uses = new List<PointUse>();
        var events = redemptions.Select(r => (Spending: r, Expiry: false))
            .Concat(expiries.Select(x => (Spending: x, Expiry: true)))
            .OrderBy(e => e.Spending.On).ThenBy(e => e.Spending.Id);
        int redeemed = 0, expired = 0;
        foreach (var (spending, expiry) in events)
        {
            var need = spending.Points;
            for (var i = 0; i < left.Count && need > 0; i++)
            {
                var (earning, available) = left[i];
                var usable = earning.On <= spending.On && (expiry || earning.ExpiresOn is null || earning.ExpiresOn > spending.On);
                if (!usable || available == 0)
                {
                    continue;
                }

                var take = Math.Min(available, need);
                left[i] = (earning, available - take);
                uses.Add(new PointUse(earning.Id, spending.Id, take));
                need -= take;
            }

            if (need > 0)
            {
                throw new InvalidOperationException($"Spending {spending.Id} of {spending.Points} points exceeds the points available on {spending.On:yyyy-MM-dd}.");
            }

            if (expiry)
            {
                expired += spending.Points;
            }
            else
            {
                redeemed += spending.Points;
            }
        }

        return new PointsPosition(left.Sum(l => l.Earning.Points), redeemed, expired, uses,
            left.Where(l => l.Left > 0).Select(l => (l.Earning.Id, l.Left, l.Earning.ExpiresOn)).ToList());
    }

    /// <summary>Points that can be spent on <paramref name="on"/>: earned by then and not expired.</summary>
    public static int Available(PointsPosition position, IEnumerable<Earning> earnings, LocalDate on)
    {
        var byId = earnings.ToDictionary(e => e.Id);
        return position.Unused.Where(u => byId[u.EarningId].On <= on && (u.ExpiresOn is null || u.ExpiresOn > on)).Sum(u => u.Left);
    }

    /// <summary>The expiries due by <paramref name="asOf"/>: for each earning past its expiry date, the points still unused.</summary>
    public static IReadOnlyList<(long EarningId, LocalDate On, int Points)> DueExpiries(PointsPosition position, LocalDate asOf) =>
        position.Unused.Where(u => u.ExpiresOn is { } e && e <= asOf).Select(u => (u.EarningId, u.ExpiresOn!.Value, u.Left)).ToList();

    /// <summary>
    /// The credit a redemption buys: whole units of the reward only (200 points at 100 points = 10 yuan
    /// buys 20.00 yuan; 250 points would be refused rather than silently rounded).
    /// </summary>
    public static (Money? Credit, int Units, string? Problem) Price(Reward reward, int points)
    {
        if (points <= 0 || points % reward.Points != 0)
        {
            return (null, 0, $"{reward.Label} is redeemed in steps of {reward.Points} points, not {points}");
        }

        var units = points / reward.Points;
        return (reward.Yuan is { } yuan ? new Money(yuan.Yuan * units) : null, units, null);
    }
}

/// <summary>Credits from points on a statement: never more than the statement's charges, so a statement is never negative.</summary>
public static class PointsCredit
{
    public const string Kind = "points_credit";
    public const string Label = "志愿积分抵扣物业费";

    /// <summary>How much of <paramref name="pending"/> credit this statement can take; the rest waits for the next month.</summary>
    public static Money Applicable(Money statementTotal, Money pending) =>
        statementTotal <= Money.Zero || pending <= Money.Zero ? Money.Zero : pending < statementTotal ? pending : statementTotal;
}

/// <summary>The inputs of a points credit line: what was waiting, and what this statement could take.</summary>
public sealed record PointsCreditBasis(Money Pending, Money Applied, FenRounding Rounding) : Fees.LineBasis(Rounding)
{
    public override decimal Exact => -Applied.Yuan;

    public override Fees.LineInputs Inputs => new(Pending.Yuan, "元", null, null, null, null, null, null, null)
    {
        Extra = new Dictionary<string, string> { ["pending"] = Fen(Pending), ["applied"] = Fen(Applied) },
    };

    public override string Describe() =>
        Pending == Applied
            ? $"积分兑换抵扣 {Applied.ToFenString()} 元"
            : $"积分兑换抵扣 {Applied.ToFenString()} 元（可抵 {Pending.ToFenString()} 元，余 {(Pending - Applied).ToFenString()} 元下月继续抵扣）";
}

/// <summary>What a statement says about points: earned and used in the month, and the balance at its end.</summary>
public sealed record PointsSummary(int EarnedInMonth, int UsedInMonth, int Balance);
