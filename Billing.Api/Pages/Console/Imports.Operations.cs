using Dapper;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// Scores, shared parking and volunteer points. Each file goes through the importer the command
/// line uses (one transaction, every bad row reported with its column, nothing stored on any
/// error); before it, rows naming another operator's community, household or business are refused,
/// so a clerk changes only their own operator's data.
/// </summary>
public sealed partial class ImportsModel
{
    private async Task<string> ScoresAsync(string name, string text, CancellationToken ct)
    {
        var rows = RegisterCsv.ReadScores(name, new StringReader(text));
        await RefuseForeignAsync([], rows.Select(r => (r.Value.Community, r.Source, r.Row)), [], [], ct);
        var recorded = await new SubsidyStore(db, subsidies).RecordScoresAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), ct);
        return $"考核得分 {rows.Count} 行，{recorded} 条新增或变更";
    }

    private async Task<string> ParkingAsync(string name, string text, CancellationToken ct)
    {
        // A first reading finds whose rows they are; the importer reads the file again and reports its bad rows with the rule-breaking ones.
        var scratch = new List<InputError>();
        var communities = new List<(string, string, int)>();
        var households = new List<(string, string, int)>();
        var businesses = new List<(string, string, int)>();
        switch (Kind)
        {
            case "parking-spaces":
                communities.AddRange(RegisterCsv.StreamParkingSpaces(name, new StringReader(text), scratch).Select(r => (r.Value.Community.Value, r.Source, r.Row)));
                break;
            case "businesses":
                businesses.AddRange(RegisterCsv.StreamBusinesses(name, new StringReader(text), scratch).Select(r => (r.Value.Code.Value, r.Source, r.Row)));
                break;
            case "parking-permits":
                foreach (var r in RegisterCsv.StreamParkingPermits(name, new StringReader(text), scratch))
                {
                    communities.Add((r.Value.Community.Value, r.Source, r.Row));
                    households.Add((r.Value.Household.Value, r.Source, r.Row));
                }

                break;
            case "parking-releases":
                communities.AddRange(RegisterCsv.StreamParkingReleases(name, new StringReader(text), scratch).Select(r => (r.Value.Community.Value, r.Source, r.Row)));
                break;
            case "parking-leases":
                communities.AddRange(RegisterCsv.StreamParkingLeases(name, new StringReader(text), scratch).Select(r => (r.Value.Community.Value, r.Source, r.Row)));
                break;
        }

        await RefuseForeignAsync(scratch, communities, households, businesses, ct);
        Func<List<InputError>, IEnumerable<Sourced<T>>> Of<T>(string kind, Func<string, TextReader, List<InputError>, IEnumerable<Sourced<T>>> read) =>
            errors => Kind == kind ? read(name, new StringReader(text), errors) : [];
        var source = new ParkingSource(
            Of("parking-spaces", RegisterCsv.StreamParkingSpaces),
            Of("businesses", RegisterCsv.StreamBusinesses),
            Of("parking-permits", RegisterCsv.StreamParkingPermits),
            Of("parking-releases", RegisterCsv.StreamParkingReleases),
            Of("parking-leases", RegisterCsv.StreamParkingLeases));
        var result = await new ParkingImport(db, parking).ImportAsync(source, ct);
        var rows = result.Spaces.Rows + result.Businesses.Rows + result.Permits.Rows + result.Releases.Rows + result.Leases.Rows;
        return $"读入 {rows} 行，{result.Changed} 条新增或变更";
    }

    private async Task<string> PointsAsync(string name, string text, CancellationToken ct)
    {
        var scratch = new List<InputError>();
        var households = Kind == "points-earned"
            ? RegisterCsv.StreamPointsEarned(name, new StringReader(text), scratch).Select(r => (r.Value.Household.Value, r.Source, r.Row)).ToList()
            : RegisterCsv.StreamPointsRedeemed(name, new StringReader(text), scratch).Select(r => (r.Value.Household.Value, r.Source, r.Row)).ToList();
        await RefuseForeignAsync(scratch, [], households, [], ct);
        var source = Kind == "points-earned"
            ? new PointsSource(errors => RegisterCsv.StreamPointsEarned(name, new StringReader(text), errors), _ => [])
            : new PointsSource(_ => [], errors => RegisterCsv.StreamPointsRedeemed(name, new StringReader(text), errors));
        var result = await new PointsImport(db, points).ImportAsync(source, ct);
        return $"读入 {result.Earned.Rows + result.Redeemed.Rows} 行，{result.Changed} 条新增";
    }

    /// <summary>
    /// Refuses the file when a row names another operator's community, household or business (one
    /// unknown to the register is left to the importer, which says so), listing those rows with the
    /// file's other bad rows.
    /// </summary>
    private async Task RefuseForeignAsync(
        List<InputError> unreadable, IEnumerable<(string Community, string Source, int Row)> communities, IEnumerable<(string Household, string Source, int Row)> households,
        IEnumerable<(string CreditCode, string Source, int Row)> businesses, CancellationToken ct)
    {
        var (c, h, b) = (communities.ToList(), households.ToList(), businesses.ToList());
        await using var connection = await db.OpenConnectionAsync(ct);
        var communityOwners = (await connection.QueryAsync<Owner>(new CommandDefinition(
            "select code as Code, operator_code as OperatorCode from community where code = any(@codes)", new { codes = c.Select(x => x.Community).Distinct().ToArray() }, cancellationToken: ct)))
            .ToDictionary(o => o.Code, o => o.OperatorCode);
        var householdOwners = (await connection.QueryAsync<Owner>(new CommandDefinition(
            "select h.code as Code, c.operator_code as OperatorCode from household h join community c on c.code = h.community_code where h.code = any(@codes)",
            new { codes = h.Select(x => x.Household).Distinct().ToArray() }, cancellationToken: ct)))
            .ToDictionary(o => o.Code, o => o.OperatorCode);
        var otherBusinesses = (await connection.QueryAsync<string>(new CommandDefinition(
            "select distinct credit_code from business where credit_code = any(@codes) and operator_code is not null and operator_code <> @me",
            new { codes = b.Select(x => x.CreditCode).Distinct().ToArray(), me = Operator }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        var foreign = c.Where(x => communityOwners.TryGetValue(x.Community, out var o) && o != Operator)
            .Select(x => new InputError(x.Source, x.Row, "community_code", "access.scope", $"小区 {x.Community} 不属于本公司"))
            .Concat(h.Where(x => householdOwners.TryGetValue(x.Household, out var o) && o != Operator)
                .Select(x => new InputError(x.Source, x.Row, "household_code", "access.scope", $"住户 {x.Household} 不属于本公司")))
            .Concat(b.Where(x => otherBusinesses.Contains(x.CreditCode))
                .Select(x => new InputError(x.Source, x.Row, "credit_code", "access.scope", $"统一社会信用代码 {x.CreditCode} 已由另一家物业公司登记")))
            .ToList();
        if (foreign.Count > 0)
        {
            throw new InputRejectedException([.. foreign.Concat(unreadable).OrderBy(e => e.Row ?? 0)]);
        }
    }

    // Parameter names equal the SQL column aliases: Dapper maps them by name.
    private sealed record Owner(string Code, string OperatorCode);
}
