using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

public sealed class AccountsApiTests : ApiHost
{
    private const string Accounts = "/api/communities/HZ-FXY/accounts/2026-10";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    private static object Spending(string category = "repairs", decimal amount = 500.00m, string reference = "WX-10-1", long? corrects = null) =>
        new { category, amount, reference, description = "3 号楼下水管更换", enteredOn = "2026-10-31", corrects };

    [Fact]
    public async Task Finance_staff_enter_spending_and_income_and_read_the_accounts_as_json_and_pdf()
    {
        using var finance = Finance();

        var created = await finance.PostAsJsonAsync($"{Accounts}/spending", Spending());
        var repeated = await finance.PostAsJsonAsync($"{Accounts}/spending", Spending());
        var charging = await finance.PostAsJsonAsync($"{Accounts}/income", new { category = "charging", amount = 45.60m, reference = "CD-10", description = "充电桩电费收入" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var correction = await finance.PostAsJsonAsync($"{Accounts}/spending", Spending(amount: -120.50m, reference: "WX-10-1-更正", corrects: id));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.True((await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, charging.StatusCode);
        Assert.Equal(HttpStatusCode.Created, correction.StatusCode);
        Assert.Equal(3, await Db.CountAsync("select count(*) from community_account_entry"));

        var json = await finance.GetFromJsonAsync<JsonElement>(Accounts);
        var income = json.GetProperty("incomeBySource").EnumerateArray().ToDictionary(i => i.GetProperty("source").GetString()!, i => i.GetProperty("amount").GetDecimal());
        var districtShare = await Db.CountAsync("select (sum(district_amount) * 100)::bigint from district_invoice_line where community_code = 'HZ-FXY' and period = '2026-10-01'") / 100m;
        Assert.Equal(["resident-fees", "resident-parking", "district-subsidy", "parking-leases", "charging", "other"], income.Keys);
        // No evaluation score yet: the subsidy is 待考核 and nothing is counted until the community is scored.
        Assert.True(districtShare > 0m);
        Assert.Equal(0.00m, income["district-subsidy"]);
        Assert.Equal(45.60m, income["charging"]);
        Assert.Equal(income.Values.Sum(), json.GetProperty("totalIncome").GetDecimal());
        Assert.Equal(379.50m, json.GetProperty("totalSpending").GetDecimal());
        Assert.Equal(income.Values.Sum() - 379.50m, json.GetProperty("balance").GetDecimal());

        var pdf = await finance.GetAsync($"{Accounts}.pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = PdfReadBack.TextOf(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("丰鑫园小区收支明白账", text, StringComparison.Ordinal);
        Assert.Contains("379.50", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spending", "{\"category\":\"parties\",\"amount\":1,\"reference\":\"R\",\"description\":\"x\"}", "category")]
    [InlineData("income", "{\"category\":\"repairs\",\"amount\":1,\"reference\":\"R\",\"description\":\"x\"}", "category")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":1.001,\"reference\":\"R\",\"description\":\"x\"}", "amount")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":-5,\"reference\":\"R\",\"description\":\"x\"}", "amount")]
    [InlineData("spending", "{\"category\":\"repairs\",\"reference\":\"R\",\"description\":\"x\"}", "amount")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":1,\"reference\":\" \",\"description\":\"x\"}", "reference")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":1,\"reference\":\"R\"}", "description")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":1,\"reference\":\"R\",\"description\":\"x\",\"enteredOn\":\"31.10.2026\"}", "enteredOn")]
    [InlineData("spending", "{\"category\":\"repairs\",\"amount\":-1,\"reference\":\"R\",\"description\":\"x\",\"corrects\":424242}", "corrects")]
    public async Task A_bad_entry_gets_a_problem_naming_the_field_and_nothing_is_stored(string direction, string body, string field)
    {
        using var finance = Finance();

        var response = await finance.PostAsync($"{Accounts}/{direction}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from community_account_entry"));
    }

    [Fact]
    public async Task The_same_voucher_with_other_details_is_a_conflict()
    {
        using var finance = Finance();
        await finance.PostAsJsonAsync($"{Accounts}/spending", Spending());

        var response = await finance.PostAsJsonAsync($"{Accounts}/spending", Spending(amount: 600.00m));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("reference", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Another_operator_residents_and_district_finance_neither_see_nor_enter_the_accounts()
    {
        using var other = Finance("OTHER-OP");
        using var resident = Resident("HZ-FXY-01-1-101");
        using var district = District();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(Accounts)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{Accounts}.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"{Accounts}/spending", Spending())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync(Accounts)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsJsonAsync($"{Accounts}/income", Spending("charging"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync($"{Accounts}.pdf")).StatusCode);
        Assert.Equal(0, await Db.CountAsync("select count(*) from community_account_entry"));
    }

    [Theory]
    [InlineData("/api/communities/HZ-FXY/accounts/2026-13", "period")]
    [InlineData("/api/communities/NO-SUCH/accounts/2026-10", "community")]
    public async Task Bad_or_unknown_months_and_communities_get_a_problem_document(string url, string field)
    {
        using var finance = Finance();

        var response = await finance.GetAsync(url);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
