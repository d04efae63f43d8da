using NodaTime;
using Npgsql;
using NpgsqlTypes;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>The rows of a parking import, read when it runs (streamed from files, or given).</summary>
public sealed record ParkingSource(
    Func<List<InputError>, IEnumerable<Sourced<ParkingSpaceRow>>> Spaces,
    Func<List<InputError>, IEnumerable<Sourced<BusinessRow>>> Businesses,
    Func<List<InputError>, IEnumerable<Sourced<ParkingPermitRow>>> Permits,
    Func<List<InputError>, IEnumerable<Sourced<ParkingReleaseRow>>> Releases,
    Func<List<InputError>, IEnumerable<Sourced<ParkingLeaseRow>>> Leases)
{
    public static ParkingSource From(
        IReadOnlyList<Sourced<ParkingSpaceRow>>? spaces = null,
        IReadOnlyList<Sourced<BusinessRow>>? businesses = null,
        IReadOnlyList<Sourced<ParkingPermitRow>>? permits = null,
        IReadOnlyList<Sourced<ParkingReleaseRow>>? releases = null,
        IReadOnlyList<Sourced<ParkingLeaseRow>>? leases = null) =>
        new(_ => spaces ?? [], _ => businesses ?? [], _ => permits ?? [], _ => releases ?? [], _ => leases ?? []);
}

/// <summary>The shared-parking files of a folder: parking_spaces.csv, businesses.csv, parking_permits.csv, parking_releases.csv, parking_leases.csv.</summary>
public static class ParkingFiles
{
    public const string Spaces = "parking_spaces.csv";
    public const string Businesses = "businesses.csv";
    public const string Permits = "parking_permits.csv";
    public const string Releases = "parking_releases.csv";
    public const string Leases = "parking_leases.csv";

    /// <summary>The folder's parking files, streamed; null when it has none of them.</summary>
    public static ParkingSource? StreamFolder(string folder)
    {
        string? Path_(string name) => File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name) : null;
        var paths = new[] { Path_(Spaces), Path_(Businesses), Path_(Permits), Path_(Releases), Path_(Leases) };
        return paths.All(p => p is null)
            ? null
            : new ParkingSource(
                errors => RegisterFiles.FromFile(paths[0], RegisterCsv.StreamParkingSpaces, errors),
                errors => RegisterFiles.FromFile(paths[1], RegisterCsv.StreamBusinesses, errors),
                errors => RegisterFiles.FromFile(paths[2], RegisterCsv.StreamParkingPermits, errors),
                errors => RegisterFiles.FromFile(paths[3], RegisterCsv.StreamParkingReleases, errors),
                errors => RegisterFiles.FromFile(paths[4], RegisterCsv.StreamParkingLeases, errors));
    }
}

public sealed record ParkingImportResult(ImportCount Spaces, ImportCount Businesses, ImportCount Permits, ImportCount Releases, ImportCount Leases)
{
    public int Changed => Spaces.Changed + Businesses.Changed + Permits.Changed + Releases.Changed + Leases.Changed;
}

