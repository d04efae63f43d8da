using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>A statement issued by a run that draws its PDFs later, as a resident sees it before and after.</summary>
public sealed class LatePdfApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    [Fact]
    public async Task Before_its_PDF_is_drawn_a_statement_shows_its_lines_and_says_the_PDF_is_coming()
    {
        await using var services = BillingHangfire.JobServices(Db.DataSource, SampleRegister.Rates());
        var draft = await RunMonth.DraftAsync(services, Db.DataSource, "2026-10", ["HZ-FXY"], renderPdfs: false);
        await RunMonth.ApproveAndIssueAsync(services, Db.DataSource, draft.Id);
        using var resident = Resident("HZ-FXY-01-1-101");

        var waiting = await resident.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");
        var lines = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/statements/2026-10");
        await RunMonth.Job(services).RenderAsync(draft.Id, "HZ-FXY", CancellationToken.None);
        var drawn = await resident.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");

        Assert.Equal(HttpStatusCode.NotFound, waiting.StatusCode);
        var problem = await waiting.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Statement PDF not drawn yet", problem.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, lines.GetProperty("pdfSha256").ValueKind);
        Assert.Equal(33.51m, lines.GetProperty("total").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, drawn.StatusCode);
        Assert.Equal("application/pdf", drawn.Content.Headers.ContentType?.MediaType);
    }
}
