using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Fees;

/// <summary>
/// One line of a statement. It carries everything needed to explain its amount to a resident:
/// the human formula, the rate version it was priced from, and (for per-area fees) the inputs.
/// </summary>
/// <param name="Kind">Stable machine kind, e.g. "property_fee".</param>
/// <param name="Label">What the resident reads, e.g. "物业服务费（2星级）".</param>
/// <param name="Formula">The computation as printed, e.g. "86.40 m² × 0.48 元/m²/月 × 31/31 天".</param>
/// <param name="RateVersion">The rate book version that priced the line, e.g. "heze-kaifaqu@2022-01-01".</param>
/// <param name="Amount">Rounded to the fen with the rate book's rounding.</param>
public sealed record ChargeLine(
    string Kind,
    string Label,
    string Formula,
    string RateVersion,
    Money Amount,
    AreaBasis? Basis);

/// <summary>The inputs of a per-area line: area × price × days / days in the month.</summary>
public sealed record AreaBasis(SquareMetres Area, AreaPrice Price, int Days, int DaysInMonth, FenRounding Rounding);
