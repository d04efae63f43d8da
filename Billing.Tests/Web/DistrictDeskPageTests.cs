using RedProperty.Billing.Core.Validation;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using MiniExcelLibs;
using NodaTime;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// The district desk walked in Chromium by a district finance officer on October 2026 of the
/// sample: the reconciliation, one household's subsidy checked against its statement in
/// PostgreSQL, a return and an approval, and both downloads read back; and who may not see it.
/// </summary>
public sealed class DistrictDeskPageTests : ConsoleHost
{
    private const string Officer = "liu.kfq";
    private const string OfficerName = "刘晓燕";
    private const string Household = "HZ-FXY-01-1-101";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    /// <summary>Eight months here, not the default six, so the page is seen to follow configuration.</summary>
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("DistrictDesk:StaleScoreMonths", "8");

    /// <summary>
    /// The first request of a fresh host compiles the pages; on a loaded machine that alone can take
    /// longer than the browser's navigation timeout, so it is made once before the browser arrives.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var client = Anonymous();
        client.Timeout = TimeSpan.FromMinutes(2);
        (await client.GetAsync("/console/sign-in")).EnsureSuccessStatusCode();
    }

    private Task DistrictAccountAsync(string userName, string displayName, string district) =>
        Accounts.CreateAsync(new NewStaffAccount(userName, displayName, StaffScopeKind.District, district, [StaffRole.District]), Password, new StaffPerson("test", "测试", SampleOperator));

    /// <summary>Signs in through the console's sign-in form, starting from the desk, and lands back on it.</summary>
    private async Task<IPage> SignInAtDeskAsync(string userName)
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/district");
        Assert.EndsWith("/console/sign-in?ReturnUrl=%2Fdistrict", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        Assert.EndsWith("/district", page.Url, StringComparison.Ordinal);
        return page;
    }

    private async Task<decimal> DecimalAsync(string sql)
    {
        await using var cmd = Db.DataSource.CreateCommand(sql);
        return Convert.ToDecimal(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static decimal Yuan(string text) => decimal.Parse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static string NoSpace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    [Fact]
    public async Task A_district_officer_checks_a_household_against_its_statement_returns_then_approves_and_the_downloads_show_it()
    {
        // 丰鑫园小区 scored in January (nine months before October, older than the configured eight) and its claim submitted;
        // 市委家属院 scored in October but not submitted; the other two unscored.
        using (var finance = Finance())
        {
            Assert.True((await finance.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-01", new { score = 93 })).IsSuccessStatusCode);
            Assert.True((await finance.PutAsJsonAsync("/api/communities/HZ-SWJSY/scores/2026-10", new { score = 85 })).IsSuccessStatusCode);
            Assert.True((await finance.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null)).IsSuccessStatusCode);
        }

        await DistrictAccountAsync(Officer, OfficerName, SampleDistrict);
        await WarmUpAsync();
        var page = await SignInAtDeskAsync(Officer);
        Assert.Contains("2026年10月", await page.InnerTextAsync("#months"), StringComparison.Ordinal);
        Assert.Contains("待审核", await page.InnerTextAsync("#months"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "district-index");

        // The month: every community, the operator, claims by status kept apart, the old score flagged.
        await page.ClickAsync("#months a:text-is('2026年10月')");
        Assert.EndsWith("/district/2026-10", page.Url, StringComparison.Ordinal);
        var table = await page.InnerTextAsync("#reconciliation");
        foreach (var name in new[] { "丰鑫园小区", "市委家属院", "市工会家属院", "农行家属院" })
        {
            Assert.Contains(name, table, StringComparison.Ordinal);
        }

        Assert.Equal("菏泽天创金源物业服务有限公司", await page.InnerTextAsync("#operator"));
        Assert.Equal(await DecimalAsync("select sum(district_amount) from district_invoice_line where period = '2026-10-01'"), Yuan(await page.InnerTextAsync("#district-total")));
        Assert.Equal(await DecimalAsync("select total_claim from subsidy_claim where community_code = 'HZ-FXY'"), Yuan(await page.InnerTextAsync("#claims-submitted td.num >> nth=1")));
        Assert.Contains("市委家属院", await page.InnerTextAsync("#claims-pending"), StringComparison.Ordinal);
        Assert.DoesNotContain("丰鑫园小区", await page.InnerTextAsync("#claims-pending"), StringComparison.Ordinal);
        Assert.Equal("2", (await page.InnerTextAsync("#claims-unscored td.num >> nth=0")).Trim());
        Assert.Contains("丰鑫园小区：采用 2026年1月 的考核得分 93 ⚠ 已是 9 个月前的得分（超过 8 个月）", await page.InnerTextAsync("#score-periods"), StringComparison.Ordinal);
        Assert.DoesNotContain("⚠", await page.InnerTextAsync("#score-periods li:has-text('市委家属院')"), StringComparison.Ordinal);
        Assert.Equal(4, await page.Locator("#checks tbody tr[data-check]").CountAsync());
        Assert.Equal("通过", (await page.InnerTextAsync("#all-checks")).Trim());
        await ScreenshotAsync(page, "district-month");

        // One household's subsidy line beside its statement; both read back from PostgreSQL.
        await page.ClickAsync("#reconciliation a:text-is('丰鑫园小区')");
        Assert.EndsWith("/district/2026-10/communities/HZ-FXY", page.Url, StringComparison.Ordinal);
        Assert.Equal(await Db.CountAsync("select count(*) from district_invoice_line where community_code = 'HZ-FXY'"), await page.Locator("#households tbody tr").CountAsync());
        await ScreenshotAsync(page, "district-community");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor("district-community-view") });
        await page.ClickAsync($"#households a:text-is('{Household}')");
        var row = page.Locator($"#households tr[data-household='{Household}']");
        var subsidyLine = await DecimalAsync(
            $"select l.amount from statement_line l join statement s on s.id = l.statement_id where s.household_code = '{Household}' and s.period = '2026-10-01' and l.kind = 'subsidy'");
        var feeLine = await DecimalAsync(
            $"select l.amount from statement_line l join statement s on s.id = l.statement_id where s.household_code = '{Household}' and s.period = '2026-10-01' and l.kind = 'property_fee'");
        Assert.Equal(-subsidyLine, Yuan(await row.Locator("td.district").InnerTextAsync()));
        Assert.Equal(feeLine, Yuan(await row.Locator("td.standard").InnerTextAsync()));
        Assert.Equal("是", (await row.Locator("td >> nth=5").InnerTextAsync()).Trim());
        Assert.Equal(subsidyLine, Yuan(await page.InnerTextAsync("#statement-lines tr[data-kind='subsidy'] td.num >> nth=1")));
        Assert.Equal(await DecimalAsync($"select total from statement where household_code = '{Household}' and period = '2026-10-01'"), Yuan(await page.InnerTextAsync("#statement-total")));
        await ScreenshotAsync(page, "district-household");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor("district-household-view") });

        // A return without a reason is refused and nothing is stored; with a reason it is, then the approval.
        await page.GotoAsync("/district/2026-10");
        await page.ClickAsync("#return");
        Assert.Contains("退回须写明理由", await page.InnerTextAsync("#signoff-problem"), StringComparison.Ordinal);
        Assert.Equal(0, await Db.CountAsync("select count(*) from district_signoff"));
        await page.FillAsync("#reason", "市工会家属院面积与房产证不符");
        await page.ClickAsync("#return");
        Assert.Contains("已记录：退回", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        Assert.Equal("退回", (await page.InnerTextAsync("#signoff-state")).Trim());
        await ScreenshotAsync(page, "district-returned");
        await page.ClickAsync("#approve");
        Assert.Equal("审核通过", (await page.InnerTextAsync("#signoff-state")).Trim());
        Assert.Equal(2, await page.Locator("#signoffs tbody tr").CountAsync());
        await ScreenshotAsync(page, "district-approved");

        var signedBy = $"{OfficerName} ({Officer})";
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from district_signoff where decision = 'returned' and reason = '市工会家属院面积与房产证不符' and signed_by = '{signedBy}' and district = '开发区' and period = '2026-10-01'"));
        Assert.Equal(1, await Db.CountAsync($"select count(*) from district_signoff where decision = 'approved' and reason is null and signed_by = '{signedBy}'"));
        Assert.Equal(2, await Db.CountAsync($"select count(*) from staff_audit where user_name = '{Officer}' and action = '区财政审核'"));

        // The PDF carries both decisions with who and when (Asia/Shanghai, as the database recorded it).
        var pdf = await DownloadAsync(page, (await page.GetAttributeAsync("#download-pdf", "href"))!);
        Assert.Equal((200, "application/pdf"), (pdf.Status, pdf.ContentType));
        Keep.Document("district-desk-reconciliation.pdf", pdf.Body);
        using (var document = PdfDocument.Open(pdf.Body))
        {
            var last = PdfReadBack.TextOf(document.GetPage(document.NumberOfPages));
            foreach (var (decision, text) in new[] { ("returned", "退回，理由：市工会家属院面积与房产证不符"), ("approved", "审核通过") })
            {
                await using var cmd = Db.DataSource.CreateCommand($"select signed_at from district_signoff where decision = '{decision}'");
                var at = ((Instant)(await cmd.ExecuteScalarAsync())!).InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);
                Assert.Contains(NoSpace($"{text}　审核人：{signedBy}　时间：{at.Year}年{at.Month}月{at.Day}日 {at.Hour:D2}:{at.Minute:D2}"), last, StringComparison.Ordinal);
            }

            Assert.Contains("已申报（金额已冻结）：1个小区", last, StringComparison.Ordinal);
            Assert.Contains("已是9个月前的得分（超过8个月）", last, StringComparison.Ordinal);
            Assert.Contains("物业服务企业：菏泽天创金源物业服务有限公司", PdfReadBack.TextOf(document.GetPage(1)), StringComparison.Ordinal);
        }

        // The workbook: one summary row per community and every household line, the one checked above among them.
        var xlsx = await DownloadAsync(page, (await page.GetAttributeAsync("#download-xlsx", "href"))!);
        Assert.Equal(200, xlsx.Status);
        using var stream = new MemoryStream(xlsx.Body);
        var summary = stream.Query(useHeaderRow: true, sheetName: "对账汇总").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["丰鑫园小区", "农行家属院", "市委家属院", "市工会家属院"], summary.Select(r => (string)r["小区名称"]).Order(StringComparer.Ordinal));
        Assert.Equal("已申报", summary.Single(r => (string)r["小区编号"] == "HZ-FXY")["状态"]);
        var detail = stream.Query(useHeaderRow: true, sheetName: "补贴明细").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(await Db.CountAsync("select count(*) from district_invoice_line"), detail.Count);
        var mine = detail.Single(r => (string)r["户号"] == Household);
        Assert.Equal(-subsidyLine, Convert.ToDecimal(mine["区财政承担"], CultureInfo.InvariantCulture));
        Assert.Equal(subsidyLine, Convert.ToDecimal(mine["对账单补贴行"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_district_officer_changes_their_own_password_and_signs_in_with_the_new_one()
    {
        await DistrictAccountAsync(Officer, OfficerName, "开发区");
        await WarmUpAsync();
        var page = await SignInAtDeskAsync(Officer);

        await page.ClickAsync("a[href='/district/password']");
        await page.FillAsync("#current", Password);
        await page.FillAsync("#next", "short");
        await page.ClickAsync("form.narrow button[type=submit]");
        await page.Locator(".problem").WaitForAsync();
        await ScreenshotAsync(page, "district-password-refused");

        const string next = "a-new-district-pass-2026";
        await page.FillAsync("#current", Password);
        await page.FillAsync("#next", next);
        await page.ClickAsync("form.narrow button[type=submit]");
        await page.WaitForURLAsync("**/district");

        // The stored hash now answers the new password and no longer the old one.
        var person = new StaffPerson(Officer, OfficerName, "开发区");
        Assert.NotNull(await Accounts.FindAsync(Officer));
        await Assert.ThrowsAsync<InputRejectedException>(() => Accounts.ChangePasswordAsync(person, Password, "another-pass-2026-x"));
        await Accounts.ChangePasswordAsync(person, next, "another-pass-2026-x");
    }

    [Fact]
    public async Task An_operator_cashier_is_refused_the_district_desk_with_403()
    {
        await AccountAsync("shoufei", "张收费", StaffRole.Cashier);
        await WarmUpAsync();
        var cashier = await SignInAsync("shoufei");

        var index = await cashier.GotoAsync("/district");
        await ScreenshotAsync(cashier, "district-cashier-403");
        var month = await cashier.GotoAsync("/district/2026-10");
        var download = await DownloadAsync(cashier, "/district/2026-10/reconciliation.pdf");
        var post = await cashier.Context.APIRequest.PostAsync("/district/2026-10?handler=SignOff", new() { Form = cashier.Context.APIRequest.CreateFormData().Set("decision", "approved") });

        Assert.Equal((403, 403, 403), (index!.Status, month!.Status, download.Status));
        Assert.NotEqual(200, post.Status);
        Assert.DoesNotContain("丰鑫园小区", await cashier.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Db.CountAsync("select count(*) from district_signoff"));
    }

    [Fact]
    public async Task Another_districts_officer_sees_only_its_own_district_and_none_of_this_ones_names()
    {
        using (var second = Finance("OP2"))
        {
            var communities = "community_code,community_name,operator_code,operator_name,zone_code,zone_name,city,district,rate_book,building_type,service_level,agreed_price,level_effective_from,billing_start\n"
                + "HZ-OP2,牡丹苑小区,OP2,第二物业公司,OP2-Z,牡丹片区,菏泽市,牡丹区,heze-kaifaqu,multi-storey,2星,,,2022-01-01\n";
            var response = await second.PostAsync("/api/register/communities", new StringContent(communities, Encoding.UTF8, "text/csv"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await DistrictAccountAsync("wang.mdq", "王牡丹", "牡丹区");
        await WarmUpAsync();
        var page = await SignInAtDeskAsync("wang.mdq");
        Assert.Contains("本区尚无已发布的补贴明细", await page.InnerTextAsync("#no-months"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "district-other-index");

        var month = await page.GotoAsync("/district/2026-10");
        var monthText = await page.InnerTextAsync("main");

        // Nothing to check means nothing to sign: the month has no sign-off form.
        Assert.Equal(0, await page.Locator("#signoff").CountAsync());
        await ScreenshotAsync(page, "district-other-month");
        var foreign = await page.GotoAsync("/district/2026-10/communities/HZ-FXY");
        var foreignText = await page.InnerTextAsync("main");
        await ScreenshotAsync(page, "district-other-foreign-community");
        var sheet = await DownloadAsync(page, "/district/2026-10/reconciliation.xlsx");

        Assert.Equal(200, month!.Status);
        Assert.Contains("牡丹苑小区", monthText, StringComparison.Ordinal);
        Assert.Contains("本月没有补贴明细", monthText, StringComparison.Ordinal);
        Assert.DoesNotContain("通过", monthText, StringComparison.Ordinal);
        Assert.Equal(404, foreign!.Status);
        Assert.Contains("本区没有编号为“HZ-FXY”的小区", foreignText, StringComparison.Ordinal);
        using var stream = new MemoryStream(sheet.Body);
        var summary = stream.Query(useHeaderRow: true, sheetName: "对账汇总").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal("HZ-OP2", Assert.Single(summary)["小区编号"]);
        foreach (var text in new[] { monthText, foreignText })
        {
            foreach (var name in new[] { "丰鑫园", "市委家属院", "市工会家属院", "农行家属院", "开发区", "天创金源", Household })
            {
                Assert.DoesNotContain(name, text, StringComparison.Ordinal);
            }
        }


        // A district whose communities have all gone is an error page, never an empty 通过.
        await Db.CountAsync("with moved as (update community set district = '开发区' where code = 'HZ-OP2' returning 1) select count(*) from moved");
        var gone = await page.GotoAsync("/district/2026-10");
        Assert.Equal(404, gone!.Status);
        Assert.Contains("登记中没有属于“牡丹区”的小区", await page.InnerTextAsync("#missing"), StringComparison.Ordinal);
        Assert.DoesNotContain("通过", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "district-unknown");
    }
}
