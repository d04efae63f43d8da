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

    public static ApiAudiences MapRegisterApi(this ApiAudiences audiences)
    {
        var register = audiences.FinanceStaff.MapGroup("/api/register");
        register.MapPost("/{file}", ImportCsv);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/billing-preview/{period}", Preview);
        return audiences;
    }

    /// <summary>POST a CSV file as exported from Excel: communities, buildings, households, occupancy or meter-readings.</summary>
    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> ImportCsv(
        string file, HttpRequest request, NpgsqlDataSource db, RateCatalog rates, IClock clock, ScopeDirectory scopes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxUploadBytes)
        {
            return Problems.Field(StatusCodes.Status413PayloadTooLarge, "File too large", $"At most {MaxUploadBytes / 1024 / 1024} MB per upload.", null);
        }

        var name = file + ".csv";
        var csvText = RegisterCsv.Decode(buffer.ToArray());
        if (CsvGuard.Check(name, csvText) is { } csvProblem)
        {
            return csvProblem;
        }

        using var reader = new StringReader(csvText);
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

            var outOfScope = await OutOfScopeAsync(import, request.HttpContext.User.Grant(), scopes, db, ct);
            if (outOfScope.Count > 0)
            {
                return Problems.Forbidden(outOfScope);
            }

            var today = ApiInput.Today(clock);
            return TypedResults.Ok(await new RegisterStore(db).ImportAsync(import, today, rates, ct));
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
    }

    private static async Task<Results<Ok<PreviewResponse>, ProblemHttpResult>> Preview(
        string community, string period, NpgsqlDataSource db, RateCatalog rates, SubsidyCatalog subsidies, Core.Parking.ParkingRateBook parking, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!CommunityCode.TryParse(community, out var code))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid community code", $"'{community}' is not a community code.", "community");
        }


        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");
        }

        var bills = await new StoredRegisterBilling(new RegisterStore(db), rates, subsidies, StatementCalendar.Default, parking).BillAsync(month, [code], ct).ToListAsync(ct);
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

    /// <summary>Rows that touch another operator's communities or households: finance staff manage only their own.</summary>
    internal static async Task<List<InputError>> OutOfScopeAsync(
        RegisterImport import, Infrastructure.Access.AccessGrant grant, ScopeDirectory scopes, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new List<InputError>();
        var mine = await scopes.CommunitiesOfOperatorAsync(grant.Scope, ct);
        InputError Error(string source, int row, string field, string what) =>
            new(source, row, field, "access.scope", $"{what} is not managed by operator {grant.Scope}");
        foreach (var row in import.Communities)
        {
            if (row.Value.OperatorCode != grant.Scope || (!mine.Contains(row.Value.Code.Value) && await scopes.CommunityAsync(row.Value.Code.Value, ct) is not null))
            {
                errors.Add(Error(row.Source, row.Row, "operator_code", $"community {row.Value.Code}"));
            }
        }

        foreach (var (community, source, row) in import.Buildings.Select(b => (b.Value.Community.Value, b.Source, b.Row))
                     .Concat(import.Households.Select(h => (h.Value.Community.Value, h.Source, h.Row))))
        {
            if (!mine.Contains(community) && await scopes.CommunityAsync(community, ct) is not null)
            {
                errors.Add(Error(source, row, "community_code", $"community {community}"));
            }
        }

        foreach (var (household, source, row) in import.Occupancy.Select(o => (o.Value.Household.Value, o.Source, o.Row))
                     .Concat(import.MeterReadings.Select(m => (m.Value.Household.Value, m.Source, m.Row))))
        {
            await using var cmd = db.CreateCommand("select community_code from household where code = @h");
            cmd.Parameters.AddWithValue("h", household);
            if (await cmd.ExecuteScalarAsync(ct) is string community && !mine.Contains(community))
            {
                errors.Add(Error(source, row, "household_code", $"household {household}"));
            }
        }

        return errors;
    }

    public sealed record PreviewResponse(
        string Community, string Name, string Period, bool NotYetBilled, decimal Total, IReadOnlyList<PreviewStatement> Statements, IReadOnlyList<string> Problems);

    public sealed record PreviewStatement(string Household, string Address, decimal Total, IReadOnlyList<PreviewLine> Lines);

    public sealed record PreviewLine(string Kind, string Label, string Formula, string RateVersion, decimal Amount);
}
