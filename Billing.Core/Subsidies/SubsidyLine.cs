using System.Globalization;
using RedProperty.Billing.Core.Fees;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>
/// The district's share of one property-fee line (区财政代付), shown on the resident's statement as a
/// negative line and billed to the district. Its amount is minus the district share, so the
/// statement total is what the resident pays and resident + district = standard fee, to the fen.
/// </summary>
/// <param name="Standard">The property-fee line this share belongs to; the share never exceeds it.</param>
/// <param name="Days">Days of the part of the month this line covers.</param>
/// <param name="Denominator">The proration denominator: the month's days, or 30.</param>
/// <param name="WholeMonth">The line covers the whole month: no day fraction at all.</param>
/// <param name="Limit">The most the district pays on this line (the standard fee, or what a cap leaves), in yuan.</param>
public sealed record SubsidyLineBasis(
    string PolicyVersion,
    Money Standard,
    SubsidyBasis Method,
    decimal Rate,
    decimal Quantity,
    decimal Share,
    int Days,
    int Denominator,
    bool WholeMonth,
    decimal Limit,
    bool Capped,
    FenRounding Rounding) : LineBasis(Rounding)
{
    /// <summary>The property-fee line this subsidy pays part of; stored as a reference to that line, so reconciliation never guesses it from positions.</summary>
    public ChargeLine? Fee { get; init; }

    /// <summary>The same order of arithmetic as the fee it belongs to (<see cref="Prorate"/>), so the two cannot round apart.</summary>
    public decimal Uncapped => Method switch
    {
        SubsidyBasis.PerArea => Prorate.Exact(Quantity, Rate, Share, Days, Denominator, WholeMonth),
        SubsidyBasis.ShareOfStandard => Standard.Yuan * Rate,
        SubsidyBasis.PerHousehold => Prorate.Exact(1m, Rate, 1m, Days, Denominator, WholeMonth),
        _ => throw new InvalidOperationException($"subsidy basis {Method} has no formula"),
    };

    private string DaysText => $"{Days}/{Denominator} 天";

    public override LineInputs Inputs => new(Quantity, Method == SubsidyBasis.PerArea ? "m²" : Method == SubsidyBasis.PerHousehold ? "户" : "元", Rate,
        Method == SubsidyBasis.PerArea ? "元/m²/月" : Method == SubsidyBasis.PerHousehold ? "元/户/月" : "比例", Days, Denominator, null, null, Share)
    {
        Extra = new Dictionary<string, string>
        {
            ["policy_version"] = PolicyVersion,
            ["method"] = Method.ToString(),
            ["standard"] = Fen(Standard),
            ["whole_month"] = WholeMonth ? "true" : "false",
            ["limit"] = Dec(Limit),
            ["capped"] = Capped ? "true" : "false",
        },
    };

    public override decimal Exact => -Math.Min(Uncapped, Limit);

    public Money DistrictShare => -Amount;

    public override string Describe()
    {
        var how = Method switch
        {
            SubsidyBasis.PerArea when Share != 1m => $"{N(Quantity)} m² × {N(Rate)} 元/m²/月 × {DaysText} × {(Share * 100m).ToString("0.##", CultureInfo.InvariantCulture)}%（空置）",
            SubsidyBasis.PerArea => $"{N(Quantity)} m² × {N(Rate)} 元/m²/月 × {DaysText}",
            SubsidyBasis.ShareOfStandard => $"{N(Standard.Yuan)} 元 × {(Rate * 100m).ToString("0.##", CultureInfo.InvariantCulture)}%",
            _ => $"{N(Rate)} 元/户/月 × {DaysText}",
        };
        return Capped ? $"区财政代付 {how}，以 {N(Limit)} 元为限" : $"区财政代付 {how}";
    }
}

public static class SubsidyLines
{
    public const string Kind = "subsidy";
    public const string Label = "政府补贴（区财政代付）";

    /// <summary>The district's share of <paramref name="fee"/> under <paramref name="policy"/>, at most <paramref name="remainingCap"/>.</summary>
    public static ChargeLine For(ChargeLine fee, ProratedBasis basis, SubsidyPolicyVersion policy, decimal remainingCap)
    {
        var quantity = policy.Basis == SubsidyBasis.PerArea ? basis.Quantity : 1m;
        var share = policy.Basis == SubsidyBasis.PerArea ? basis.Share : 1m;
        var limit = Math.Max(0m, Math.Min(fee.Amount.Yuan, remainingCap));
        var line = new SubsidyLineBasis(policy.VersionId, fee.Amount, policy.Basis, policy.Rate, quantity, share, basis.Days, basis.Denominator, basis.WholeMonth,
            limit, false, policy.Rounding) { Fee = fee };
        line = line with { Capped = line.Uncapped > limit };
        return new ChargeLine(Kind, Label, policy.VersionId, line.Amount, line);
    }

    /// <summary>The same line with the district share limited to <paramref name="share"/> (a community cap's allocation).</summary>
    public static ChargeLine Limited(ChargeLine line, Money share)
    {
        var basis = (SubsidyLineBasis)line.Basis with { Limit = share.Yuan, Capped = true };
        return line with { Amount = basis.Amount, Basis = basis };
    }
}
