using Npgsql;
using NpgsqlTypes;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Infrastructure.Points;

/// <summary>The rows of a points import, read when it runs (streamed from files, or given).</summary>
public sealed record PointsSource(
    Func<List<InputError>, IEnumerable<Sourced<PointsEarnedRow>>> Earned,
    Func<List<InputError>, IEnumerable<Sourced<PointsRedeemedRow>>> Redeemed)
{
    public static PointsSource From(IReadOnlyList<Sourced<PointsEarnedRow>>? earned = null, IReadOnlyList<Sourced<PointsRedeemedRow>>? redeemed = null) =>
        new(_ => earned ?? [], _ => redeemed ?? []);
}

/// <summary>The volunteer points files of a folder: points_earned.csv (services done) and points_redeemed.csv.</summary>
public static class PointsFiles
{
    public const string Earned = "points_earned.csv";
    public const string Redeemed = "points_redeemed.csv";

    /// <summary>The folder's points files, streamed; null when it has neither.</summary>
    public static PointsSource? StreamFolder(string folder)
    {
        string? Path_(string name) => File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name) : null;
        var (earned, redeemed) = (Path_(Earned), Path_(Redeemed));
        return earned is null && redeemed is null
            ? null
            : new PointsSource(
                errors => RegisterFiles.FromFile(earned, RegisterCsv.StreamPointsEarned, errors),
                errors => RegisterFiles.FromFile(redeemed, RegisterCsv.StreamPointsRedeemed, errors));
    }
}

public sealed record PointsImportResult(ImportCount Earned, ImportCount Redeemed)
{
    public int Changed => Earned.Changed + Redeemed.Changed;
}

/// <summary>
/// Imports volunteer services and redemptions from files, with the rules of <see cref="PointsStore"/>:
/// an earning names its service from the operator's catalogue in force that day and who confirmed
/// it; a redemption is refused when the balance cannot cover it or a monthly cap is passed, and every
/// used point is traced to its earning. Every row carries the reference of the record it came from,
/// so a second import recognises what is already recorded (the same reference with other details is
/// refused). One transaction: any bad row is reported with file, row and column, nothing is stored.
/// Earnings (many) are copied and checked a set at a time; redemptions (few) go one by one through
/// the same code as the Api, after all earnings, in file order.
/// </summary>
public sealed class PointsImport(NpgsqlDataSource dataSource, PointsCatalogues catalogues)
{
    public async Task<PointsImportResult> ImportAsync(PointsSource source, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var bulk = new BulkImport(connection, tx, ct);
        await bulk.ExecuteAsync(
            """
            create temp table stage_earned (
                seq bigint, source text, row_no integer, reference text, household_code text, service_code text, service_date date, confirmed_by text) on commit drop;
            create temp table points_service (
                operator_code text, valid_from date, valid_to date, version text, expiry_months integer, service_code text, label text, points integer) on commit drop;
            """);
        foreach (var (op, from, to, version, expiry, service) in Services())
        {
            // A handful of rows: one per operator, catalogue version and service.
            await bulk.ExecuteAsync(
                "insert into points_service values (@op, @from, @to, @version, @expiry, @code, @label, @points)",
                ("op", op), ("from", from), ("to", (object?)to ?? DBNull.Value), ("version", version), ("expiry", (object?)expiry ?? DBNull.Value),
                ("code", (object?)service?.Code ?? DBNull.Value), ("label", (object?)service?.Label ?? DBNull.Value), ("points", (object?)service?.Points ?? DBNull.Value));
        }

        var errors = new List<InputError>();
        var earned = await bulk.CopyAsync(
            "copy stage_earned from stdin (format binary)", source.Earned(errors), r => (r.Source, r.Row),
            async (w, r) =>
            {
                await w.WriteAsync(r.Value.Reference, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Household.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Service, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.On, NpgsqlDbType.Date, ct);
                await w.WriteAsync(r.Value.ConfirmedBy, NpgsqlDbType.Text, ct);
            });
        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        var earnedNew = await EarningsAsync(bulk);
        var (redeemed, redeemedNew) = bulk.Errors.Count > 0 ? (0, 0) : await RedemptionsAsync(bulk, source.Redeemed(errors));
        if (errors.Count > 0 || bulk.Errors.Count > 0)
        {
            throw new InputRejectedException([.. bulk.Errors, .. errors]);
        }

        await tx.CommitAsync(ct);
        return new PointsImportResult(new ImportCount(earned, earnedNew), new ImportCount(redeemed, redeemedNew));
    }

    /// <summary>Each operator's catalogue versions as date ranges, one row per service: the catalogue in force on a day, as <see cref="PointsCatalogues.For"/> finds it.</summary>
    private IEnumerable<(string Operator, NodaTime.LocalDate From, NodaTime.LocalDate? To, string Version, int? ExpiryMonths, VolunteerService? Service)> Services()
    {
        foreach (var op in catalogues.Versions.SelectMany(v => v.Operators).Distinct(StringComparer.Ordinal))
        {
            var versions = catalogues.Versions.Where(v => v.Operators.Contains(op)).OrderBy(v => v.EffectiveFrom).ToList();
            for (var i = 0; i < versions.Count; i++)
            {
                var to = i + 1 < versions.Count ? versions[i + 1].EffectiveFrom : (NodaTime.LocalDate?)null;
                // A catalogue without services still answers "which catalogue is in force".
                foreach (var service in versions[i].Services.Count == 0 ? [null] : versions[i].Services.Cast<VolunteerService?>())
                {
                    yield return (op, versions[i].EffectiveFrom, to, versions[i].VersionId, versions[i].ExpiryMonths, service);
                }
            }
        }
    }

