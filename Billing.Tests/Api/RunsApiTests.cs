using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

[Collection(HangfireServerCollection.Name)]
public sealed class RunsApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    [Fact]
    public async Task Finance_staff_dry_run_start_follow_approve_and_see_a_run_issued_with_its_progress_on_the_dashboard()
    {
        using var finance = Finance();
        var dryRun = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-10", dryRun = true });
        var dry = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        Assert.False(dry.GetProperty("stored").GetBoolean());
        Assert.Equal(4, dry.GetProperty("communities").GetArrayLength());
        Assert.Equal(0, await Db.CountAsync("select count(*) from billing_run"));

        // The Api only queues; a worker (here in the test process) does the work, with the Api's rules.
        var storage = BillingHangfire.CreateStorage(Db.ConnectionString);
        await using var services = SampleRegister.JobServicesWithRepositoryRules(Db, storage);
        using var server = BillingHangfire.StartServer(storage, services, "api-test-worker");

        var started = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-10" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.ToString();
        var draft = await PollAsync(finance, location, "draft");

        Assert.Equal(304, draft.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(0, await Db.CountAsync("select count(*) from statement"));
        // The dry run and the draft compute the same month the same way.
        Assert.Equal(
            dry.GetProperty("communities").EnumerateArray().Sum(c => c.GetProperty("total").GetDecimal()),
            draft.GetProperty("total").GetDecimal());
        var fxy = draft.GetProperty("communities").EnumerateArray().Single(c => c.GetProperty("community").GetString() == "HZ-FXY");
        Assert.Contains(fxy.GetProperty("totals").EnumerateArray(), t => t.GetProperty("kind").GetString() == "subsidy" && t.GetProperty("amount").GetDecimal() < 0);

        var approved = await finance.PostAsync(location + "/approve", null);
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        var issued = await PollAsync(finance, location, "issued");
        var again = await finance.PostAsync(location + "/approve", null);
        var dashboard = await finance.GetStringAsync("/hangfire/billing-runs");

        Assert.Equal((304, 304), (issued.GetProperty("progress").GetProperty("done").GetInt32(), issued.GetProperty("progress").GetProperty("total").GetInt32()));
        Assert.Equal(304, issued.GetProperty("progress").GetProperty("pdfs").GetInt32());
        Assert.All(issued.GetProperty("communities").EnumerateArray(), c => Assert.True(c.GetProperty("timings").GetProperty("renderMs").GetInt32() >= 0));
        Assert.Equal("test:TCJY", issued.GetProperty("approvedBy").GetString());
        Assert.Equal(304, await Db.CountAsync("select count(*) from statement"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("status", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Contains("Billing runs", dashboard, StringComparison.Ordinal);
        Assert.Contains("304/304 households · 304 PDFs", dashboard, StringComparison.Ordinal);
        Assert.Contains("HZ-FXY", dashboard, StringComparison.Ordinal);

        var list = await finance.GetFromJsonAsync<JsonElement>("/api/runs?page=1&pageSize=10");
        Assert.Equal(1, list.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Runs_are_the_operators_own_and_bad_requests_name_the_field()
    {
        await new BillingRuns(Db.DataSource).CreateAsync(new RunRequest(new NodaTime.YearMonth(2026, 10), SampleOperator, ["HZ-FXY"], "clerk", RunTrigger.Api));
        using var finance = Finance();
        using var otherOperator = Finance("OTHER");
        using var resident = Resident("HZ-FXY-01-1-101");

        var badPeriod = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-13" });
        var badCode = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-10", communities = new[] { "not a code!" } });
        var notOurs = await otherOperator.PostAsJsonAsync("/api/runs", new { period = "2026-10", communities = new[] { "HZ-FXY" } });

        Assert.Equal("period", await FieldAsync(badPeriod, HttpStatusCode.BadRequest));
        Assert.Equal("communities[0]", await FieldAsync(badCode, HttpStatusCode.BadRequest));
        Assert.Equal("communities", await FieldAsync(notOurs, HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.NotFound, (await otherOperator.GetAsync("/api/runs/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherOperator.PostAsync("/api/runs/1/approve", null)).StatusCode);
        Assert.Equal(0, (await otherOperator.GetFromJsonAsync<JsonElement>("/api/runs")).GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/runs/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.GetAsync("/api/runs/1")).StatusCode);
        Assert.Equal("status", await FieldAsync(await finance.PostAsync("/api/runs/1/approve", null), HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsync("/api/runs/1/cancel", null)).StatusCode);
    }

    private static async Task<string?> FieldAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString();
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string location, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>(location);
            if (run.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, run.GetProperty("status").GetString());
                return run;
            }

            await Task.Delay(200);
        }
    }
}
