using MiniExcelLibs;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>The reconciliation PDF of a district and month, headed with the operators and the district's sign-off.</summary>
public static class DistrictReconciliation
{
    public static async Task<byte[]> PdfAsync(
        NpgsqlDataSource db, SubsidyCatalog policies, string district, YearMonth period, DocumentContext documents, int staleAfterMonths, CancellationToken ct = default)
    {
        var desk = new DistrictDesk(db);
        if (!await desk.KnowsDistrictAsync(district, ct))
        {
            throw new ArgumentException($"district '{district}' has no communities", nameof(district));
        }

        var rows = await new SubsidyStore(db, policies).ReconcileAsync(district, period, ct);
        var heading = new ReconciliationHeading(district, period, await desk.OperatorNamesAsync(district, documents, ct),
            await desk.SignOffsAsync(district, period, ct), null, staleAfterMonths);
        return ReconciliationReport.Pdf(heading, rows);
    }
}

/// <summary>The district desk's Excel download: one sheet per view, heads in Chinese, text made inert.</summary>
public static class DistrictWorkbook
{
    public static byte[] Build(IReadOnlyList<ReconciliationRow> rows, IReadOnlyList<HouseholdSubsidyLine> lines)
    {
        var summary = rows.Select(r => new Dictionary<string, object?>
        {
            ["小区编号"] = r.CommunityCode,
            ["小区名称"] = CsvCells.Text(r.CommunityName),
            ["户数"] = r.Households,
            ["标准物业费"] = r.StandardFee.Yuan,
            ["居民承担"] = r.ResidentShare.Yuan,
            ["区财政承担"] = r.DistrictShare.Yuan,
            ["考核得分"] = r.Score,
            ["考核期"] = r.ScorePeriod is { } sp ? $"{sp.Year}年{sp.Month}月" : "待评分",
            ["拨付比例"] = r.Factor,
            ["申报金额"] = r.Claim?.Yuan,
            ["物业公司承担"] = r.Shortfall?.Yuan,
            ["合计申报"] = r.TotalClaim?.Yuan,
            ["状态"] = ReconciliationReport.StatusText(r),
            ["校验"] = r.AllPassed ? "通过" : "未通过",
        }).ToList();
        var detail = lines.Select(l => new Dictionary<string, object?>
        {
            ["小区"] = CsvCells.Text(l.CommunityName),
            ["户号"] = l.Household,
            ["对账单号"] = l.StatementNo,
            ["标准物业费"] = l.StandardAmount.Yuan,
            ["区财政承担"] = l.DistrictAmount.Yuan,
            ["对账单物业费行"] = l.StatementFee.Yuan,
            ["对账单补贴行"] = l.StatementSubsidy.Yuan,
            ["与对账单一致"] = l.MatchesStatement ? "是" : "否",
            ["计算方式"] = CsvCells.Text(l.Formula),
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["对账汇总"] = summary, ["补贴明细"] = detail });
        return stream.ToArray();
    }
}
