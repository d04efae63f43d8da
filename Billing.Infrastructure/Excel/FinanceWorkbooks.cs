using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Subsidies;

namespace RedProperty.Billing.Infrastructure.Excel;

/// <summary>A community's collection rate for a month, as of a day.</summary>
public sealed record CommunityCollection(string Community, string Name, CollectionRate Rate);

/// <summary>What a run billed in one community for one kind of line.</summary>
public sealed record RunKindTotal(string Community, string Name, string Kind, string KindName, int Lines, int Households, Money Amount);

/// <summary>
/// The lists finance officers take into Excel from the console: collection rate, a run's totals
/// and the subsidy reconciliation. Chinese heads, amounts as numbers in yuan, a 合计 row last;
/// text cells go through <see cref="Spreadsheets"/>, which defuses anything a spreadsheet would run.
/// </summary>
public static class FinanceWorkbooks
{
    public static readonly IReadOnlyList<string> CollectionHeaders = ["小区编号", "小区名称", "账期", "应收（元）", "实收（元）", "未收（元）", "收缴率（%）"];

    public static readonly IReadOnlyList<string> RunTotalHeaders = ["账期", "小区编号", "小区名称", "项目", "行数", "户数", "金额（元）"];

    public static readonly IReadOnlyList<string> ReconciliationHeaders =
    [
        "区县", "小区编号", "小区名称", "账期", "户数", "计费面积（m²）", "标准物业费（元）", "居民承担（元）", "区财政承担（元）",
        "考核得分", "拨付比例", "申报金额（元）", "物业公司承担（元）", "状态", "校验：居民承担+区财政承担=标准物业费",
    ];

    public static byte[] Collection(YearMonth period, NodaTime.LocalDate asOf, IReadOnlyList<CommunityCollection> rows)
    {
        var table = rows.Select(r => Row(r.Community, r.Name, Month(period), r.Rate.Billed.Yuan, r.Rate.Collected.Yuan, (r.Rate.Billed - r.Rate.Collected).Yuan, Percent(r.Rate.Rate))).ToList();
        var total = new CollectionRate(period, Money.Sum(rows.Select(r => r.Rate.Billed)), Money.Sum(rows.Select(r => r.Rate.Collected)));
        table.Add(Row("合计", $"截至 {asOf:yyyy-MM-dd}", Month(period), total.Billed.Yuan, total.Collected.Yuan, (total.Billed - total.Collected).Yuan, Percent(total.Rate)));
        return Spreadsheets.Write($"收缴率 {Month(period)}", CollectionHeaders, table);
    }

    public static byte[] RunTotals(long runId, YearMonth period, IReadOnlyList<RunKindTotal> rows)
    {
        var table = rows.Select(r => Row(Month(period), r.Community, r.Name, r.KindName, r.Lines, r.Households, r.Amount.Yuan)).ToList();
        table.Add(Row(Month(period), "合计", $"批次 {runId}", null, rows.Sum(r => r.Lines), null, Money.Sum(rows.Select(r => r.Amount)).Yuan));
        return Spreadsheets.Write($"出账合计 批次{runId}", RunTotalHeaders, table);
    }

    public static byte[] Reconciliation(YearMonth period, IReadOnlyList<ReconciliationRow> rows)
    {
        var table = rows.Select(r => Row(
            r.District, r.CommunityCode, r.CommunityName, Month(r.Period), r.Households, r.BilledArea, r.StandardFee.Yuan, r.ResidentShare.Yuan, r.DistrictShare.Yuan,
            r.Score, r.Factor, r.Claim?.Yuan, r.Shortfall?.Yuan, StatusText(r.Status),
            r.Checks.First(c => c.Code == "resident-plus-district-equals-standard").Passed ? "通过" : "未通过")).ToList();
        table.Add(Row(
            "合计", null, null, Month(period), rows.Sum(r => r.Households), rows.Sum(r => r.BilledArea), Money.Sum(rows.Select(r => r.StandardFee)).Yuan,
            Money.Sum(rows.Select(r => r.ResidentShare)).Yuan, Money.Sum(rows.Select(r => r.DistrictShare)).Yuan, null, null,
            rows.All(r => r.Claim is not null) ? Money.Sum(rows.Select(r => r.Claim!.Value)).Yuan : null, null, null, null));
        return Spreadsheets.Write($"对账 {Month(period)}", ReconciliationHeaders, table);
    }

    private static string StatusText(string status) => status switch { "submitted" => "已申报", "draft" => "待申报", _ => "待评分" };

    private static string Month(YearMonth p) => $"{p.Year:D4}-{p.Month:D2}";

    private static decimal? Percent(decimal? rate) => rate is { } r ? decimal.Round(r * 100m, 1, MidpointRounding.AwayFromZero) : null;

    private static IReadOnlyList<object?> Row(params object?[] cells) => cells;
}
