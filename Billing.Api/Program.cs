using Hangfire;
using RedProperty.Billing.Api;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);
// A project-local PostgreSQL cluster is for development; a deployed Api never starts one on its own.
if (!builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Billing")))
{
    throw new InvalidOperationException(
        "ConnectionStrings:Billing (environment variable ConnectionStrings__Billing) must be set: outside Development the Api does not start a local PostgreSQL cluster.");
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddProblemDetails();

// Binding failures throw (in every environment), so the error handler can name the field in a problem document.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddBillingRateLimits(builder.Configuration);
builder.Services.AddBillingApiDescription();
builder.Services.AddBilling(builder.Configuration);
builder.Services.AddBillingAccess(builder.Configuration);
builder.Services.AddBillingWebPages();
builder.Services.AddPaymentChannels(builder.Configuration);
builder.Services.AddResidentAccess(builder.Configuration);
builder.Services.AddBillingConsole();
builder.Services.AddDistrictDeskPages();

var app = builder.Build();
app.UseBillingErrors();
app.UseSafeResponseHeaders();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseDatabaseOutageAnswer();
app.UseRateLimiter();
app.UseAuthorization();

// Fail fast: a broken rate file or an unreachable database stops start-up, not the first request.
app.Services.GetRequiredService<RedProperty.Billing.Core.Rates.RateCatalog>();
app.Services.GetRequiredService<RedProperty.Billing.Core.Subsidies.SubsidyCatalog>();
app.Services.GetRequiredService<RedProperty.Billing.Core.Points.PointsCatalogues>();
app.Services.GetRequiredService<BillingDatabase>();

app.MapOpenApi();
app.UseSwaggerUI(options => options.SwaggerEndpoint("/openapi/v1.json", "RedProperty.Billing"));

// One route group per audience, each with its tag and policy; the endpoint files map onto them (see ApiAudiences).
var audiences = ApiAudiences.Map(app);
audiences.MapHealthApi();
audiences.MapRegisterApi();
audiences.MapDistrictFinanceApi();
audiences.MapDistrictDeskApi();
audiences.MapPaymentsApi();
audiences.MapPointsApi();
audiences.MapReadApi();
audiences.MapParkingApi();
audiences.MapParkingInvoicesApi();
audiences.MapResidentStatementsApi();
audiences.MapRunsApi();
audiences.MapAccountsApi();
audiences.MapAdjustmentsApi();
audiences.MapTokensApi();
audiences.MapOnlinePaymentsApi();
audiences.MapChannelStatementsApi();

// The residents' web pages and the console are pages, not Api operations: they are not described.
app.MapResidentFiles();
app.MapBillingWebPages();

// The dashboard shows every job and its arguments, so only finance staff see it (a finance token, or an
// administrator signed in to the console), and nobody can act from it.
RunsDashboardPage.Register();
app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], IsReadOnlyFunc = _ => true })
    .RequireAuthorization(ConsoleAccess.DashboardPolicy);
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
