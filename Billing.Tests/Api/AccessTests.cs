using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NodaTime;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>Each role sees only what is theirs: residents their household, district finance their district, finance staff their operator.</summary>
public sealed class AccessTests : ApiHost
{
    private static readonly string Kaifa = Uri.EscapeDataString(SampleDistrict);

    public static readonly TheoryData<string, string> ProtectedEndpoints = new()
    {
        { "GET", "/api/payments/1/reversal.pdf" },
        { "GET", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/subsidy-lines/2026-10" },
        { "GET", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/claims/2026-10" },
        { "GET", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/signoff/2026-10" },
        { "POST", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/signoff/2026-10" },
        { "GET", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/reconciliation/2026-10.xlsx" },
        { "GET", "/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/reconciliation/2026-10/signed.pdf" },
        { "GET", "/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf" },
        { "GET", "/api/communities/HZ-FXY/billing-preview/2026-10" },
        { "POST", "/api/register/households" },
        { "PUT", "/api/communities/HZ-FXY/scores/2026-10" },
        { "POST", "/api/scores" },
        { "GET", $"/api/districts/{Kaifa}/reconciliation/2026-10" },
        { "GET", $"/api/districts/{Kaifa}/reconciliation/2026-10.csv" },
        { "GET", $"/api/districts/{Kaifa}/reconciliation/2026-10.pdf" },
        { "POST", "/api/communities/HZ-FXY/claims/2026-10" },
        { "POST", "/api/communities/HZ-FXY/claims/2026-10/corrections" },
        { "GET", "/hangfire" },
        { "POST", "/api/payments" },
        { "GET", "/api/households/HZ-FXY-01-1-101/ledger" },
        { "GET", "/api/communities/HZ-FXY/arrears" },
        { "GET", "/api/operators/TCJY/collection-rate/2026-10" },
        { "GET", "/api/households/HZ-FXY-01-1-101/points" },
        { "POST", "/api/runs" },
        { "GET", "/api/runs" },
        { "GET", "/api/runs/1" },
        { "POST", "/api/runs/1/approve" },
        { "POST", "/api/runs/1/cancel" },
        { "POST", "/api/runs/1/retry" },
        { "GET", "/hangfire/billing-runs" },
        { "POST", "/api/communities/HZ-FXY/parking/invoices/2026-10" },
        { "GET", "/api/communities/HZ-FXY/parking/invoices/2026-10" },
        { "GET", "/api/communities/HZ-FXY/parking/invoices/2026-10/1" },
        { "GET", "/api/communities/HZ-FXY/parking/invoices/2026-10/1.pdf" },
        { "POST", "/api/communities/HZ-FXY/parking/invoices/2026-10/1/payments" },
        { "POST", "/api/parking/payments/1/reversal" },
        { "GET", "/api/communities/HZ-FXY/parking/pool/2026-10" },
        { "GET", "/api/communities/HZ-FXY/accounts/2026-10" },
        { "GET", "/api/communities/HZ-FXY/accounts/2026-10.pdf" },
        { "POST", "/api/communities/HZ-FXY/accounts/2026-10/income" },
        { "POST", "/api/communities/HZ-FXY/accounts/2026-10/spending" },
        { "POST", "/api/statements/202610-HZ-FXY-01-1-101/adjustments" },
        { "GET", "/api/households/HZ-FXY-01-1-101/adjustments" },
    };

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    private static HttpRequestMessage Request(string method, string url) =>
        new(new HttpMethod(method), url) { Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json") };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Without_a_token_every_endpoint_answers_401(string method, string url)
    {
        using var client = Anonymous();

        var response = await client.SendAsync(Request(method, url));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_or_expired_is_refused()
    {
        using var forged = As(AccessRole.FinanceStaff, SampleOperator, key: "another-signing-key-that-is-long-enough-000000");
        using var expired = As(AccessRole.FinanceStaff, SampleOperator, lifetime: Duration.FromMinutes(5), issued: SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(2));

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/communities/HZ-FXY/billing-preview/2026-10")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/communities/HZ-FXY/billing-preview/2026-10")).StatusCode);
    }

    [Fact]
    public async Task A_resident_gets_their_own_statement_and_never_a_neighbours()
    {
        using var resident = Resident("HZ-FXY-01-1-101");

        var own = await resident.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");
        var neighbour = await resident.GetAsync("/api/households/HZ-FXY-01-1-102/statements/2026-10.pdf");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, neighbour.StatusCode);
        Assert.NotEqual("application/pdf", neighbour.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/api/communities/HZ-FXY/billing-preview/2026-10")]
    [InlineData("POST", "/api/register/households")]
    [InlineData("POST", "/api/communities/HZ-FXY/claims/2026-10")]
    public async Task A_resident_cannot_use_finance_endpoints(string method, string url)
    {
        using var resident = Resident("HZ-FXY-01-1-101");

        Assert.Equal(HttpStatusCode.Forbidden, (await resident.SendAsync(Request(method, url))).StatusCode);
    }

    [Fact]
    public async Task District_finance_sees_its_own_district_only_and_cannot_change_anything()
    {
        using var kaifa = District();
        using var other = District("牡丹区");

        var own = await kaifa.GetAsync($"/api/districts/{Kaifa}/reconciliation/2026-10");
        var foreign = await other.GetAsync($"/api/districts/{Kaifa}/reconciliation/2026-10");
        var foreignPdf = await other.GetAsync($"/api/districts/{Kaifa}/reconciliation/2026-10.pdf");
        var submit = await kaifa.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null);
        var score = await kaifa.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score = 100 });
        var statement = await kaifa.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(4, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("communities").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignPdf.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, score.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, statement.StatusCode);
        Assert.Equal(0, await Db.CountAsync("select count(*) from subsidy_claim"));
    }

    [Fact]
    public async Task Finance_staff_of_another_operator_see_and_change_nothing_of_this_one()
    {
        using var other = Finance("OTHER-OP");
        var households = "household_code,community_code,building,unit,room,building_area_m2,owner_name\nHZ-FXY-01-1-101,HZ-FXY,1,1,101,10.00,冒名\n";

        var preview = await other.GetAsync("/api/communities/HZ-FXY/billing-preview/2026-10");
        var statement = await other.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");
        var import = await other.PostAsync("/api/register/households", new StringContent(households, Encoding.UTF8, "text/csv"));
        var reconciliation = await other.GetAsync($"/api/districts/{Kaifa}/reconciliation/2026-10");

        Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, statement.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reconciliation.StatusCode);
        Assert.Equal(1, await Db.CountAsync("select count(*) from household_version where household_code = 'HZ-FXY-01-1-101'"));
    }

    [Fact]
    public async Task The_Hangfire_dashboard_is_for_finance_staff_only()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");

        Assert.Equal(HttpStatusCode.OK, (await finance.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_and_its_page_are_served()
    {
        using var client = Anonymous();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var page = await client.GetAsync("/swagger/index.html");

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/districts/{district}/reconciliation/{period}", out _));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    public static readonly TheoryData<string, string> WriteEndpoints = new()
    {
        { "PUT", "/api/communities/HZ-FXY/scores/2026-10" },
        { "POST", "/api/scores" },
        { "POST", "/api/register/communities" },
        { "POST", "/api/register/buildings" },
        { "POST", "/api/register/households" },
        { "POST", "/api/register/occupancy" },
        { "POST", "/api/register/meter-readings" },
        { "POST", "/api/communities/HZ-FXY/claims/2026-10" },
        { "POST", "/api/communities/HZ-FXY/claims/2026-09/corrections" },
        { "POST", "/api/payments" },
        { "POST", "/api/payments/import" },
        { "POST", "/api/payments/1/reversal" },
        { "POST", "/api/households/HZ-FXY-01-1-101/points/earnings" },
        { "POST", "/api/households/HZ-FXY-01-1-101/points/redemptions" },
        { "POST", "/api/vouchers/V00000001-1/use" },
        { "POST", "/api/communities/HZ-FXY/parking/spaces" },
        { "POST", "/api/communities/HZ-FXY/parking/spaces/A-001/permits" },
        { "POST", "/api/communities/HZ-FXY/parking/spaces/A-001/releases" },
        { "POST", "/api/communities/HZ-FXY/parking/spaces/A-001/leases" },
        { "POST", "/api/businesses" },
        { "POST", "/api/runs" },
        { "POST", "/api/runs/1/approve" },
        { "POST", "/api/runs/1/cancel" },
        { "POST", "/api/runs/1/retry" },
        { "POST", "/api/communities/HZ-FXY/parking/invoices/2026-10" },
        { "POST", "/api/communities/HZ-FXY/parking/invoices/2026-10/1/payments" },
        { "POST", "/api/parking/payments/1/reversal" },
        { "POST", "/api/communities/HZ-FXY/accounts/2026-10/income" },
        { "POST", "/api/communities/HZ-FXY/accounts/2026-10/spending" },
        { "POST", "/api/statements/202610-HZ-FXY-01-1-101/adjustments" },
    };

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Malformed_and_random_bodies_never_cause_a_server_error(string method, string url)
    {
        using var client = Finance();
        var random = new Random(url.Length * 7919);
        var bodies = new List<(string Text, string Type)>
        {
            ("", "application/json"), ("{", "application/json"), ("null", "application/json"), ("[]", "application/json"),
            ("{\"score\": \"ninety\"}", "application/json"), ("{\"score\": 1e400}", "application/json"), ("{\"score\": -0.0000001}", "application/json"),
            ("{\"inPeriod\": 12, \"amount\": true, \"reason\": []}", "application/json"),
            ("{\"inPeriod\": \"2026-11\", \"amount\": 79228162514264337593543950335, \"reason\": \"x\"}", "application/json"),
            ("\"\\u0000\\uD800\"", "application/json"), ("a,b,c\n\"unterminated", "text/csv"), ("\uFEFF\n\n\n", "text/csv"),
            ("household_code,status,effective_from\nX,occupied,0001-01-01\n", "text/csv"),
        };
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            bodies.Add((Encoding.Latin1.GetString(bytes), i % 2 == 0 ? "application/json" : "text/csv"));
        }

        foreach (var (text, type) in bodies)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(text, Encoding.UTF8, type) };
            var response = await client.SendAsync(request);

            Assert.True((int)response.StatusCode < 500, $"{method} {url} answered {(int)response.StatusCode} to {JsonSerializer.Serialize(text)}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