/// <summary>
/// Imports shared parking from files, with the rules of <see cref="LeaseStore"/>: a space has one
/// permit holder at a time, a space is leased only within its released windows and never twice for
/// the same time, and no lease is added to a month whose pool is stored or whose business invoices
/// are issued. One transaction: any bad row is reported with file, row and column, and nothing is
/// stored. Idempotent: a space, permit, release or lease already recorded is recognised and left as
/// it is (a business's name and contact are updated). Releases and leases are for the working-day
/// daytime of a month, as the operator's parking prices define it; other windows go through the Api.
/// Staged with binary COPY and checked a set at a time, for a city's worth of spaces.
/// </summary>
public sealed class ParkingImport(NpgsqlDataSource dataSource, ParkingRateBook book)
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public async Task<ParkingImportResult> ImportAsync(ParkingSource source, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var bulk = new BulkImport(connection, tx, ct);

        var operators = (await connection.QueryRowsAsync<CommunityOperatorRow>("select code, operator_code from community", null, tx, ct))
            .ToDictionary(c => c.Code, c => c.OperatorCode, StringComparer.Ordinal);

        await bulk.ExecuteAsync(
            """
            create temp table stage_space (seq bigint, source text, row_no integer, community_code text, number text) on commit drop;
            create temp table stage_business (seq bigint, source text, row_no integer, credit_code text, name text, contact text) on commit drop;
            create temp table stage_permit (
                seq bigint, source text, row_no integer, community_code text, number text, household_code text, valid_from date, valid_to date) on commit drop;
            create temp table stage_release (
                seq bigint, source text, row_no integer, community_code text, number text, period date, released_by text, during tstzrange) on commit drop;
            create temp table stage_lease (
                seq bigint, source text, row_no integer, community_code text, number text, credit_code text, period date,
                rate numeric(12, 2), rate_version text, during tstzrange) on commit drop;
            """);

        var errors = new List<InputError>();
        var spaces = await bulk.CopyAsync(
            "copy stage_space from stdin (format binary)", source.Spaces(errors), r => (r.Source, r.Row),
            async (w, r) =>
            {
                await w.WriteAsync(r.Value.Community.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Space, NpgsqlDbType.Text, ct);
            });
        var businesses = await bulk.CopyAsync(
            "copy stage_business from stdin (format binary)", source.Businesses(errors), r => (r.Source, r.Row),
            async (w, r) =>
            {
                await w.WriteAsync(r.Value.Code.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Name, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Contact, NpgsqlDbType.Text, ct);
            });
        var permits = await bulk.CopyAsync(
            "copy stage_permit from stdin (format binary)", source.Permits(errors), r => (r.Source, r.Row),
            async (w, r) =>
            {
                await w.WriteAsync(r.Value.Community.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Space, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.Household.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Value.From, NpgsqlDbType.Date, ct);
                await w.WriteOrNullAsync(r.Value.To, NpgsqlDbType.Date, bulk.Cancellation);
            });

        // A release or lease row stands for every working-day daytime window of its month: one staged row per window.
        var windows = new MonthWindows(book, operators, errors);
        var releases = 0;
        await bulk.CopyNumberedAsync(
            "copy stage_release from stdin (format binary)",
            windows.Expand(source.Releases(errors), r => (r.Value.Community.Value, r.Value.Period), () => releases++),
            x => (x.Seq, x.Row.Source, x.Row.Row),
            async (w, x) =>
            {
                await w.WriteAsync(x.Row.Value.Community.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Row.Value.Space, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Row.Value.Period.OnDayOfMonth(1), NpgsqlDbType.Date, ct);
                await w.WriteAsync(x.Row.Value.ReleasedBy, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Slot, NpgsqlDbType.TimestampTzRange, ct);
            });
        var leases = 0;
        await bulk.CopyNumberedAsync(
            "copy stage_lease from stdin (format binary)",
            windows.Expand(source.Leases(errors), r => (r.Value.Community.Value, r.Value.Period), () => leases++),
            x => (x.Seq, x.Row.Source, x.Row.Row),
            async (w, x) =>
            {
                await w.WriteAsync(x.Row.Value.Community.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Row.Value.Space, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Row.Value.Business.Value, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Row.Value.Period.OnDayOfMonth(1), NpgsqlDbType.Date, ct);
                await w.WriteAsync(x.Rates.LeaseMonthly.Yuan, NpgsqlDbType.Numeric, ct);
                await w.WriteAsync(x.Rates.VersionId, NpgsqlDbType.Text, ct);
                await w.WriteAsync(x.Slot, NpgsqlDbType.TimestampTzRange, ct);
            });
        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        var result = new ParkingImportResult(
            new ImportCount(spaces, await SpacesAsync(bulk)),
            new ImportCount(businesses, await BusinessesAsync(bulk)),
            new ImportCount(permits, await PermitsAsync(bulk)),
            new ImportCount(releases, await ReleasesAsync(bulk)),
            new ImportCount(leases, await LeasesAsync(bulk)));
        if (bulk.Errors.Count > 0)
        {
            throw new InputRejectedException(bulk.Errors);
        }

        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<int> SpacesAsync(BulkImport bulk)
    {
        var found = new List<(long, InputError)>();
        await bulk.ErrorsAsync(found,
            """
            select s.seq, s.source, s.row_no, 'community_code', 'parking.community.unknown', format('community ''%s'' is not in the register', s.community_code)
            from stage_space s where not exists (select 1 from community c where c.code = s.community_code)
            """);
        bulk.AddInRowOrder(found);
        return await bulk.ScalarAsync<int>(
            """
            with added as (
                insert into parking_space (community_code, number)
                select distinct s.community_code, s.number from stage_space s
                where exists (select 1 from community c where c.code = s.community_code)
                on conflict (community_code, number) do nothing
                returning 1)
            select count(*)::integer from added
            """);
    }

    private static Task<int> BusinessesAsync(BulkImport bulk) =>
        bulk.ScalarAsync<int>(
            """
            with renamed as (
                -- A business is kept per operator; the file has no operator column, so its row
                -- updates every record of that credit code (this import runs with the database's own rights).
                update business b set name = s.name, contact = s.contact
                from stage_business s
                where b.credit_code = s.credit_code and (b.name, b.contact) is distinct from (s.name, s.contact)
                returning 1),
            added as (
                insert into business (name, contact, credit_code)
                select distinct on (credit_code) name, contact, credit_code from stage_business s
                where not exists (select 1 from business b where b.credit_code = s.credit_code)
                order by credit_code, seq
                returning 1)
            select ((select count(*) from renamed) + (select count(*) from added))::integer
            """);

    private static async Task<int> PermitsAsync(BulkImport bulk)
    {
        await bulk.ExecuteAsync(
            """
            create temp table import_permit on commit drop as
            select s.*, sp.id as space_id, h.community_code as household_community,
                   exists (select 1 from parking_permit p where p.space_id = sp.id and p.household_code = s.household_code
                           and p.valid_from = s.valid_from and p.valid_to is not distinct from s.valid_to) as recorded,
                   false as bad
            from stage_permit s
            left join parking_space sp on sp.community_code = s.community_code and sp.number = s.number
            left join household h on h.code = s.household_code;
            """);
        var found = new List<(long, InputError)>();
        await bulk.ErrorsAsync(found,
            """
            select seq, source, row_no, 'space_number', 'parking.space.unknown',
                format('space %s of %s is not in the register (add it to parking_spaces.csv)', number, community_code)
            from import_permit where space_id is null
            union all
            select seq, source, row_no, 'household_code', 'parking.permit.household.unknown', format('household ''%s'' is not in the register', household_code)
            from import_permit where space_id is not null and household_community is null
            union all
            select seq, source, row_no, 'household_code', 'parking.permit.household.community',
                format('household %s is in community %s, not %s', household_code, household_community, community_code)
            from import_permit where space_id is not null and household_community <> community_code
            """);
        // One holder at a time: a permit overlapping another of the same space (recorded, or on an
        // earlier row) is refused, unless it is the very same permit again.
        await bulk.ErrorsAsync(found,
            """
            with valid as (select * from import_permit where space_id is not null and household_community = community_code)
            select distinct on (v.seq) v.seq, v.source, v.row_no, 'valid_from', 'parking.permit.overlap',
                format('space %s of %s already has a resident permit holder (%s from %s) for part of that time', v.number, v.community_code, o.household_code, to_char(o.valid_from, 'YYYY-MM-DD'))
            from valid v
            join (
                select p.space_id, p.household_code, p.valid_from, p.valid_to, -1::bigint as seq from parking_permit p
                union all
                select space_id, household_code, valid_from, valid_to, seq from valid) o
              on o.space_id = v.space_id and o.seq < v.seq
             and daterange(o.valid_from, o.valid_to, '[]') && daterange(v.valid_from, v.valid_to, '[]')
             and (o.household_code, o.valid_from, o.valid_to) is distinct from (v.household_code, v.valid_from, v.valid_to)
            order by v.seq, o.seq
            """);
        await bulk.MarkBadAsync("import_permit", found);
        bulk.AddInRowOrder(found);
        return await bulk.ScalarAsync<int>(
            """
            with added as (
                insert into parking_permit (space_id, household_code, valid_from, valid_to)
                select distinct on (space_id, household_code, valid_from, valid_to) space_id, household_code, valid_from, valid_to
                from import_permit
                where space_id is not null and household_community = community_code and not recorded and not bad
                order by space_id, household_code, valid_from, valid_to, seq
                returning 1)
            select count(*)::integer from added
            """);
    }

    private static async Task<int> ReleasesAsync(BulkImport bulk)
    {
        await bulk.ExecuteAsync(
            """
            create temp table import_release on commit drop as
            select s.*, sp.id as space_id,
                   exists (select 1 from parking_release_slot r where r.space_id = sp.id and r.during = s.during) as recorded,
                   false as bad
            from stage_release s left join parking_space sp on sp.community_code = s.community_code and sp.number = s.number;
            """);
        var found = new List<(long, InputError)>();
        await bulk.ErrorsAsync(found,
            """
            select distinct on (seq) seq, source, row_no, 'space_number', 'parking.space.unknown',
                format('space %s of %s is not in the register (add it to parking_spaces.csv)', number, community_code)
            from import_release where space_id is null order by seq
            """);
        await bulk.ErrorsAsync(found,
            """
            select distinct on (i.seq) i.seq, i.source, i.row_no, 'period', 'parking.release.overlap',
                format('space %s of %s is already released for part of %s in another window', i.number, i.community_code, to_char(i.period, 'YYYY-MM'))
            from import_release i join parking_release_slot r on r.space_id = i.space_id and r.during && i.during and r.during <> i.during
            order by i.seq
            """);
        await bulk.MarkBadAsync("import_release", found);
        bulk.AddInRowOrder(found);
        return await bulk.ScalarAsync<int>(
            """
            with added as (
                insert into parking_release_slot (space_id, during, released_by)
                select distinct on (space_id, during) space_id, during, released_by from import_release
                where space_id is not null and not recorded and not bad
                order by space_id, during, seq
                returning space_id, during),
            rows_added as (
                select distinct i.seq from import_release i join added a on a.space_id = i.space_id and a.during = i.during)
            select count(*)::integer from rows_added
            """);
    }

    private static async Task<int> LeasesAsync(BulkImport bulk)
    {
        // The same lock as LeaseStore and the business invoices take, community by community in a
        // fixed order, so no invoice is issued between these checks and the commit.
        await bulk.ExecuteAsync(
            """
            select pg_advisory_xact_lock(hashtextextended('parking:' || community_code, 0))
            from (select distinct community_code from stage_lease order by community_code) c;
            create temp table import_lease on commit drop as
            select s.*, sp.id as space_id, b.id as business_id, false as recorded, false as bad
            from stage_lease s
            left join parking_space sp on sp.community_code = s.community_code and sp.number = s.number
            -- Businesses are per operator: the lease's operator's own record, else one no operator holds yet.
            left join lateral (
                select bb.id from business bb join community c on c.code = s.community_code
                where bb.credit_code = s.credit_code and (bb.operator_code = c.operator_code or bb.operator_code is null)
                order by bb.operator_code nulls last limit 1) b on true;
            analyze import_lease;
            -- The same lease again (recorded, or on an earlier row): nothing new.
            update import_lease i set recorded = true
            where i.seq in (
                select i2.seq from import_lease i2
                join parking_lease_slot ls on ls.space_id = i2.space_id and ls.during = i2.during
                join parking_lease l on l.id = ls.lease_id and l.business_id = i2.business_id);
            update import_lease i set recorded = true
            where i.seq in (
                select later.seq from import_lease later join import_lease earlier
                  on earlier.space_id = later.space_id and earlier.business_id = later.business_id
                 and earlier.during = later.during and earlier.seq < later.seq);
            """);
        var found = new List<(long, InputError)>();
        await bulk.ErrorsAsync(found,
            """
            select distinct on (seq) seq, source, row_no, 'space_number', 'parking.space.unknown',
                format('space %s of %s is not in the register (add it to parking_spaces.csv)', number, community_code)
            from import_lease where space_id is null order by seq
            """);
        await bulk.ErrorsAsync(found,
            """
            select distinct on (seq) seq, source, row_no, 'credit_code', 'parking.business.unknown',
                format('business %s is not registered (add it to businesses.csv)', credit_code)
            from import_lease where space_id is not null and business_id is null order by seq
            """);
        await bulk.ExecuteAsync("update import_lease set bad = true where space_id is null or business_id is null");
        await bulk.ErrorsAsync(found,
            """
            select distinct on (i.seq) i.seq, i.source, i.row_no, 'period', 'parking.month.closed',
                format('%s is already billed for %s (pool stored or business invoices issued); lease a later month', to_char(i.period, 'YYYY-MM'), i.community_code)
            from import_lease i
            where not i.bad and not i.recorded
              and (exists (select 1 from parking_pool p where p.community_code = i.community_code and p.period = i.period)
                or exists (select 1 from business_invoice b where b.community_code = i.community_code and b.period = i.period))
            order by i.seq
            """);
        await bulk.ErrorsAsync(found,
            """
            select distinct on (i.seq) i.seq, i.source, i.row_no, 'period', 'parking.lease.unreleased',
                format('space %s of %s is not released on %s %s–%s (release it first, in parking_releases.csv)', i.number, i.community_code,
                    to_char(lower(i.during) at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
                    to_char(lower(i.during) at time zone 'Asia/Shanghai', 'HH24:MI'), to_char(upper(i.during) at time zone 'Asia/Shanghai', 'HH24:MI'))
            from import_lease i
            where not i.bad and not i.recorded
              and not coalesce((select range_agg(r.during) from parking_release_slot r where r.space_id = i.space_id and r.during && i.during), '{}'::tstzmultirange) @> i.during
            order by i.seq, lower(i.during)
            """);
        await bulk.ErrorsAsync(found,
            """
            select distinct on (i.seq) i.seq, i.source, i.row_no, 'period', 'parking.lease.overlap',
                format('space %s of %s is already leased for part of %s', i.number, i.community_code, to_char(i.period, 'YYYY-MM'))
            from import_lease i
            join (
                select ls.space_id, ls.during, -1::bigint as seq from parking_lease_slot ls
                union all
                select space_id, during, seq from import_lease where not bad and not recorded) o
              on o.space_id = i.space_id and o.during && i.during and o.seq < i.seq
            where not i.bad and not i.recorded
            order by i.seq
            """);
        bulk.AddInRowOrder(found);
        if (bulk.Errors.Count > 0)
        {
            return 0;
        }

        // Ids are drawn first, so each lease's windows can name it in the same statement set.
        await bulk.ExecuteAsync(
            """
            create temp table lease_new on commit drop as
            select seq, nextval(pg_get_serial_sequence('parking_lease', 'id')) as id, space_id, business_id, rate, rate_version
            from (select distinct on (seq) * from import_lease where not bad and not recorded order by seq) l;
            insert into parking_lease (id, space_id, business_id, kind, price_basis, rate, rate_version)
            overriding system value
            select id, space_id, business_id, 'monthly', 'monthly', rate, rate_version from lease_new order by seq;
            insert into parking_lease_slot (lease_id, space_id, during)
            select n.id, n.space_id, i.during from lease_new n join import_lease i on i.seq = n.seq order by n.seq, lower(i.during);
            """);
        return await bulk.ScalarAsync<int>("select count(*)::integer from lease_new");
    }

    private sealed record CommunityOperatorRow(string Code, string OperatorCode);

    /// <summary>The working-day daytime windows of a month for a community, by its operator's parking prices, cached per price version and month.</summary>
    private sealed class MonthWindows(ParkingRateBook book, IReadOnlyDictionary<string, string> operators, List<InputError> errors)
    {
        private readonly Dictionary<(string Version, YearMonth Month), IReadOnlyList<Interval>> _cache = [];

        public IEnumerable<(long Seq, Sourced<T> Row, ParkingRates Rates, Interval Slot)> Expand<T>(
            IEnumerable<Sourced<T>> rows, Func<Sourced<T>, (string Community, YearMonth Period)> what, Action counted)
        {
            var seq = 0L;
            foreach (var row in rows)
            {
                counted();
                seq++;
                var (community, period) = what(row);
                if (!operators.TryGetValue(community, out var op))
                {
                    errors.Add(new InputError(row.Source, row.Row, "community_code", "parking.community.unknown", $"community '{community}' is not in the register"));
                    continue;
                }

                if (book.For(op, period.OnDayOfMonth(1)) is not { } rates)
                {
                    errors.Add(new InputError(row.Source, row.Row, "period", "parking.prices.missing",
                        $"operator {op} has no parking prices in force on {period.OnDayOfMonth(1):yyyy-MM-dd} (rates/parking/)"));
                    continue;
                }

                if (!_cache.TryGetValue((rates.VersionId, period), out var slots))
                {
                    _cache[(rates.VersionId, period)] = slots = rates.Daytime.Occurrences(period, rates.Calendar, Shanghai).ToList();
                }

                foreach (var slot in slots)
                {
                    yield return (seq, row, rates, slot);
                }
            }
        }
    }
}
