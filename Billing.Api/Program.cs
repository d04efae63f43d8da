using RedProperty.Billing.Api;
using RedProperty.Billing.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton(_ => BillingDatabase.Open(builder.Configuration, "demo", Console.Out));
builder.Services.AddSingleton(sp => sp.GetRequiredService<BillingDatabase>().DataSource);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Migrate (and, without a connection string, start the local cluster) before taking requests.
app.Services.GetRequiredService<BillingDatabase>();

app.MapHealthApi();
app.MapResidentStatementsApi();
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
