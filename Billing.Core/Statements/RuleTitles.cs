using NodaTime;

namespace RedProperty.Billing.Core.Statements;

/// <summary>
/// The Chinese names of the rules a line was priced from, as residents should read them
/// ("菏泽开发区老旧小区物业服务收费标准（星级）"), in place of the version ids the data uses
/// ("heze-kaifaqu@2022-01-01"). The id itself stays in small print and in the stored line.
/// </summary>
public sealed class RuleTitles
{
    // Kept apart by kind of rule: a rate book and a subsidy policy may share a name and a date.
    private readonly Dictionary<string, string> rateBooks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> catalogues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> parkingBooks = new(StringComparer.Ordinal);
    private readonly Points.PointsCatalogues points;

    public RuleTitles(Rates.RateCatalog? rates, Subsidies.SubsidyCatalog? subsidies, Points.PointsCatalogues? points, Parking.ParkingRateBook? parking)
    {
        foreach (var v in rates?.Versions ?? [])
        {
            rateBooks[v.VersionId] = v.Title;
        }

        foreach (var v in subsidies?.Versions ?? [])
        {
            policies[v.VersionId] = v.Title;
        }

        foreach (var v in points?.Versions ?? [])
        {
            catalogues[v.VersionId] = v.Title;
        }

        foreach (var v in parking?.Versions ?? [])
        {
            // A book without a title is printed under the general name, as an unknown one is (see Of).
            parkingBooks[v.VersionId] = v.Title;
        }

        this.points = points ?? Points.PointsCatalogues.Empty;
    }

    public static RuleTitles None { get; } = new(null, null, null, null);

    /// <summary>What a line's source is called on a document; never an id.</summary>
    public string Of(Fees.ChargeLine line, string operatorCode, LocalDate on)
    {
        return line.Kind switch
        {
            Points.PointsCredit.Kind => catalogues.GetValueOrDefault(line.RateVersion) ?? points.For(operatorCode, on)?.Title ?? "志愿积分兑换目录",
            Corrections.StatementAdjustments.Kind => "财务更正记录",
            Subsidies.SubsidyLines.Kind => policies.GetValueOrDefault(line.RateVersion) ?? "政府补贴政策",
            Parking.ParkingLines.PermitKind or Parking.ParkingLines.ReductionKind => parkingBooks.GetValueOrDefault(line.RateVersion) ?? "共享停车收费标准",
            _ => rateBooks.GetValueOrDefault(line.RateVersion) ?? "物业服务收费标准",
        };
    }
}
