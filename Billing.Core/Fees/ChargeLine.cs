namespace RedProperty.Billing.Core.Fees;

/// <summary>
/// One line of a statement. It carries everything needed to explain its amount to a resident:
/// the inputs of its formula (<see cref="Basis"/>), the rate version it was priced from, and the
/// amount rounded once, to the fen, by the rate book's rounding.
/// </summary>
/// <param name="Kind">Stable machine kind: "property_fee", "fee:&lt;item&gt;", "subsidy", "parking_permit", "parking_pool_reduction", "adjustment", "points_credit".</param>
/// <param name="Label">What the resident reads, e.g. "物业服务费（2星级）".</param>
/// <param name="RateVersion">The rate book version that priced the line, e.g. "heze-kaifaqu@2022-01-01".</param>
public sealed record ChargeLine(string Kind, string Label, string RateVersion, Money Amount, LineBasis Basis)
{
    /// <summary>The computation as printed, e.g. "69.81 m² × 0.48 元/m²/月 × 31/31 天". Derived from the basis, so it cannot disagree with it.</summary>
    public string Formula => Basis.Describe();
}
