namespace RedProperty.Billing.Core.Rates;

/// <summary>What a fee item's amount is multiplied by.</summary>
public enum FeeBasis
{
    /// <summary>Yuan per m² of building area per month, prorated by day like the property fee.</summary>
    PerArea,

    /// <summary>Fixed yuan per household per month (e.g. waste collection), prorated by day.</summary>
    PerHousehold,

    /// <summary>Yuan per resident parking permit per month, prorated by day.</summary>
    PerParkingPermit,

    /// <summary>Yuan per metered unit (m³ of water, kWh) read for the month; not prorated.</summary>
    PerMeteredUnit,
}

/// <summary>How an item is charged while a home is vacant.</summary>
public enum VacantCharge
{
    /// <summary>As if occupied.</summary>
    Full,

    /// <summary>At the rate book's vacancy share.</summary>
    Share,

    /// <summary>Not at all.</summary>
    None,
}

/// <summary>
/// A fee charged besides the property service fee, defined entirely in a rate file, so that a new
/// item (a fixed waste-collection fee, shared water by meter) needs no code.
/// </summary>
/// <param name="Code">Stable machine code, also the line kind: "fee:&lt;code&gt;".</param>
/// <param name="Label">What the resident reads, e.g. "生活垃圾清运费".</param>
/// <param name="Rate">Yuan per unit of <paramref name="Basis"/> per month (per metered unit for metered items).</param>
/// <param name="Unit">Display unit of a metered quantity, e.g. "m³".</param>
public sealed record FeeItem(string Code, string Label, FeeBasis Basis, decimal Rate, string? Unit, VacantCharge WhenVacant)
{
    public string Kind => "fee:" + Code;
}
