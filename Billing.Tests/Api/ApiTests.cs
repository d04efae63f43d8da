using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Api;

public sealed class ApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task A_resident_downloads_the_statement_pdf_exactly_as_issued()
    {
        using var client = Finance();

        var response = await client.GetAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), response.Headers.GetValues("X-Content-SHA256").Single());
        using var pdf = PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPage(1).Letters.Select(l => l.Value));
        Assert.Contains("HZ-FXY-01-1-101", text, StringComparison.Ordinal);
        Assert.Contains("33.51", text, StringComparison.Ordinal);

        var again = await client.GetByteArrayAsync("/api/households/HZ-FXY-01-1-101/statements/2026-10.pdf");
        Assert.Equal(bytes, again);
    }

    [Theory]
    [InlineData("/api/households/HZ-FXY-01-1-101/statements/2026-13.pdf", HttpStatusCode.BadRequest, "period")]
    [InlineData("/api/households/HZ-FXY-01-1-101/statements/October.pdf", HttpStatusCode.BadRequest, "period")]
    [InlineData("/api/households/HZ-FXY-99-9-999/statements/2026-10.pdf", HttpStatusCode.NotFound, null)]
    [InlineData("/api/households/HZ-FXY-01-1-101/statements/2026-09.pdf", HttpStatusCode.NotFound, null)]
    public async Task Bad_or_unknown_requests_get_a_problem_document(string url, HttpStatusCode status, string? field)
    {
        using var client = Finance();

        var response = await client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Health_checks_the_database_and_its_migrations()
    {
        using var client = Anonymous();

        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("migrationsApplied").GetInt64() >= 1);
    }
}
