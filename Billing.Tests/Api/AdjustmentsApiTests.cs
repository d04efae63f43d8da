using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>Corrections through the Api, on October 2026 as issued in the Heze sample.</summary>
public sealed class AdjustmentsApiTests : ApiHost
{
    private const string October = "202610-HZ-FXY-01-1-101";
    private const string Url = $"/api/statements/{October}/adjustments";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    private static HttpRequestMessage Post(object body, string url = Url, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task Finance_staff_record_a_correction_once_per_key_and_the_resident_sees_it_pending()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");

        var created = await finance.SendAsync(Post(new { amount = -10.00m, reason = "10月面积录入有误" }, key: "fix-101-oct"));
        var repeated = await finance.SendAsync(Post(new { amount = -10.00m, reason = "10月面积录入有误" }, key: "fix-101-oct"));
        var conflicting = await finance.SendAsync(Post(new { amount = -12.00m, reason = "10月面积录入有误" }, key: "fix-101-oct"));
        var listed = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/adjustments");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/households/HZ-FXY-01-1-101/adjustments", created.Headers.Location!.ToString());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((October, -10.00m, "test:TCJY"), (body.GetProperty("correctsStatement").GetString(), body.GetProperty("amount").GetDecimal(), body.GetProperty("recordedBy").GetString()));
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(body.GetProperty("id").GetInt64(), (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);
        Assert.Equal(1, await Db.CountAsync("select count(*) from statement_adjustment"));
        Assert.Equal(-10.00m, listed.GetProperty("pending").GetDecimal());
        Assert.Equal(0.00m, listed.GetProperty("applied").GetDecimal());
        Assert.Equal("10月面积录入有误", listed.GetProperty("adjustments")[0].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{\"amount\": 0, \"reason\": \"x\"}", "amount")]
    [InlineData("{\"amount\": -10.001, \"reason\": \"x\"}", "amount")]
    [InlineData("{\"reason\": \"x\"}", "amount")]
    [InlineData("{\"amount\": -10.00}", "reason")]
    [InlineData("{\"amount\": -10.00, \"reason\": \"  \"}", "reason")]
    public async Task A_correction_that_cannot_be_recorded_is_a_400_naming_the_field(string json, string field)
    {
        using var finance = Finance();

        var response = await finance.PostAsync(Url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from statement_adjustment"));
    }

    [Theory]
    [InlineData(-100.01)]
    [InlineData(250.00)]
    public async Task A_correction_above_the_operators_threshold_is_refused_with_the_console_named_and_nothing_is_stored(double yuan)
    {
        using var finance = Finance();

        // TCJY's profile (rates/operators/TCJY.json) sets correctionApprovalAbove to 100.00: one fen over, either way, needs a second person.
        var response = await finance.SendAsync(Post(new { amount = (decimal)yuan, reason = "10月面积录入有误" }));
        var atThreshold = await finance.SendAsync(Post(new { amount = -100.00m, reason = "10月面积录入有误" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("amount", problem.GetProperty("field").GetString());
        Assert.Contains("100.00", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("/console/corrections", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, atThreshold.StatusCode);
        await using var stored = Db.DataSource.CreateCommand("select sum(amount) from statement_adjustment");
        Assert.Equal(-100.00m, (decimal)(await stored.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Another_operators_staff_get_404_and_a_resident_403_and_nothing_is_stored()
    {
        using var other = Finance("OTHER-OP");
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");
        var correction = new { amount = -10.00m, reason = "10月面积录入有误" };

        var foreign = await other.SendAsync(Post(correction));
        var unknown = await finance.SendAsync(Post(correction, "/api/statements/209901-HZ-FXY-01-1-101/adjustments"));
        var byResident = await resident.SendAsync(Post(correction));
        var foreignList = await other.GetAsync("/api/households/HZ-FXY-01-1-101/adjustments");
        var neighbourList = await resident.GetAsync("/api/households/HZ-FXY-01-1-102/adjustments");

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byResident.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignList.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, neighbourList.StatusCode);
        Assert.Equal(0, await Db.CountAsync("select count(*) from statement_adjustment"));
    }
}
