using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

public sealed class DistrictFinanceApiTests : ApiHost
{
    private static readonly string KaifaDistrict = Uri.EscapeDataString("开发区");

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task District_finance_records_a_score_and_sees_the_claim_it_yields()
    {
        using var client = Finance();

        var put = await client.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score = 85 });
        var report = await client.GetFromJsonAsync<JsonElement>($"/api/districts/{KaifaDistrict}/reconciliation/2026-10");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var fxy = report.GetProperty("communities").EnumerateArray().Single(c => c.GetProperty("community").GetString() == "HZ-FXY");
        Assert.Equal(0.90m, fxy.GetProperty("factor").GetDecimal());
        var share = fxy.GetProperty("districtShare").GetDecimal();
        Assert.Equal(decimal.Round(share * 0.90m, 2, MidpointRounding.AwayFromZero), fxy.GetProperty("claim").GetDecimal());
        Assert.Equal(share, fxy.GetProperty("claim").GetDecimal() + fxy.GetProperty("shortfall").GetDecimal());
        Assert.True(report.GetProperty("allChecksPassed").GetBoolean());
        Assert.All(fxy.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean()));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-5)]
    public async Task A_score_outside_0_to_100_is_a_400_naming_the_field(decimal score)
    {
        using var client = Finance();

        var response = await client.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("score", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from evaluation_score"));
    }

    [Fact]
    public async Task A_claim_is_submitted_once_and_then_frozen()
    {
        using var client = Finance();
        await client.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score = 95 });

        var first = await client.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null);
        var second = await client.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null);
        var correction = await client.PostAsJsonAsync("/api/communities/HZ-FXY/claims/2026-10/corrections",
            new { inPeriod = "2026-11", amount = -12.34m, reason = "多报面积退回" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("submitted", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.Created, correction.StatusCode);
        Assert.Equal(1, await Db.CountAsync("select count(*) from subsidy_claim"));
    }

    [Fact]
    public async Task The_reconciliation_comes_as_csv_and_as_a_chinese_pdf()
    {
        using var client = Finance();

        var csv = await client.GetAsync($"/api/districts/{KaifaDistrict}/reconciliation/2026-10.csv");
        var pdf = await client.GetAsync($"/api/districts/{KaifaDistrict}/reconciliation/2026-10.pdf");

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("区县,小区编号,小区名称,账期,户数", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("HZ-FXY,丰鑫园小区,2026-10,144", text, StringComparison.Ordinal);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("财政补贴对账表", string.Concat(document.GetPage(1).Letters.Select(l => l.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_district_is_a_404()
    {
        using var client = Finance();

        var response = await client.GetAsync($"/api/districts/{Uri.EscapeDataString("不存在区")}/reconciliation/2026-10");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