    private static async Task<int> EarningsAsync(BulkImport bulk)
    {
        await bulk.ExecuteAsync(
            """
            create temp table import_earned on commit drop as
            select s.*, h.code is not null as known, c.operator_code,
                   v.version, v.expiry_months, svc.label, svc.points,
                   e.id as recorded_id, e.household_code as recorded_household, e.kind as recorded_kind, e.service_code as recorded_service,
                   e.entry_date as recorded_date, e.confirmed_by as recorded_by
            from stage_earned s
            left join household h on h.code = s.household_code
            left join community c on c.code = h.community_code
            left join (select distinct operator_code, valid_from, valid_to, version, expiry_months from points_service) v
              on v.operator_code = c.operator_code and s.service_date >= v.valid_from and (v.valid_to is null or s.service_date < v.valid_to)
            left join points_service svc on svc.version = v.version and svc.operator_code = v.operator_code and svc.service_code = s.service_code
            left join points_entry e on e.reference = s.reference;
            """);
        var found = new List<(long, InputError)>();
        await bulk.ErrorsAsync(found,
            """
            select seq, source, row_no, 'household_code', 'points.household.unknown', format('household ''%s'' is not in the register', household_code)
            from import_earned where not known
            union all
            select seq, source, row_no, 'service_date', 'points.catalogue.missing',
                format('operator %s has no points catalogue in force on %s', operator_code, to_char(service_date, 'YYYY-MM-DD'))
            from import_earned where known and version is null
            union all
            select seq, source, row_no, 'service_code', 'points.service.unknown', format('''%s'' is not a service in %s', service_code, version)
            from import_earned where version is not null and points is null
            union all
            select seq, source, row_no, 'reference', 'points.reference.conflict',
                format('reference %s is already recorded for %s (%s %s on %s, confirmed by %s); a different record needs its own reference',
                    reference, recorded_household, recorded_kind, coalesce(recorded_service, ''), to_char(recorded_date, 'YYYY-MM-DD'), coalesce(recorded_by, ''))
            from import_earned
            where recorded_id is not null
              and (recorded_household, recorded_kind, recorded_service, recorded_date, recorded_by)
                  is distinct from (household_code, 'earn', service_code, service_date, confirmed_by)
            """);
        bulk.AddInRowOrder(found);
        if (bulk.Errors.Count > 0)
        {
            return 0;
        }

        await bulk.ExecuteAsync(
            """
            insert into points_entry (household_code, kind, points, entry_date, catalogue, service_code, confirmed_by, expires_on, note, reference)
            select household_code, 'earn', points, service_date, version, service_code, confirmed_by,
                   case when expiry_months is null then null else (service_date + make_interval(months => expiry_months))::date end, label, reference
            from import_earned where recorded_id is null order by seq;
            insert into points_account (household_code, balance)
            select household_code, sum(points) from import_earned where recorded_id is null group by household_code
            on conflict (household_code) do update set balance = points_account.balance + excluded.balance;
            """);
        return await bulk.ScalarAsync<int>("select count(*)::integer from import_earned where recorded_id is null");
    }

    private async Task<(int Rows, int Changed)> RedemptionsAsync(BulkImport bulk, IEnumerable<Sourced<PointsRedeemedRow>> rows)
    {
        var store = new PointsStore(dataSource, catalogues);
        var (count, changed) = (0, 0);
        foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
        {
            count++;
            var recorded = await bulk.Connection.QueryRowAsync<RecordedEntryRow>(
                "select household_code, kind, reward_code, points, entry_date from points_entry where reference = @r",
                new { r = row.Reference },
                bulk.Transaction,
                bulk.Cancellation);
            if (recorded is not null)
            {
                var same = recorded.HouseholdCode == row.Household.Value && recorded.Kind == "redeem"
                    && recorded.RewardCode is not null && recorded.RewardCode == row.Reward && recorded.Points == row.Points
                    && recorded.EntryDate == row.On;
                if (!same)
                {
                    bulk.Errors.Add(new InputError(source, number, "reference", "points.reference.conflict",
                        $"reference {row.Reference} is already recorded for {recorded.HouseholdCode} ({recorded.Kind} {recorded.RewardCode ?? string.Empty} {recorded.Points} points on {recorded.EntryDate:yyyy-MM-dd}); a different record needs its own reference"));
                }

                continue;
            }

            // A refused redemption may have written an expiry first; the savepoint takes that back,
            // so later rows are checked against the balance as it really is.
            await bulk.Transaction.SaveAsync("redemption", bulk.Cancellation);
            try
            {
                await store.RedeemAsync(bulk.Connection, bulk.Transaction, row.Household.Value, row.Reward, row.Points, row.On, row.Reference, bulk.Cancellation);
                await bulk.Transaction.ReleaseAsync("redemption", bulk.Cancellation);
                changed++;
            }
            catch (PointsRefusedException e)
            {
                await bulk.Transaction.RollbackAsync("redemption", bulk.Cancellation);
                bulk.Errors.Add(new InputError(source, number, e.Field, "points.redemption.refused", e.Message));
            }
        }

        return (count, changed);
    }

    /// <summary>A points record already stored under a reference, mapped by column name.</summary>
    private sealed record RecordedEntryRow(string HouseholdCode, string Kind, string? RewardCode, int Points, NodaTime.LocalDate EntryDate);
}
