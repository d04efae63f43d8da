using NodaTime;
using NodaTime.Text;

namespace RedProperty.Billing.Core.Points;

/// <summary>A volunteer service and the points it earns (e.g. 小区环境清洁, 10 points).</summary>
public sealed record VolunteerService(string Code, string Label, int Points);

/// <summary>What points buy.</summary>
public enum RewardKind
{
    /// <summary>物业费抵扣: a credit line on the next statement.</summary>
    FeeCredit,

    /// <summary>停车费抵扣: a credit against parking fees.</summary>
    ParkingCredit,

    /// <summary>免费停车券 / 跑腿代办: a numbered voucher, used once.</summary>
    Voucher,
}

/// <param name="Points">Points per unit (e.g. 100 points = 10 yuan of credit, or one voucher).</param>
/// <param name="Yuan">Credit per unit, for credit rewards.</param>
/// <param name="MonthlyCapPoints">The most points a household may spend on this reward in a calendar month.</param>
public sealed record Reward(string Code, string Label, RewardKind Kind, int Points, Money? Yuan, int? MonthlyCapPoints);

/// <summary>One dated version of an operator's points catalogue (志愿积分兑换目录).</summary>
/// <param name="ExpiryMonths">Points not used within this many months of being earned expire; null: they never do.</param>
public sealed record PointsCatalogue(
    string Catalogue,
    string Title,
    IReadOnlySet<string> Operators,
    LocalDate EffectiveFrom,
    int? ExpiryMonths,
    IReadOnlyList<VolunteerService> Services,
    IReadOnlyList<Reward> Rewards,
    string Source)
{
    public string VersionId { get; } = $"{Catalogue}@{LocalDatePattern.Iso.Format(EffectiveFrom)}";

    public VolunteerService? Service(string code) => Services.FirstOrDefault(s => s.Code == code);

    public Reward? Reward(string code) => Rewards.FirstOrDefault(r => r.Code == code);
}
