using Hangfire;
using RedProperty.Billing.Api;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddBilling(builder.Configuration);
builder.Services.AddBillingAccess(builder.Configuration);

var app = builder.Build();
// A body that cannot be read is the client's mistake (400), whatever the environment; anything else is ours (500).
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

// Fail fast: a broken rate file or an unreachable database stops start-up, not the first request.
app.Services.GetRequiredService<RedProperty.Billing.Core.Rates.RateCatalog>();
app.Services.GetRequiredService<RedProperty.Billing.Core.Subsidies.SubsidyCatalog>();
app.Services.GetRequiredService<RedProperty.Billing.Core.Points.PointsCatalogues>();
app.Services.GetRequiredService<BillingDatabase>();

app.MapOpenApi();
app.UseSwaggerUI(options => options.SwaggerEndpoint("/openapi/v1.json", "RedProperty.Billing"));
app.MapHealthApi();
app.MapRegisterApi();
app.MapDistrictFinanceApi();
app.MapPaymentsApi();
app.MapPointsApi();
app.MapReadApi();
app.MapParkingApi();
app.MapParkingInvoicesApi();
app.MapResidentStatementsApi();
app.MapRunsApi();
app.MapAccountsApi();
app.MapAdjustmentsApi();

// The dashboard shows every job and its arguments, so only finance staff see it, and nobody can act from it.
RunsDashboardPage.Register();
app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], IsReadOnlyFunc = _ => true })
    .RequireAuthorization(Access.FinanceStaff);
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
