using RedProperty.Billing.Core.Runs;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// October 2026 in 丰鑫园小区 through the Api: 鑫源便利店 leases A-001 by the month (300.00); 城东物流
/// leases A-002 on Saturdays and Sundays 09:00–17:00 without the National Day holidays: 10, 11, 17,
/// 18, 24, 25 and 31 October = 7 × 8 h = 56 h × 5.00 = 280.00. Lease income 580.00.
/// </summary>
public sealed class ParkingInvoicesApiTests : ApiHost
{
    private const string Invoices = "/api/communities/HZ-FXY/parking/invoices/2026-10";

    protected override TestSeed Seed => Seeds.SampleRegistered;

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<(long Shop, long Company)> LeaseOctoberAsync(HttpClient finance)
    {
        var shop = (await Json(await finance.PostAsJsonAsync("/api/businesses", new { name = "鑫源便利店", contact = "张老板", creditCode = "91350100M000100Y43" }))).GetProperty("id").GetInt64();
        var company = (await Json(await finance.PostAsJsonAsync("/api/businesses", new { name = "城东物流有限公司", contact = "李经理", creditCode = "91110000802100433B" }))).GetProperty("id").GetInt64();
        var weekends = new { month = "2026-10", weekdays = new[] { "sat", "sun" }, from = "09:00", to = "17:00", by = "业主 卢刚", business = company };
        foreach (var (space, household) in new[] { ("A-001", "HZ-FXY-01-1-101"), ("A-002", "HZ-FXY-01-1-102") })
        {
            Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = space })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync($"/api/communities/HZ-FXY/parking/spaces/{space}/permits", new { household, from = "2026-01-01" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-001/releases", new { month = "2026-10", by = "业主" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-001/leases", new { month = "2026-10", business = shop })).StatusCode);
        var release = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-002/releases", weekends);
        var lease = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-002/leases", weekends);
        Assert.Equal(7, (await Json(release)).GetProperty("windows").GetInt32());
        var leased = await Json(lease);
        Assert.Equal(("recurring", 7), (leased.GetProperty("kind").GetString(), leased.GetProperty("windows").GetInt32()));
        return (shop, company);
    }

    [Fact]
    public async Task Finance_staff_issue_the_month_read_an_invoice_and_its_PDF_and_record_a_payment()
    {
        using var finance = Finance();
        var (shop, company) = await LeaseOctoberAsync(finance);

        var issued = await Json(await finance.PostAsync(Invoices, null));
        var again = await Json(await finance.PostAsync(Invoices, null));
        var list = await finance.GetFromJsonAsync<JsonElement>($"{Invoices}?pageSize=1");
        var invoice = await finance.GetFromJsonAsync<JsonElement>($"{Invoices}/{company}");
        var pdf = await finance.GetAsync($"{Invoices}/{company}.pdf");
        var paid = await finance.PostAsJsonAsync($"{Invoices}/{company}/payments", new { channel = "bank", reference = "B-20261105-7", amount = 200.00m, paidOn = "2026-11-05" });
        var repeated = await finance.PostAsJsonAsync($"{Invoices}/{company}/payments", new { channel = "bank", reference = "B-20261105-7", amount = 200.00m, paidOn = "2026-11-05" });
        var after = await finance.GetFromJsonAsync<JsonElement>($"{Invoices}/{company}");

        Assert.Equal((2, 0), (issued.GetProperty("issued").GetInt32(), issued.GetProperty("existing").GetInt32()));
        Assert.Equal((0, 2), (again.GetProperty("issued").GetInt32(), again.GetProperty("existing").GetInt32()));
        Assert.Equal((2L, 1), (list.GetProperty("total").GetInt64(), list.GetProperty("items").GetArrayLength()));
        Assert.Equal((shop, 300.00m), (list.GetProperty("items")[0].GetProperty("business").GetInt64(), list.GetProperty("items")[0].GetProperty("total").GetDecimal()));
        Assert.Equal(280.00m, invoice.GetProperty("total").GetDecimal());
        var line = invoice.GetProperty("lines")[0];
        Assert.Equal("车位 A-002 计时 56 小时（7 个时段）× 5.00 元/小时 = 280.00 元（四舍五入到分）", line.GetProperty("formula").GetString());
        Assert.Equal(("hourly", "tcjy-parking@2022-01-01"), (line.GetProperty("priceBasis").GetString(), line.GetProperty("rateVersion").GetString()));
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal(invoice.GetProperty("pdfSha256").GetString(), pdf.Headers.GetValues("X-Content-SHA256").Single());
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = PdfReadBack.TextOf(document.GetPage(1));
            Assert.Contains("城东物流有限公司", text, StringComparison.Ordinal);
            Assert.Contains("贰佰捌拾元整", text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal(80.00m, (await Json(paid)).GetProperty("open").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.True((await Json(repeated)).GetProperty("duplicate").GetBoolean());
        Assert.Equal((200.00m, 80.00m, 1), (after.GetProperty("paid").GetDecimal(), after.GetProperty("open").GetDecimal(), after.GetProperty("payments").GetArrayLength()));
    }

    [Theory]
    [InlineData("{\"channel\":\"cheque\",\"reference\":\"R\",\"amount\":1,\"paidOn\":\"2026-11-05\"}", 400, "channel")]
    [InlineData("{\"channel\":\"bank\",\"reference\":\" \",\"amount\":1,\"paidOn\":\"2026-11-05\"}", 400, "reference")]
    [InlineData("{\"channel\":\"bank\",\"reference\":\"R\",\"amount\":0.001,\"paidOn\":\"2026-11-05\"}", 400, "amount")]
    [InlineData("{\"channel\":\"bank\",\"reference\":\"R\",\"amount\":1,\"paidOn\":\"5/11/2026\"}", 400, "paidOn")]
    public async Task A_bad_business_payment_is_a_problem_naming_the_field(string body, int status, string field)
    {
        using var finance = Finance();
        var (shop, _) = await LeaseOctoberAsync(finance);
        await finance.PostAsync(Invoices, null);

        var response = await finance.PostAsync($"{Invoices}/{shop}/payments", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(field, (await Json(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_pool_of_a_billed_month_shows_580_in_200_used_and_380_carried_and_a_late_lease_is_a_409()
    {
        using var finance = Finance();
        var (shop, _) = await LeaseOctoberAsync(finance);
        var before = await finance.GetAsync("/api/communities/HZ-FXY/parking/pool/2026-10");
        await finance.PostAsync(Invoices, null);
        await using (var services = BillingHangfire.JobServices(Db.DataSource, SampleRegister.Rates(), parking: RateDirectory.LoadParking(RepositoryPaths.Rates)))
        {
            await RunMonth.IssueAsync(services, Db.DataSource, "2026-10");
        }

        var pool = await finance.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/parking/pool/2026-10");
        await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = "A-003" });
        await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-003/releases", new { month = "2026-10", by = "物业" });
        var late = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-003/leases", new { day = "2026-10-12", business = shop });

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal("period", (await Json(before)).GetProperty("field").GetString());

        // 2 permits × (150 − 50) = 200 used of 580; 380 carried to November.
        Assert.Equal(
            (580.00m, 0.00m, 200.00m, 380.00m, 2L, 100.00m),
            (pool.GetProperty("leaseIncome").GetDecimal(), pool.GetProperty("carryIn").GetDecimal(), pool.GetProperty("used").GetDecimal(),
             pool.GetProperty("carryForward").GetDecimal(), pool.GetProperty("permits").GetInt64(), pool.GetProperty("reductionPerPermit").GetDecimal()));
        Assert.Equal(580.00m, pool.GetProperty("invoiced").GetProperty("total").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Paying_350_on_the_shops_300_keeps_50_credit_and_a_reversal_reopens_the_invoice_once()
    {
        using var finance = Finance();
        using var other = Finance("OTHER-OP");
        var (shop, _) = await LeaseOctoberAsync(finance);
        await finance.PostAsync(Invoices, null);

        var paid = await finance.PostAsJsonAsync($"{Invoices}/{shop}/payments", new { channel = "bank", reference = "B-350", amount = 350.00m, paidOn = "2026-11-05" });
        var body = await Json(paid);
        var payment = body.GetProperty("id").GetInt64();
        var listed = (await finance.GetFromJsonAsync<JsonElement>(Invoices)).GetProperty("items")[0];
        var foreign = await other.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = "退票", on = "2026-11-08" });
        var noReason = await finance.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = " " });
        var badDay = await finance.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = "退票", on = "8/11/2026" });
        var reversed = await finance.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = "退票", on = "2026-11-08" });
        var repeated = await finance.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = "退票", on = "2026-11-08" });
        var different = await finance.PostAsJsonAsync($"/api/parking/payments/{payment}/reversal", new { reason = "记错账单", on = "2026-11-08" });
        var missing = await finance.PostAsJsonAsync("/api/parking/payments/999999/reversal", new { reason = "退票" });
        var invoice = await finance.GetFromJsonAsync<JsonElement>($"{Invoices}/{shop}");

        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal((0.00m, 50.00m), (body.GetProperty("open").GetDecimal(), body.GetProperty("businessCredit").GetDecimal()));
        Assert.Equal((300.00m, 350.00m, 0.00m, 50.00m),
            (listed.GetProperty("total").GetDecimal(), listed.GetProperty("paid").GetDecimal(), listed.GetProperty("open").GetDecimal(), listed.GetProperty("businessCredit").GetDecimal()));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(("reason", "on"), ((await Json(noReason)).GetProperty("field").GetString(), (await Json(badDay)).GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.Created, reversed.StatusCode);
        var reopened = await Json(reversed);
        Assert.Equal((300.00m, 0.00m), (reopened.GetProperty("open").GetDecimal(), reopened.GetProperty("businessCredit").GetDecimal()));
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        Assert.Equal("reason", (await Json(different)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("id", (await Json(missing)).GetProperty("field").GetString());
        Assert.Equal((300.00m, 0.00m), (invoice.GetProperty("open").GetDecimal(), invoice.GetProperty("paid").GetDecimal()));
        Assert.Equal("退票", invoice.GetProperty("payments")[0].GetProperty("reversal").GetProperty("reason").GetString());
        Assert.Equal(1, await Db.CountAsync("select count(*) from business_payment_reversal"));
    }

    [Fact]
    public async Task Another_operators_staff_see_and_pay_nothing_here_and_a_bad_window_names_its_field()
    {
        using var finance = Finance();
        using var other = Finance("OTHER-OP");
        var (shop, _) = await LeaseOctoberAsync(finance);
        await finance.PostAsync(Invoices, null);

        var responses = new[]
        {
            await other.PostAsync(Invoices, null),
            await other.GetAsync(Invoices),
            await other.GetAsync($"{Invoices}/{shop}"),
            await other.GetAsync($"{Invoices}/{shop}.pdf"),
            await other.PostAsJsonAsync($"{Invoices}/{shop}/payments", new { channel = "cash", reference = "X", amount = 1m, paidOn = "2026-11-05" }),
            await other.GetAsync("/api/communities/HZ-FXY/parking/pool/2026-10"),
        };
        var badDay = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-001/releases", new { month = "2026-11", weekdays = new[] { "someday" }, from = "09:00", to = "17:00", by = "业主" });
        var backwards = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-001/releases", new { day = "2026-11-07", from = "17:00", to = "09:00", by = "业主" });

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(0, await Db.CountAsync("select count(*) from business_payment"));
        Assert.Equal("weekdays", (await Json(badDay)).GetProperty("field").GetString());
        Assert.Equal("to", (await Json(backwards)).GetProperty("field").GetString());
    }
}
