using Hangfire;
using NodaTime;
using RedProperty.Billing.Api;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;

var builder = WebApplication.CreateBuilder(args);
var ratesDir = builder.Configuration["BILLING_RATES_DIR"] ?? RepositoryPaths.Rates;
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddSingleton(_ => BillingDatabase.Open(builder.Configuration, "demo", Console.Out));
builder.Services.AddSingleton(sp => sp.GetRequiredService<BillingDatabase>().DataSource);
builder.Services.AddSingleton(_ => RateDirectory.Load(ratesDir));
builder.Services.AddSingleton(_ => RateDirectory.LoadSubsidies(ratesDir));
builder.Services.AddSingleton(_ => RateDirectory.LoadPoints(ratesDir));
builder.Services.AddSingleton(_ => RateDirectory.LoadParking(ratesDir));
builder.Services.AddBillingAccess(builder.Configuration);
builder.Services.AddBillingWebPages();
builder.Services.AddBillingConsole();
builder.Services.AddHangfire((sp, config) => config.UseStorage(BillingHangfire.CreateStorage(sp.GetRequiredService<BillingDatabase>().ConnectionString)));

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
app.MapBillingWebPages();

// The dashboard shows every job and its arguments, so only finance staff see it (a finance token, or an
// administrator signed in to the console), and nobody can act from it.
RunsDashboardPage.Register();
app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], IsReadOnlyFunc = _ => true })
    .RequireAuthorization(ConsoleAccess.DashboardPolicy);
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
