using NodaTime;
using RedProperty.Billing.Api;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Rates;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddSingleton(_ => BillingDatabase.Open(builder.Configuration, "demo", Console.Out));
builder.Services.AddSingleton(sp => sp.GetRequiredService<BillingDatabase>().DataSource);
builder.Services.AddSingleton(_ => RateDirectory.Load(builder.Configuration["BILLING_RATES_DIR"] ?? RepositoryPaths.Rates));
builder.Services.AddSingleton(_ => RateDirectory.LoadSubsidies(builder.Configuration["BILLING_RATES_DIR"] ?? RepositoryPaths.Rates));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Fail fast: a broken rate file or an unreachable database stops start-up, not the first request.
app.Services.GetRequiredService<RedProperty.Billing.Core.Rates.RateCatalog>();
app.Services.GetRequiredService<RedProperty.Billing.Core.Subsidies.SubsidyCatalog>();
app.Services.GetRequiredService<BillingDatabase>();

app.MapHealthApi();
app.MapRegisterApi();
app.MapDistrictFinanceApi();
app.MapResidentStatementsApi();
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
