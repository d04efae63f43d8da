using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MiniExcelLibs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

/// <summary>The district desk: household subsidy detail, claims by status, sign-off stored and printed, Excel.</summary>
public sealed class DistrictDeskApiTests : ApiHost
{
    private static readonly string Kaifa = Uri.EscapeDataString("开发区");

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task The_district_checks_every_household_subsidy_line_against_the_statements_itself()
    {
        using var client = District();

        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/districts/{Kaifa}/subsidy-lines/2026-10");

        var lines = detail.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(await Db.CountAsync("select count(*) from district_invoice_line"), lines.Count);
        Assert.Equal(0, detail.GetProperty("mismatches").GetInt32());
        var fxy101 = lines.Single(l => l.GetProperty("household").GetString() == "HZ-FXY-01-1-101");
        // 69.81 m² × 0.48 = 33.51 on the statement; the district pays 69.81 × 0.10 = 6.98, shown as −6.98 to the resident.
        Assert.Equal((33.51m, 6.98m, 33.51m, -6.98m), (fxy101.GetProperty("standardAmount").GetDecimal(), fxy101.GetProperty("districtAmount").GetDecimal(),
            fxy101.GetProperty("statementFee").GetDecimal(), fxy101.GetProperty("statementSubsidy").GetDecimal()));
        Assert.Equal("202610-HZ-FXY-01-1-101", fxy101.GetProperty("statement").GetString());
    }

    [Fact]
    public async Task Claims_are_grouped_by_status_and_submitted_are_not_added_to_pending()
    {
        using var finance = Finance();
        await finance.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score = 95 });
        await finance.PutAsJsonAsync("/api/communities/HZ-SWJSY/scores/2026-10", new { score = 85 });
        await finance.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null);
        using var client = District();

        var claims = await client.GetFromJsonAsync<JsonElement>($"/api/districts/{Kaifa}/claims/2026-10");

        Assert.Equal(1, claims.GetProperty("submitted").GetProperty("communities").GetInt32());
        Assert.Equal(1, claims.GetProperty("draft").GetProperty("communities").GetInt32());
        Assert.Equal(2, claims.GetProperty("awaiting-score").GetProperty("communities").GetInt32());
        var submittedTotal = claims.GetProperty("submitted").GetProperty("total").GetDecimal();
        await using var total = Db.DataSource.CreateCommand("select sum(total_claim) from subsidy_claim");
        Assert.Equal((decimal)(await total.ExecuteScalarAsync())!, submittedTotal);
    }

    [Fact]
    public async Task A_return_needs_a_reason_and_the_sign_off_is_stored_with_who_and_when_and_printed_on_the_reconciliation()
    {
        using var client = District();

        var noReason = await client.PostAsJsonAsync($"/api/districts/{Kaifa}/signoff/2026-10", new { decision = "returned" });
        var returned = await client.PostAsJsonAsync($"/api/districts/{Kaifa}/signoff/2026-10", new { decision = "returned", reason = "市工会家属院面积与房产证不符" });
        var approved = await client.PostAsJsonAsync($"/api/districts/{Kaifa}/signoff/2026-10", new { decision = "审核通过" });
        var pdf = await client.GetByteArrayAsync($"/api/districts/{Kaifa}/reconciliation/2026-10/signed.pdf");
        Keep.Document("reconciliation-signed.pdf", pdf);

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("reason", (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (returned.StatusCode, approved.StatusCode));
        await using (var cmd = Db.DataSource.CreateCommand("select decision, reason, signed_by from district_signoff order by id"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("returned", "市工会家属院面积与房产证不符", "test:开发区"), (reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            Assert.True(await reader.ReadAsync());
            Assert.Equal("approved", reader.GetString(0));
        }

        using var document = PdfDocument.Open(pdf);
        var last = PdfReadBack.TextOf(document.GetPage(document.NumberOfPages));
        Assert.Contains("退回，理由：市工会家属院面积与房产证不符审核人：test:开发区", last, StringComparison.Ordinal);
        Assert.Contains("审核通过审核人：test:开发区", last, StringComparison.Ordinal);
        Assert.Contains("物业服务企业：菏泽天创金源物业服务有限公司", PdfReadBack.TextOf(document.GetPage(1)), StringComparison.Ordinal);
        Assert.Contains("区财政部门（盖章）", last, StringComparison.Ordinal);
        Assert.Contains("经办人签字", last, StringComparison.Ordinal);
        Assert.Contains("居民承担+区财政承担=标准物业费：4个小区校验，全部通过", last, StringComparison.Ordinal);
        Assert.Contains("已申报（金额已冻结）：0个小区", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_score_older_than_six_months_is_flagged_on_the_reconciliation()
    {
        using var finance = Finance();
        await finance.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-01", new { score = 93 });
        using var client = District();

        var pdf = await client.GetByteArrayAsync($"/api/districts/{Kaifa}/reconciliation/2026-10/signed.pdf");

        using var document = PdfDocument.Open(pdf);
        Assert.Contains("2026年1月（旧）", PdfReadBack.TextOf(document.GetPage(1)), StringComparison.Ordinal);
        var last = PdfReadBack.TextOf(document.GetPage(document.NumberOfPages));
        Assert.Contains("丰鑫园小区：采用2026年1月的考核得分93！已是9个月前的得分（超过6个月）", last, StringComparison.Ordinal);
        Assert.Contains("申报金额+物业公司承担差额=区财政承担：1个小区校验，全部通过", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_excel_download_has_the_summary_and_every_household_line_with_chinese_heads()
    {
        using var client = District();

        var bytes = await client.GetByteArrayAsync($"/api/districts/{Kaifa}/reconciliation/2026-10.xlsx");

        using var stream = new MemoryStream(bytes);
        Assert.Equal(["对账汇总", "补贴明细"], MiniExcel.GetSheetNames(stream));
        var detail = stream.Query(useHeaderRow: true, sheetName: "补贴明细").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(await Db.CountAsync("select count(*) from district_invoice_line"), detail.Count);
        Assert.All(detail, row => Assert.Equal("是", row["与对账单一致"]));
    }

    [Fact]
    public async Task Another_district_is_403_and_an_unknown_one_is_404_never_an_empty_pass()
    {
        using var other = District("汉阳区");
        using var unknownScope = As(Infrastructure.Access.AccessRole.DistrictFinance, "不存在区");

        var forbidden = await other.GetAsync($"/api/districts/{Kaifa}/subsidy-lines/2026-10");
        var unknown = await unknownScope.GetAsync($"/api/districts/{Uri.EscapeDataString("不存在区")}/reconciliation/2026-10/signed.pdf");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
