using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

public sealed class ReadApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task Lists_are_paged()
    {
        using var finance = Finance();

        var first = await finance.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/households?page=1&pageSize=50");
        var last = await finance.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/households?page=3&pageSize=50");
        var beyond = await finance.GetFromJsonAsync<JsonElement>($"/api/communities/HZ-FXY/households?page={int.MaxValue}&pageSize=200");
        var communities = await finance.GetFromJsonAsync<JsonElement>("/api/communities");

        Assert.Equal((50, 144L), (first.GetProperty("items").GetArrayLength(), first.GetProperty("total").GetInt64()));
        Assert.Equal(44, last.GetProperty("items").GetArrayLength());
        Assert.Equal(0, beyond.GetProperty("items").GetArrayLength());
        Assert.Equal(4, communities.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/communities?pageSize=0", "pageSize")]
    [InlineData("/api/communities?pageSize=201", "pageSize")]
    [InlineData("/api/communities?page=0", "page")]
    public async Task A_bad_page_request_names_the_field(string url, string field)
    {
        using var finance = Finance();

        var response = await finance.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_resident_reads_their_statements_as_json_with_every_line_explained()
    {
        using var resident = Resident("HZ-FXY-01-1-101");

        var list = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/statements");
        var statement = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/statements/2026-10");
        var neighbour = await resident.GetAsync("/api/households/HZ-FXY-01-1-102/statements");

        Assert.Equal("2026-10", list.GetProperty("items")[0].GetProperty("period").GetString());
        var lines = statement.GetProperty("lines");
        Assert.Equal("69.81 m² × 0.48 元/m²/月 × 31/31 天", lines[0].GetProperty("formula").GetString());
        Assert.Equal("heze-kaifaqu@2022-01-01", lines[0].GetProperty("rateVersion").GetString());
        Assert.Equal(statement.GetProperty("total").GetDecimal(), lines.EnumerateArray().Sum(l => l.GetProperty("amount").GetDecimal()));
        // The first statement: nothing brought forward, nothing paid before it, so the amount due is the total (26.53 after the subsidy).
        Assert.Equal((0.00m, 0.00m, 26.53m), (
            statement.GetProperty("previousBalance").GetDecimal(), statement.GetProperty("paymentsSince").GetDecimal(), statement.GetProperty("amountDue").GetDecimal()));
        Assert.Equal(HttpStatusCode.NotFound, neighbour.StatusCode);

        // Every stored line, in its order, under the statement's own number and PDF hash, as PostgreSQL holds them.
        await using var stored = Db.DataSource.CreateCommand(
            """
            select s.statement_no, p.pdf_sha256, string_agg(l.line_no || ':' || l.amount, ' ' order by l.line_no)
            from statement s join statement_line l on l.statement_id = s.id left join statement_pdf p on p.statement_id = s.id
            where s.household_code = 'HZ-FXY-01-1-101' and s.period = date '2026-10-01'
            group by s.statement_no, p.pdf_sha256
            """);
        await using var row = await stored.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(
            (row.GetString(0), row.GetString(1), row.GetString(2)),
            (statement.GetProperty("statementNo").GetString(), statement.GetProperty("pdfSha256").GetString(),
                string.Join(' ', lines.EnumerateArray().Select(l => $"{l.GetProperty("lineNo").GetInt32()}:{l.GetProperty("amount").GetDecimal()}"))));
    }

    [Fact]
    public async Task The_rates_in_force_are_published_to_any_signed_in_user()
    {
        using var resident = Resident("HZ-FXY-01-1-101");
        using var anonymous = Anonymous();

        var rates = await resident.GetFromJsonAsync<JsonElement>("/api/rates?on=2026-10-01");

        var heze = rates.GetProperty("rateBooks").EnumerateArray().Single(b => b.GetProperty("version").GetString() == "heze-kaifaqu@2022-01-01");
        Assert.Equal(0.48m, heze.GetProperty("levels")[0].GetProperty("benchmark").GetDecimal());
        Assert.Equal("heze-kaifaqu@2024-01-01", rates.GetProperty("subsidies")[0].GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rates")).StatusCode);
    }
}
