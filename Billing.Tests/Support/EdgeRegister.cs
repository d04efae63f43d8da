using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// Small registers written as the CSV files finance staff import, pushed through the real pipeline:
/// parse → import into PostgreSQL → draft, approve and issue a month → lines and PDFs read back.
/// </summary>
public static class EdgeRegister
{
    public const string Operator = "EDGE";

    public static readonly LocalDate Today = new(2026, 11, 23);

    /// <summary>One community row per (code, rate book, district).</summary>
    public static string Communities(params (string Code, string RateBook, string District)[] communities) =>
        "community_code,community_name,operator_code,operator_name,city,district,rate_book,service_level,billing_start\n"
        + string.Concat(communities.Select(c => $"{c.Code},测试小区{c.Code},{Operator},测试物业,测试市,{c.District},{c.RateBook},2星,2022-01-01\n"));

    /// <summary>Households of 100.00 m² unless given, one per code.</summary>
    public static string Households(params (string Code, string Community, decimal Area)[] households) =>
        "household_code,community_code,building,unit,room,building_area_m2,owner_name\n"
        + string.Concat(households.Select((h, i) => FormattableString.Invariant($"{h.Code},{h.Community},1,1,{101 + i},{h.Area:0.00},王芳\n")));

    public static RegisterImport Import(string communities, string households, string? occupancy = null) =>
        RegisterImport.Empty with
        {
            Communities = RegisterCsv.ReadCommunities("communities.csv", new StringReader(communities)),
            Households = RegisterCsv.ReadHouseholds("households.csv", new StringReader(households)),
            Occupancy = occupancy is null ? [] : RegisterCsv.ReadOccupancy("occupancy.csv", new StringReader("household_code,status,effective_from\n" + occupancy)),
        };

    public static async Task ImportAsync(TestDatabase db, RegisterImport import, RateCatalog rates) =>
        await new RegisterStore(db.DataSource).ImportAsync(import, Today, rates);

    /// <summary>Drafts, approves and issues <paramref name="period"/> for every community of the operator, through the run's own jobs.</summary>
    public static async Task<RunView> IssueAsync(TestDatabase db, RateCatalog rates, SubsidyCatalog? subsidies, string period, IClock? clock = null)
    {
        await using var services = BillingHangfire.JobServices(db.DataSource, rates, subsidies, clock: clock);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, period, null, Operator);
        return await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);
    }

    public static SubsidyPolicyVersion Policy(
        string policy, string from, decimal ratePerSquareMetre, decimal? householdCap = null, decimal? communityCap = null,
        string district = "测试区", string? community = null, FenRounding? rounding = null) =>
        new(policy, policy, district, community is null ? null : new HashSet<string> { community }, null,
            LocalDate.FromDateTime(DateTime.Parse(from, System.Globalization.CultureInfo.InvariantCulture)), null,
            SubsidyBasis.PerArea, ratePerSquareMetre,
            householdCap is { } h ? new Money(h) : null, communityCap is { } c ? new Money(c) : null,
            [new PayoutBand(0m, 1m)], rounding ?? FenRounding.HalfAwayFromZero, "test");

    public static SubsidyCatalog SubsidyCatalogOf(params SubsidyPolicyVersion[] versions) =>
        SubsidyCatalog.Create(versions.Select(v => ($"{v.VersionId}.json", v)));

    /// <summary>The stored lines of a household's statement for a month, in line order.</summary>
    public static async Task<List<StoredLine>> LinesAsync(TestDatabase db, string household, string period)
    {
        await using var cmd = db.DataSource.CreateCommand(
            """
            select l.kind, l.amount, l.formula, l.rate_version, l.quantity, l.rate, l.days, l.denominator, l.share, l.inputs::text
            from statement s join statement_line l on l.statement_id = s.id
            where s.household_code = @h and s.period = @p::date order by l.line_no
            """);
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", period + "-01");
        await using var reader = await cmd.ExecuteReaderAsync();
        var lines = new List<StoredLine>();
        while (await reader.ReadAsync())
        {
            lines.Add(new StoredLine(reader.GetString(0), reader.GetDecimal(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4), reader.IsDBNull(5) ? null : reader.GetDecimal(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetDecimal(8),
                System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9))!));
        }

        return lines;
    }

    public static async Task<T> ScalarAsync<T>(this TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The text of a household's statement PDF for a month, as PdfPig reads it.</summary>
    public static async Task<string> PdfTextAsync(TestDatabase db, string household, string period)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.household_code = @h and s.period = @p::date");
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", period + "-01");
        return PdfReadBack.TextOf((byte[])(await cmd.ExecuteScalarAsync())!);
    }
}

public sealed record StoredLine(
    string Kind, decimal Amount, string Formula, string RateVersion, decimal? Quantity, decimal? Rate, int? Days, int? Denominator, decimal? Share,
    IReadOnlyDictionary<string, string> Inputs);
