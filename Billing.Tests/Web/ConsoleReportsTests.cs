using System.Globalization;
using MiniExcelLibs;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// Collection rate, a run's totals and the subsidy reconciliation download from the console as
/// .xlsx with Chinese heads; each is read back with MiniExcel and compared with sums of the rows
/// in PostgreSQL, computed here by other queries.
/// </summary>
public sealed class ConsoleReportsTests : ConsoleHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task Collection_rate_run_totals_and_reconciliation_download_as_xlsx_that_agree_with_the_stored_rows()
    {
        // Some October statements are paid in full, one in part, one after the as-of day.
        var payments = new PaymentStore(Db.DataSource);
        var owing = new List<(string Household, decimal Total)>();
        await using (var cmd = Db.DataSource.CreateCommand(
            "select household_code, total from statement where period = '2026-10-01' and total > 20 order by community_code, household_code"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                owing.Add((reader.GetString(0), reader.GetDecimal(1)));
            }
        }

        var paid = new[] { (owing[0].Household, owing[0].Total, 5), (owing[1].Household, 10.00m, 6), (owing[^1].Household, owing[^1].Total, 7), (owing[2].Household, owing[2].Total, 40) };
        var row = 1;
        foreach (var (household, amount, day) in paid)
        {
            await payments.RecordAsync(
                [(new PaymentInput(household, PaymentChannel.BankTransfer, $"YH-{row}", new Money(amount), new LocalDate(2026, 11, 1).PlusDays(day - 1)), "test", row++)], "test");
        }

        await AccountAsync("zhidan", "王制单", Infrastructure.Staff.StaffRole.Clerk);
        var clerk = await SignInAsync("zhidan");

        // Collection rate for October as of 30 November.
        await clerk.GotoAsync("/console/reports?period=2026-10&asOf=2026-11-30");
        await ScreenshotAsync(clerk, "console-reports");
        var collection = await ReadAsync(clerk, (await clerk.GetAttributeAsync("#collection-xlsx", "href"))!);
        var expected = new Dictionary<string, (decimal Billed, decimal Collected)>();
        await using (var cmd = Db.DataSource.CreateCommand(
            // Every household has only its October charge here, so what settled it is its payments to the day, up to the charge.
            """
            select s.community_code, sum(s.total), sum(least(s.total, coalesce(
                (select sum(p.amount) from payment p where p.household_code = s.household_code and p.paid_on <= '2026-11-30'), 0)))
            from statement s where s.period = '2026-10-01' group by s.community_code
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected[reader.GetString(0)] = (reader.GetDecimal(1), reader.GetDecimal(2));
            }
        }

        var communityRows = collection.Where(r => (string)r["小区编号"] != "合计").ToList();
        Assert.Equal(expected.Keys.Order(), communityRows.Select(r => (string)r["小区编号"]).Order());
        foreach (var r in communityRows)
        {
            var (billed, collected) = expected[(string)r["小区编号"]];
            Assert.Equal(billed, Number(r["应收（元）"]));
            Assert.Equal(collected, Number(r["实收（元）"]));
            Assert.Equal(billed - collected, Number(r["未收（元）"]));
            Assert.Equal(decimal.Round(collected / billed * 100m, 1, MidpointRounding.AwayFromZero), Number(r["收缴率（%）"]));
        }

        // The payments made by hand: three in full and 10.00 in part by 30 November; the fourth came later.
        var handCollected = owing[0].Total + 10.00m + owing[^1].Total;
        Assert.Equal(handCollected, expected.Values.Sum(v => v.Collected));
        var total = Assert.Single(collection, r => (string)r["小区编号"] == "合计");
        Assert.Equal(handCollected, Number(total["实收（元）"]));
        Assert.Equal(expected.Values.Sum(v => v.Billed), Number(total["应收（元）"]));

        // The October run's totals by community and kind of line.
        var runId = await Db.CountAsync("select id from billing_run where period = '2026-10-01'");
        var link = await clerk.Locator(".run-totals-xlsx").First.GetAttributeAsync("href");
        Assert.EndsWith($"run={runId}", link, StringComparison.Ordinal);
        var runTotals = await ReadAsync(clerk, link!);
        var lines = new Dictionary<(string, string), (long Lines, long Households, decimal Amount)>();
        await using (var cmd = Db.DataSource.CreateCommand(
            $"""
            select s.community_code, l.kind, count(*), count(distinct s.household_code), sum(l.amount)
            from statement s join statement_line l on l.statement_id = s.id where s.run_id = {runId} group by 1, 2
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines[(reader.GetString(0), KindName(reader.GetString(1)))] = (reader.GetInt64(2), reader.GetInt64(3), reader.GetDecimal(4));
            }
        }

        var kindRows = runTotals.Where(r => (string)r["小区编号"] != "合计").ToList();
        Assert.Equal(lines.Count, kindRows.Count);
        foreach (var r in kindRows)
        {
            var (count, households, amount) = lines[((string)r["小区编号"], (string)r["项目"])];
            Assert.Equal(count, (long)Number(r["行数"]));
            Assert.Equal(households, (long)Number(r["户数"]));
            Assert.Equal(amount, Number(r["金额（元）"]));
        }

        Assert.Equal(lines.Values.Sum(v => v.Amount), Number(Assert.Single(runTotals, r => (string)r["小区编号"] == "合计")["金额（元）"]));

        // The subsidy reconciliation of October: standard fee, residents' and district's shares per community.
        var reconciliation = await ReadAsync(clerk, (await clerk.GetAttributeAsync("#reconciliation-xlsx", "href"))!);
        var shares = new Dictionary<string, (decimal Standard, decimal Subsidy, long Households)>();
        await using (var cmd = Db.DataSource.CreateCommand(
            """
            select s.community_code,
                   coalesce(sum(l.amount) filter (where l.kind = 'property_fee'), 0),
                   coalesce(sum(l.amount) filter (where l.kind = 'subsidy'), 0),
                   count(distinct s.household_code) filter (where l.kind = 'property_fee')
            from statement s join statement_line l on l.statement_id = s.id join community c on c.code = s.community_code
            where s.period = '2026-10-01' and c.operator_code = 'TCJY' group by 1
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                shares[reader.GetString(0)] = (reader.GetDecimal(1), reader.GetDecimal(2), reader.GetInt64(3));
            }
        }

        var reconciled = reconciliation.Where(r => (string)r["区县"] != "合计").ToList();
        Assert.Equal(await Db.CountAsync("select count(*) from community where operator_code = 'TCJY'"), reconciled.Count);
        foreach (var r in reconciled)
        {
            var (standard, subsidy, households) = shares.GetValueOrDefault((string)r["小区编号"]);
            Assert.Equal(standard, Number(r["标准物业费（元）"]));
            // The subsidy is a credit line on the resident's statement; the district pays it.
            Assert.Equal(standard + subsidy, Number(r["居民承担（元）"]));
            Assert.Equal(-subsidy, Number(r["区财政承担（元）"]));
            Assert.Equal(households, (long)Number(r["户数"]));
            Assert.Equal("通过", r["校验：居民承担+区财政承担=标准物业费"]);
        }

        Assert.Equal(shares.Values.Sum(s => s.Standard), Number(Assert.Single(reconciliation, r => (string)r["区县"] == "合计")["标准物业费（元）"]));
    }

    private static async Task<List<IDictionary<string, object>>> ReadAsync(Microsoft.Playwright.IPage page, string url)
    {
        var (status, body, contentType) = await DownloadAsync(page, url);
        Assert.Equal(200, status);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", contentType);
        return new MemoryStream(body).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
    }

    private static decimal Number(object value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture);

    /// <summary>The Chinese names of the kinds of line, as the statements print them.</summary>
    private static string KindName(string kind) => kind switch
    {
        "property_fee" => "物业服务费",
        "subsidy" => "政府补贴",
        "parking_permit" => "停车费",
        "parking_pool_reduction" => "共享停车抵扣",
        "points_credit" => "志愿积分抵扣",
        "adjustment" => "更正",
        "late_fee" => "滞纳金",
        _ => kind,
    };
}
