using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>Finance staff: import the register from CSV and preview a month's billing without storing it.</summary>
public static class RegisterApi
{
    private const int MaxUploadBytes = 50 * 1024 * 1024;

    public static IEndpointRouteBuilder MapRegisterApi(this IEndpointRouteBuilder app)
    {
        var register = app.MapGroup("/api/register");
        register.MapPost("/{file}", ImportCsv).Accepts<string>("text/csv");
        app.MapGet("/api/communities/{community}/billing-preview/{period}", Preview);
        return app;
    }

    /// <summary>POST a CSV file as exported from Excel: communities, buildings, households, occupancy or meter-readings.</summary>
    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> ImportCsv(
        string file, HttpRequest request, NpgsqlDataSource db, RateCatalog rates, IClock clock, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxUploadBytes)
        {
            return Problems.Field(StatusCodes.Status413PayloadTooLarge, "File too large", $"At most {MaxUploadBytes / 1024 / 1024} MB per upload.", null);
        }

        var name = file + ".csv";
        using var reader = new StringReader(RegisterCsv.Decode(buffer.ToArray()));
        try
        {
            var import = file switch
            {
                "communities" => RegisterImport.Empty with { Communities = RegisterCsv.ReadCommunities(name, reader) },
                "buildings" => RegisterImport.Empty with { Buildings = RegisterCsv.ReadBuildings(name, reader) },
                "households" => RegisterImport.Empty with { Households = RegisterCsv.ReadHouseholds(name, reader) },
                "occupancy" => RegisterImport.Empty with { Occupancy = RegisterCsv.ReadOccupancy(name, reader) },
                "meter-readings" => RegisterImport.Empty with { MeterReadings = RegisterCsv.ReadMeterReadings("meter_readings.csv", reader) },
                _ => null,
            };
            if (import is null)
            {
                return Problems.Field(StatusCodes.Status404NotFound, "Unknown register file",
                    $"'{file}' is not a register file: use communities, buildings, households, occupancy or meter-readings.", "file");
            }

            var today = clock.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).GetCurrentDate();
            return TypedResults.Ok(await new RegisterStore(db).ImportAsync(import, today, rates, ct));
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
    }

    private static async Task<Results<Ok<PreviewResponse>, ProblemHttpResult>> Preview(
        string community, string period, NpgsqlDataSource db, RateCatalog rates, SubsidyCatalog subsidies, CancellationToken ct)
    {
        if (!CommunityCode.TryParse(community, out var code))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid community code", $"'{community}' is not a community code.", "community");
        }

        YearMonth month;
        try
        {
            month = MonthlyBillingJob.ParsePeriod(period);
        }
        catch (ArgumentException e)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid period", e.Message, "period");
        }

        var bills = await new StoredRegisterBilling(new RegisterStore(db), rates, subsidies, StatementCalendar.Default).BillAsync(month, [code], ct).ToListAsync(ct);
        if (bills.Count == 0)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} in the register.", "community");
        }

        var bill = bills[0];
        return TypedResults.Ok(new PreviewResponse(
            bill.Community.Code.Value,
            bill.Community.Name,
            period,
            bill.NotYetBilled,
            bill.Total.Yuan,
            bill.Statements.Select(s => new PreviewStatement(
                s.Household.Code.Value,
                s.Details.Address,
                s.Total.Yuan,
                s.Lines.Select(l => new PreviewLine(l.Kind, l.Label, l.Formula, l.RateVersion, l.Amount.Yuan)).ToList())).ToList(),
            bill.Problems.Select(p => p.ToString()).ToList()));
    }

    public sealed record PreviewResponse(
        string Community, string Name, string Period, bool NotYetBilled, decimal Total, IReadOnlyList<PreviewStatement> Statements, IReadOnlyList<string> Problems);

    public sealed record PreviewStatement(string Household, string Address, decimal Total, IReadOnlyList<PreviewLine> Lines);

    public sealed record PreviewLine(string Kind, string Label, string Formula, string RateVersion, decimal Amount);
}
