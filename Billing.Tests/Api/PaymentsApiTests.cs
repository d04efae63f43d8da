using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

public sealed class PaymentsApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    private static object Payment(string reference, decimal amount, string household = "HZ-FXY-01-1-101") =>
        new { household, channel = "wechat", reference, amount, paidOn = "2026-11-10" };

    [Fact]
    public async Task Finance_staff_record_a_payment_once_and_the_resident_sees_it_in_their_ledger()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");

        var first = await finance.PostAsJsonAsync("/api/payments", Payment("wx-100", 100.00m));
        var again = await finance.PostAsJsonAsync("/api/payments", Payment("wx-100", 100.00m));
        var ledger = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/ledger");
        var receipt = await resident.GetAsync(first.Headers.Location!.ToString());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        var charge = ledger.GetProperty("charges")[0];
        Assert.Equal(0m, charge.GetProperty("open").GetDecimal());
        Assert.Equal(100.00m - charge.GetProperty("amount").GetDecimal(), ledger.GetProperty("credit").GetDecimal());
        using var pdf = PdfDocument.Open(await receipt.Content.ReadAsByteArrayAsync());
        Assert.Contains("壹佰元整", string.Concat(pdf.GetPage(1).Letters.Select(l => l.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resident_cannot_see_a_neighbours_ledger_or_receipt_nor_record_payments()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");
        var created = await finance.PostAsJsonAsync("/api/payments", Payment("wx-200", 10.00m, "HZ-FXY-01-1-102"));

        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync("/api/households/HZ-FXY-01-1-102/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync(created.Headers.Location!.ToString())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsJsonAsync("/api/payments", Payment("wx-201", 10.00m))).StatusCode);
    }

    [Fact]
    public async Task A_conflicting_reference_is_a_409_and_a_bad_amount_a_400_naming_the_field()
    {
        using var finance = Finance();
        await finance.PostAsJsonAsync("/api/payments", Payment("wx-300", 10.00m));

        var conflict = await finance.PostAsJsonAsync("/api/payments", Payment("wx-300", 11.00m));
        var bad = await finance.PostAsJsonAsync("/api/payments", Payment("wx-301", -1m));

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("amount", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Arrears_collection_rate_and_the_ledger_check_are_served_to_finance_staff()
    {
        using var finance = Finance();
        await finance.PostAsync("/api/payments/import?channel=alipay",
            new StringContent("reference,household_code,amount,paid_on\nali-1,HZ-FXY-01-1-101,500.00,2026-11-03\n", Encoding.UTF8, "text/csv"));

        var arrears = await finance.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/arrears?asOf=2026-11-23");
        var csv = await finance.GetStringAsync("/api/communities/HZ-FXY/arrears.csv?asOf=2026-11-23");
        var notices = await finance.GetAsync("/api/communities/HZ-FXY/arrears.pdf?asOf=2026-11-23");
        var rate = await finance.GetFromJsonAsync<JsonElement>("/api/operators/TCJY/collection-rate/2026-10?asOf=2026-11-23");
        var check = await finance.GetFromJsonAsync<JsonElement>("/api/operators/TCJY/ledger-check");
        var otherOperator = await finance.GetAsync("/api/operators/OTHER/ledger-check");

        Assert.Equal(143, arrears.GetProperty("households").GetInt32());
        Assert.Contains("HZ-FXY-01-1-102", csv, StringComparison.Ordinal);
        Assert.Equal(143, PdfDocument.Open(await notices.Content.ReadAsByteArrayAsync()).NumberOfPages);
        Assert.True(rate.GetProperty("collected").GetDecimal() > 0m);
        Assert.True(check.GetProperty("balances").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, otherOperator.StatusCode);
    }
}
