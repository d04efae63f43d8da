using System.Globalization;
using MiniExcelLibs;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Excel;

namespace RedProperty.Billing.Tests.Web;

/// <summary>The console's report workbooks: Chinese heads, amounts as numbers, text a spreadsheet would run defused.</summary>
public sealed class FinanceWorkbooksTests
{
    [Fact]
    public void Collection_rate_keeps_amounts_as_numbers_adds_a_total_and_defuses_formula_like_names()
    {
        var october = new YearMonth(2026, 10);
        var xlsx = FinanceWorkbooks.Collection(october, new LocalDate(2026, 11, 30),
        [
            new CommunityCollection("HZ-A", "=HYPERLINK(\"http://x\",\"点我\")", new CollectionRate(october, new Money(200.00m), new Money(50.00m))),
            new CommunityCollection("HZ-B", "@SUM(A1)", new CollectionRate(october, new Money(100.00m), new Money(100.00m))),
        ]);

        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        Assert.Equal(["'=HYPERLINK(\"http://x\",\"点我\")", "'@SUM(A1)", "截至 2026-11-30"], rows.Select(r => (string)r["小区名称"]));
        Assert.Equal([150.00m, 0m, 150.00m], rows.Select(r => Convert.ToDecimal(r["未收（元）"], CultureInfo.InvariantCulture)));
        // 50 of 200 is 25.0 %, 100 of 100 is 100.0 %, 150 of 300 is 50.0 %.
        Assert.Equal([25.0m, 100.0m, 50.0m], rows.Select(r => Convert.ToDecimal(r["收缴率（%）"], CultureInfo.InvariantCulture)));
        Assert.Equal("合计", rows[^1]["小区编号"]);
    }

    [Fact]
    public void Run_totals_list_each_community_and_kind_with_a_total_of_their_amounts()
    {
        var xlsx = FinanceWorkbooks.RunTotals(7, new YearMonth(2026, 10),
        [
            new RunKindTotal("HZ-A", "丰鑫园小区", "property_fee", "物业服务费", 3, 3, new Money(126.72m)),
            new RunKindTotal("HZ-A", "丰鑫园小区", "subsidy", "政府补贴", 3, 3, new Money(-26.40m)),
        ]);

        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        Assert.Equal(["物业服务费", "政府补贴"], rows.Take(2).Select(r => (string)r["项目"]));
        // 126.72 − 26.40 = 100.32
        Assert.Equal(100.32m, Convert.ToDecimal(rows[^1]["金额（元）"], CultureInfo.InvariantCulture));
        Assert.Equal("批次 7", rows[^1]["小区名称"]);
    }
}
