using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// PostgreSQL gone while the Api runs (here: the Api's data source points at a port nobody listens
/// on, after start-up migrated the real database): every endpoint answers 503 with Retry-After.
/// </summary>
public sealed class DatabaseOutageTests : ApiHost
{
    protected override void Configure(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services =>
            services.AddSingleton(BillingDatabase.CreateDataSource("Host=127.0.0.1;Port=1;Database=billing;Username=postgres;Timeout=3")));

    [Theory]
    [InlineData("GET", "/api/communities")]
    [InlineData("POST", "/api/payments")]
    [InlineData("POST", "/api/runs")]
    [InlineData("GET", "/health")]
    public async Task Endpoints_answer_503_with_retry_after_not_500(string method, string url)
    {
        using var client = Finance();
        var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "GET" ? null : JsonContent.Create(new { household = "HZ-FXY-01-1-101", channel = "cash", reference = "1", amount = 1.00m, paidOn = "2026-11-01", period = "2026-10" }),
        };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
