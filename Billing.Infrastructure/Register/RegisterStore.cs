using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>What one import brings: any of the register files, each possibly empty.</summary>
public sealed record RegisterImport(
    IReadOnlyList<Sourced<CommunityRow>> Communities,
    IReadOnlyList<Sourced<BuildingRow>> Buildings,
    IReadOnlyList<Sourced<HouseholdRow>> Households,
    IReadOnlyList<Sourced<OccupancyRow>> Occupancy,
    IReadOnlyList<Sourced<MeterReadingRow>> MeterReadings)
{
    public static readonly RegisterImport Empty = new([], [], [], [], []);
}

public readonly record struct ImportCount(int Rows, int Changed);

public sealed record ImportResult(ImportCount Communities, ImportCount Buildings, ImportCount Households, ImportCount Occupancy, ImportCount MeterReadings)
{
    public int Changed => Communities.Changed + Buildings.Changed + Households.Changed + Occupancy.Changed + MeterReadings.Changed;
}

/// <summary>
/// The rows of one import, read when the import runs: streamed from files (<see cref="RegisterFiles.Stream"/>),
/// so a register of a million households is never held in memory, or from rows already parsed.
/// Each function adds the parse errors of its rows to the list it is given and yields only good rows.
/// </summary>
public sealed record RegisterSource(
    Func<List<InputError>, IEnumerable<Sourced<CommunityRow>>> Communities,
    Func<List<InputError>, IEnumerable<Sourced<BuildingRow>>> Buildings,
    Func<List<InputError>, IEnumerable<Sourced<HouseholdRow>>> Households,
    Func<List<InputError>, IEnumerable<Sourced<OccupancyRow>>> Occupancy,
    Func<List<InputError>, IEnumerable<Sourced<MeterReadingRow>>> MeterReadings)
{
    public static RegisterSource From(RegisterImport import) =>
        new(_ => import.Communities, _ => import.Buildings, _ => import.Households, _ => import.Occupancy, _ => import.MeterReadings);
}

/// <summary>
/// The household register in PostgreSQL, with history. An import is one transaction: every row is
/// checked against the file, the stored register and the rate books, all problems are reported
/// with file, row and column, and nothing is stored unless everything is valid. Importing the same
/// files again changes nothing; a changed value becomes a new effective-dated row, never an overwrite.
/// </summary>
/// <remarks>
/// Communities and buildings (thousands at most) are checked and written row by row. Households,
/// occupancy and meter readings (a million and more for a city) are copied into temporary tables
/// with binary COPY and checked and written a set at a time, with the same rules and messages:
/// row by row they took 2 min 16 s for 100,000 households, so 23 min for a million.
/// </remarks>
public sealed class RegisterStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The date of a first record whose real start is unknown: it describes the home "as it always was".</summary>
    public static readonly LocalDate Beginning = new(1900, 1, 1);

    public Task<ImportResult> ImportAsync(RegisterImport import, LocalDate today, RateCatalog? rates, CancellationToken ct = default) =>
        ImportAsync(RegisterSource.From(import), today, rates, ct);

    public async Task<ImportResult> ImportAsync(RegisterSource source, LocalDate today, RateCatalog? rates, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var session = new ImportSession(connection, tx, today, rates, ct);

        // Every file is read before anything is checked against the database, so a file with bad
        // rows is reported on its own, as when the files were parsed whole first.
        var parseErrors = new List<InputError>();
        var communityRows = source.Communities(parseErrors).ToList();
        var buildingRows = source.Buildings(parseErrors).ToList();
        await session.CreateStagingAsync();
        var householdRows = await session.StageHouseholdsAsync(source.Households(parseErrors));
        var occupancyRows = await session.StageOccupancyAsync(source.Occupancy(parseErrors));
        var meterRows = await session.StageMeterReadingsAsync(source.MeterReadings(parseErrors));
        if (parseErrors.Count > 0)
        {
            throw new InputRejectedException(parseErrors);
        }

        var communities = new ImportCount(communityRows.Count, await session.CommunitiesAsync(communityRows));
        var buildings = new ImportCount(buildingRows.Count, await session.BuildingsAsync(buildingRows));
        var households = new ImportCount(householdRows, await session.HouseholdsAsync());
        var occupancy = new ImportCount(occupancyRows, await session.OccupancyAsync());
        var meters = new ImportCount(meterRows, await session.MeterReadingsAsync());

        if (session.Errors.Count > 0)
        {
            throw new InputRejectedException(session.Errors);
        }

        await tx.CommitAsync(ct);
        return new ImportResult(communities, buildings, households, occupancy, meters);
    }

    public Task<IReadOnlyList<Community>> CommunitiesAsync(CancellationToken ct = default) => CommunitiesAsync(null, ct);

    /// <summary>
    /// The communities with their level history and buildings; only <paramref name="only"/> when
    /// given, so a job billing one community of a city does not read the whole city's register.
    /// </summary>
    public async Task<IReadOnlyList<Community>> CommunitiesAsync(IReadOnlyCollection<CommunityCode>? only, CancellationToken ct = default)
    {
        var filter = new { codes = only is { Count: > 0 } ? only.Select(c => c.Value).ToArray() : null };
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        var levels = (await connection.QueryRowsAsync<LevelRow>(
                "select community_code, effective_from, service_level, agreed_price from community_level where @codes::text[] is null or community_code = any(@codes)",
                filter,
                null,
                ct))
            .ToLookup(l => l.CommunityCode, l => l.ToDated());

        var buildings = (await connection.QueryRowsAsync<BuildingTypeRow>(
                "select community_code, building, building_type from building where @codes::text[] is null or community_code = any(@codes)",
                filter,
                null,
                ct))
            .GroupBy(b => b.CommunityCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(b => b.Building, b => StoredValues.BuildingType(b.BuildingType), StringComparer.Ordinal), StringComparer.Ordinal);

        var communities = await connection.QueryRowsAsync<CommunityRegisterRow>(
            """
            select c.code, c.name, c.operator_code, o.name as operator_name, c.zone_code, c.city, c.district, c.rate_book, c.billing_start, c.building_type
            from community c join operator o on o.code = c.operator_code
            where @codes::text[] is null or c.code = any(@codes)
            order by c.code
            """,
            filter,
            null,
            ct);
        return communities
            .Select(c => c.ToCommunity(
                levels.Contains(c.Code) ? levels[c.Code].ToList() : throw new InvalidOperationException($"Community {c.Code} has no service level."),
                buildings.GetValueOrDefault(c.Code) ?? new Dictionary<string, BuildingType>()))
            .ToList();
    }

    public async Task<IReadOnlyList<Household>> HouseholdsAsync(CommunityCode community, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var details = (await connection.QueryRowsAsync<HouseholdVersionRow>(
                """
                select v.household_code, v.effective_from, v.building, v.unit, v.room, v.building_area, v.owner_name, v.occupant_name, v.phone, v.parking_permits
                from household_version v join household h on h.code = v.household_code
                where h.community_code = @community
                """,
                new { community = community.Value },
                null,
                ct))
            .GroupBy(v => v.HouseholdCode, StringComparer.Ordinal);

        var occupancy = (await connection.QueryRowsAsync<OccupancyStatusRow>(
                """
                select o.household_code, o.effective_from, o.status
                from occupancy o
                where o.household_code in (select h.code from household h where h.community_code = @community)
                """,
                new { community = community.Value },
                null,
                ct))
            .ToLookup(o => o.HouseholdCode, o => o.ToDated(), StringComparer.Ordinal);

        return details.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new Household(
                new HouseholdCode(d.Key), community, new Timeline<HouseholdDetails>(d.Select(v => v.ToDated()).ToList()),
                Occupancies.History(occupancy[d.Key].ToList())))
            .ToList();
    }

    /// <summary>Meter readings of a community's households for a month: household → item → quantity.</summary>
    public async Task<IReadOnlyDictionary<HouseholdCode, Dictionary<string, decimal>>> MeterReadingsAsync(
        CommunityCode community, YearMonth period, CancellationToken ct = default)
    {
        var readings = await dataSource.QueryRowsAsync<MeterQuantityRow>(
            """
            select m.household_code, m.item_code, m.quantity
            from meter_reading m join household h on h.code = m.household_code
            where h.community_code = @community and m.period = @period
            """,
            new { community = community.Value, period = period.OnDayOfMonth(1) },
            ct);
        var result = new Dictionary<HouseholdCode, Dictionary<string, decimal>>();
        foreach (var reading in readings)
        {
            var code = new HouseholdCode(reading.HouseholdCode);
            if (!result.TryGetValue(code, out var items))
            {
                result[code] = items = new Dictionary<string, decimal>(StringComparer.Ordinal);
            }

            items[reading.ItemCode] = reading.Quantity;
        }

        return result;
    }

    internal static ServiceLevel ParseLevel(string text, string community) =>
        ServiceLevel.TryParse(text, out var level)
            ? level
            : throw new InvalidOperationException($"Community {community} has an unreadable service level '{text}'.");

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>One import's work inside its transaction: checks and writes, row by row, collecting every error.</summary>
    private sealed class ImportSession(NpgsqlConnection connection, NpgsqlTransaction tx, LocalDate today, RateCatalog? rates, CancellationToken ct)
    {
        private readonly Database.BulkImport _bulk = new(connection, tx, ct);

        public List<InputError> Errors => _bulk.Errors;

        public async Task<int> CommunitiesAsync(IReadOnlyList<Sourced<CommunityRow>> rows)
        {
            var changed = 0;
            foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
            {
                if (rates is not null && !CheckRates(row, source, number))
                {
                    continue;
                }

                await ExecuteAsync(
                    "insert into operator (code, name) values (@code, @name) on conflict (code) do update set name = excluded.name where operator.name <> excluded.name",
                    ("code", row.OperatorCode), ("name", row.OperatorName));
                if (row.ZoneCode is not null)
                {
                    await ExecuteAsync(
                        """
                        insert into zone (code, name, operator_code) values (@code, @name, @op)
                        on conflict (code) do update set name = excluded.name
                        where zone.operator_code = excluded.operator_code and zone.name <> excluded.name
                        """,
                        ("code", row.ZoneCode), ("name", row.ZoneName ?? row.ZoneCode), ("op", row.OperatorCode));

                    // A zone belongs to the operator that made it: another operator's file can neither
                    // rename it nor move it (nor put its communities in it). The error does not say whose it is.
                    if (await ScalarAsync<int?>("select 1 from zone where code = @code and operator_code = @op", ("code", row.ZoneCode), ("op", row.OperatorCode)) is null)
                    {
                        Errors.Add(new InputError(source, number, "zone_code", "community.zone.not_yours",
                            $"zone '{row.ZoneCode}' is another operator's; give your zone a code of its own"));
                        continue;
                    }
                }

                var attributes = await ExecuteAsync(
                    """
                    insert into community (code, name, operator_name, operator_code, zone_code, city, district, rate_book, building_type, billing_start)
                    values (@code, @name, @op_name, @op, @zone, @city, @district, @book, @type, @start)
                    on conflict (code) do update set
                        name = excluded.name, operator_name = excluded.operator_name, operator_code = excluded.operator_code,
                        zone_code = excluded.zone_code, city = excluded.city, district = excluded.district, rate_book = excluded.rate_book,
                        building_type = excluded.building_type, billing_start = excluded.billing_start, updated_at = now()
                    where (community.name, community.operator_code, community.zone_code, community.city, community.district,
                           community.rate_book, community.building_type, community.billing_start)
                       is distinct from (excluded.name, excluded.operator_code, excluded.zone_code, excluded.city, excluded.district,
                           excluded.rate_book, excluded.building_type, excluded.billing_start)
                    """,
                    ("code", row.Code.Value), ("name", row.Name), ("op_name", row.OperatorName), ("op", row.OperatorCode),
                    ("zone", (object?)row.ZoneCode ?? DBNull.Value), ("city", row.City), ("district", row.District),
                    ("book", row.RateBook), ("type", row.DefaultBuildingType.Name()), ("start", row.BillingStart));
                if (attributes > 0)
                {
                    await LogAsync("community", row.Code.Value, null, row, source, number);
                }

                var levelChanged = await AddDatedAsync(
                    "community_level", "community_code", row.Code.Value, row.LevelFrom, source, number, "level_effective_from",
                    new Dictionary<string, object?> { ["service_level"] = row.Level.ToString(), ["agreed_price"] = row.AgreedPrice?.YuanPerSquareMetreMonth });
                changed += attributes > 0 || levelChanged ? 1 : 0;
            }

            return changed;
        }

        public async Task<int> BuildingsAsync(IReadOnlyList<Sourced<BuildingRow>> rows)
        {
            var changed = 0;
            foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
            {
                if (!await ExistsAsync("select 1 from community where code = @code", row.Community.Value))
                {
                    Errors.Add(new InputError(source, number, "community_code", "building.community.unknown", $"community '{row.Community}' is not in the register"));
                    continue;
                }

                var n = await ExecuteAsync(
                    """
                    insert into building (community_code, building, building_type) values (@c, @b, @t)
                    on conflict (community_code, building) do update set building_type = excluded.building_type
                    where building.building_type <> excluded.building_type
                    """,
                    ("c", row.Community.Value), ("b", row.Building), ("t", row.Type.Name()));
                if (n > 0)
                {
                    changed++;
                    await LogAsync("building", $"{row.Community}/{row.Building}", null, row, source, number);
                }
            }

            return changed;
        }

        public async Task CreateStagingAsync()
        {
            // seq keeps the order of the rows as given, which decides when one row sees another.
            await ExecuteAsync(
                """
                create temp table stage_household (
                    seq bigint not null, source text not null, row_no integer not null, code text not null, community_code text not null,
                    building text not null, unit text not null, room text not null, building_area numeric(10, 2) not null, owner_name text not null,
                    occupant_name text, phone text, parking_permits integer not null, effective_from date) on commit drop;
                create temp table stage_occupancy (
                    seq bigint not null, source text not null, row_no integer not null, household_code text not null,
                    effective_from date not null, status text not null) on commit drop;
                create temp table stage_meter (
                    seq bigint not null, source text not null, row_no integer not null, household_code text not null,
                    period date not null, item_code text not null, quantity numeric(14, 4) not null) on commit drop;
                """);
        }

        public Task<int> StageHouseholdsAsync(IEnumerable<Sourced<HouseholdRow>> rows) =>
            _bulk.CopyAsync(
                "copy stage_household (seq, source, row_no, code, community_code, building, unit, room, building_area, owner_name, occupant_name, phone, parking_permits, effective_from) from stdin (format binary)",
                rows,
                r => (r.Source, r.Row),
                async (w, r) =>
                {
                    var d = r.Value.Details;
                    await w.WriteAsync(r.Value.Code.Value, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.Value.Community.Value, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(d.Building, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(d.Unit, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(d.Room, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(d.Area.Value, NpgsqlDbType.Numeric, ct);
                    await w.WriteAsync(d.OwnerName, NpgsqlDbType.Text, ct);
                    await w.WriteOrNullAsync(d.OccupantName, NpgsqlDbType.Text, _bulk.Cancellation);
                    await w.WriteOrNullAsync(d.Phone, NpgsqlDbType.Text, _bulk.Cancellation);
                    await w.WriteAsync(d.ParkingPermits, NpgsqlDbType.Integer, ct);
                    await w.WriteOrNullAsync(r.Value.EffectiveFrom, NpgsqlDbType.Date, _bulk.Cancellation);
                });

        public Task<int> StageOccupancyAsync(IEnumerable<Sourced<OccupancyRow>> rows) =>
            _bulk.CopyAsync(
                "copy stage_occupancy (seq, source, row_no, household_code, effective_from, status) from stdin (format binary)",
                rows,
                r => (r.Source, r.Row),
                async (w, r) =>
                {
                    await w.WriteAsync(r.Value.Household.Value, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.Value.EffectiveFrom, NpgsqlDbType.Date, ct);
                    await w.WriteAsync(r.Value.Status.Name(), NpgsqlDbType.Text, ct);
                });

        public Task<int> StageMeterReadingsAsync(IEnumerable<Sourced<MeterReadingRow>> rows) =>
            _bulk.CopyAsync(
                "copy stage_meter (seq, source, row_no, household_code, period, item_code, quantity) from stdin (format binary)",
                rows,
                r => (r.Source, r.Row),
                async (w, r) =>
                {
                    await w.WriteAsync(r.Value.Household.Value, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.Value.Period.OnDayOfMonth(1), NpgsqlDbType.Date, ct);
                    await w.WriteAsync(r.Value.ItemCode, NpgsqlDbType.Text, ct);
                    await w.WriteAsync(r.Value.Quantity, NpgsqlDbType.Numeric, ct);
                });

        /// <summary>
        /// Households from the staging table, with the rules of one row at a time: a row of an
        /// unknown community, or of a home recorded in another community, is refused; a new home is
        /// added; a version is added unless the values in force on its date are already the same.
        /// When a file holds several rows of one household (its history), they are applied in file
        /// order, so each sees the rows before it.
        /// </summary>
        public async Task<int> HouseholdsAsync()
        {
            await ExecuteAsync(
                """
                create temp table import_household on commit drop as
                select s.*, row_number() over (partition by s.code order by s.seq) as rnk, false as bad from stage_household s;
                analyze import_household;
                """);
            var found = new List<(long Seq, InputError Error)>();

            // Two rows of one household in one file are its history only when each carries its own
            // effective_from: an undated repeat would become "a change from today", so the result
            // would depend on the day of the import.
            await _bulk.ErrorsAsync(found,
                """
                with grouped as (
                    select s.seq, s.source, s.row_no, s.code, s.effective_from,
                        count(*) over (partition by s.source, s.code) as rows_of_code,
                        count(*) filter (where s.effective_from is null) over (partition by s.source, s.code) as undated,
                        row_number() over (partition by s.source, s.code order by s.seq) as nth_of_code,
                        first_value(s.row_no) over (partition by s.source, s.code order by s.seq) as first_of_code,
                        row_number() over (partition by s.source, s.code, s.effective_from order by s.seq) as nth_of_date,
                        first_value(s.row_no) over (partition by s.source, s.code, s.effective_from order by s.seq) as first_of_date
                    from import_household s),
                repeated as (
                    select g.*, case when g.undated > 0 then g.first_of_code else g.first_of_date end as other_row
                    from grouped g
                    where g.rows_of_code > 1 and ((g.undated > 0 and g.nth_of_code > 1) or (g.undated = 0 and g.nth_of_date > 1)))
                update import_household s set bad = true
                from repeated r
                where r.seq = s.seq
                returning s.seq, s.source, s.row_no, 'household_code', 'household.row.duplicate',
                    format('household %s is on rows %s and %s of this file; two rows of one household must each carry a different effective_from (its history)',
                        s.code, r.other_row, s.row_no)
                """);
            await _bulk.ErrorsAsync(found,
                """
                update import_household s set bad = true
                where not exists (select 1 from community c where c.code = s.community_code)
                returning s.seq, s.source, s.row_no, 'community_code', 'household.community.unknown', format('community ''%s'' is not in the register', s.community_code)
                """);
            await _bulk.ErrorsAsync(found,
                """
                with first_row as (
                    select distinct on (code) code, community_code from import_household where not bad order by code, seq),
                owner as (
                    select f.code, coalesce(h.community_code, f.community_code) as community_code
                    from first_row f left join household h on h.code = f.code)
                update import_household s set bad = true
                from owner o
                where o.code = s.code and not s.bad and s.community_code <> o.community_code
                returning s.seq, s.source, s.row_no, 'community_code', 'household.community.moved',
                    format('household %s belongs to community %s; a home does not move between communities (give it a new code)', s.code, o.community_code)
                """);
            await ExecuteAsync(
                """
                insert into household (code, community_code)
                select distinct on (code) code, community_code from import_household where not bad order by code, seq
                on conflict (code) do nothing
                """);

            var rounds = await ScalarAsync<int?>("select max(rnk)::integer from import_household where not bad") ?? 0;
            var changed = 0;

            // Every household's first row in one set-based statement (most households have one row)...
            for (var k = 1; k <= Math.Min(rounds, 1); k++)
            {
                // The in-force version is the last one from on or before the row's date, or the first
                // one when the row is dated before all of them: the same choice as AddDatedAsync.
                var outcome = await _bulk.RowsAsync<HouseholdRoundRow>(
                    """
                    with candidate as (
                        select s.*, exists (select 1 from household_version v where v.household_code = s.code) as known
                        from import_household s where s.rnk = @k and not s.bad),
                    dated as (
                        select c.*, case when c.known then coalesce(c.effective_from, @today) else coalesce(c.effective_from, @beginning) end as date
                        from candidate c),
                    decided as (
                        select d.*,
                            case
                                when not d.known then 'insert'
                                when (f.building, f.unit, f.room, f.building_area, f.owner_name, f.occupant_name, f.phone, f.parking_permits)
                                     is not distinct from (d.building, d.unit, d.room, d.building_area, d.owner_name, d.occupant_name, d.phone, d.parking_permits) then 'same'
                                when exists (select 1 from household_version v where v.household_code = d.code and v.effective_from = d.date) then 'conflict'
                                else 'insert'
                            end as outcome
                        from dated d
                        left join lateral (
                            select v.* from household_version v
                            where d.known and v.household_code = d.code
                            order by (v.effective_from <= d.date) desc, case when v.effective_from <= d.date then v.effective_from end desc, v.effective_from
                            limit 1) f on true),
                    added as (
                        insert into household_version (household_code, effective_from, building, unit, room, building_area, owner_name, occupant_name, phone, parking_permits)
                        select code, date, building, unit, room, building_area, owner_name, occupant_name, phone, parking_permits
                        from decided where outcome = 'insert' order by seq
                        returning 1),
                    logged as (
                        insert into register_change (entity, code, effective_from, data, source)
                        select 'household_version', code, date,
                            jsonb_build_object('building', building, 'unit', unit, 'room', room, 'building_area', building_area, 'owner_name', owner_name,
                                'occupant_name', occupant_name, 'phone', phone, 'parking_permits', parking_permits),
                            source || ' row ' || row_no
                        from decided where outcome = 'insert' order by seq)
                    select (select count(*) from added)::integer as added, c.seq, c.source, c.row_no, c.code, c.date
                    from (select 1) one left join (select * from decided where outcome = 'conflict') c on true
                    order by c.seq
                    """,
                    new { k = (long)k, today, beginning = Beginning });

                // The count repeats on every conflict row (and there is always one row); take it once.
                changed += outcome[0].Added;
                foreach (var conflict in outcome)
                {
                    if (conflict is { Seq: { } seq, Source: { } file, RowNo: { } row, Code: { } code, Date: { } date })
                    {
                        found.Add((seq, new HistoryConflictRow(seq, file, row, code, date).ToError()));
                    }
                }
            }

            // ...and the later rows of households with a history row by row, in file order, each an
            // index lookup: a file that repeats a household 40,000 times costs 40,000 lookups, not
            // 40,000 passes over the whole file.
            if (rounds > 1)
            {
                changed += await LaterHouseholdRowsAsync(found);
            }

            _bulk.AddInRowOrder(found);
            return changed;
        }

        /// <summary>
        /// The second and later rows of each household, applied in file order with the same decision
        /// as the first round: the same values as the version in force on the row's date change
        /// nothing, another version already on that date is a conflict, anything else is a new version.
        /// </summary>
        private async Task<int> LaterHouseholdRowsAsync(List<(long Seq, InputError Error)> found)
        {
            await ExecuteAsync(
                """
                create temp table import_household_conflict (seq bigint, source text, row_no integer, code text, date date) on commit drop;
                create or replace function pg_temp.apply_later_household_rows(p_today date, p_beginning date) returns integer
                language plpgsql as $fn$
                declare
                    r record;
                    f household_version%rowtype;
                    d date;
                    added integer := 0;
                begin
                    for r in select * from import_household where rnk > 1 and not bad order by seq loop
                        d := coalesce(r.effective_from, p_today);
                        select * into f from household_version v
                        where v.household_code = r.code and v.effective_from <= d order by v.effective_from desc limit 1;
                        if not found then
                            select * into f from household_version v where v.household_code = r.code order by v.effective_from limit 1;
                        end if;
                        if not found then
                            -- The first row was refused (a conflict cannot leave a household without versions, but be safe).
                            d := coalesce(r.effective_from, p_beginning);
                        elsif (f.building, f.unit, f.room, f.building_area, f.owner_name, f.occupant_name, f.phone, f.parking_permits)
                              is not distinct from (r.building, r.unit, r.room, r.building_area, r.owner_name, r.occupant_name, r.phone, r.parking_permits) then
                            continue;
                        elsif exists (select 1 from household_version v where v.household_code = r.code and v.effective_from = d) then
                            insert into import_household_conflict values (r.seq, r.source, r.row_no, r.code, d);
                            continue;
                        end if;
                        insert into household_version (household_code, effective_from, building, unit, room, building_area, owner_name, occupant_name, phone, parking_permits)
                        values (r.code, d, r.building, r.unit, r.room, r.building_area, r.owner_name, r.occupant_name, r.phone, r.parking_permits);
                        insert into register_change (entity, code, effective_from, data, source)
                        values ('household_version', r.code, d,
                            jsonb_build_object('building', r.building, 'unit', r.unit, 'room', r.room, 'building_area', r.building_area, 'owner_name', r.owner_name,
                                'occupant_name', r.occupant_name, 'phone', r.phone, 'parking_permits', r.parking_permits),
                            r.source || ' row ' || r.row_no);
                        added := added + 1;
                    end loop;
                    return added;
                end $fn$;
                """);
            await using var apply = _bulk.Command("select pg_temp.apply_later_household_rows(@today, @beginning)");
            apply.Parameters.AddWithValue("today", today);
            apply.Parameters.AddWithValue("beginning", Beginning);
            var added = (int)(await apply.ExecuteScalarAsync(ct))!;
            foreach (var conflict in await _bulk.RowsAsync<HistoryConflictRow>("select seq, source, row_no, code, date from import_household_conflict order by seq"))
            {
                found.Add((conflict.Seq, conflict.ToError()));
            }

            return added;
        }

        /// <summary>
        /// Occupancy from the staging table. A household and date already recorded (in the database,
        /// or on an earlier row) keeps its status: the same status again is nothing new, another one
        /// is a conflict, because history is not overwritten.
        /// </summary>
        public async Task<int> OccupancyAsync()
        {
            var found = new List<(long Seq, InputError Error)>();
            // A household's changes are listed in date order: a date before the row above it is
            // almost always a typing slip (2026 for 2025), and silently sorting it would bill it.
            await _bulk.ErrorsAsync(found,
                """
                select b.seq, b.source, b.row_no, 'effective_from', 'occupancy.dates.backwards',
                    format('occupancy of household %s goes back in time: row %s is dated %s, before row %s (%s) above it; list a household''s changes in date order',
                        b.household_code, b.row_no, to_char(b.effective_from, 'YYYY-MM-DD'), b.previous_row, to_char(b.previous_from, 'YYYY-MM-DD'))
                from (
                    select s.*,
                        lag(s.row_no) over (partition by s.source, s.household_code order by s.seq) as previous_row,
                        lag(s.effective_from) over (partition by s.source, s.household_code order by s.seq) as previous_from
                    from stage_occupancy s) b
                where b.effective_from < b.previous_from
                """);
            await _bulk.ErrorsAsync(found,
                """
                select s.seq, s.source, s.row_no, 'household_code', 'occupancy.household.unknown', format('household ''%s'' is not in the register', s.household_code)
                from stage_occupancy s where not exists (select 1 from household h where h.code = s.household_code)
                """);
            await _bulk.ErrorsAsync(found,
                """
                with valid as (
                    select s.* from stage_occupancy s where exists (select 1 from household h where h.code = s.household_code)),
                first_row as (
                    select distinct on (household_code, effective_from) * from valid order by household_code, effective_from, seq)
                select v.seq, v.source, v.row_no, 'status', 'occupancy.conflict',
                    format('household %s is already recorded as %s from %s; history is not overwritten, record the change from another date',
                        v.household_code, coalesce(o.status, f.status), to_char(v.effective_from, 'YYYY-MM-DD'))
                from valid v
                join first_row f on f.household_code = v.household_code and f.effective_from = v.effective_from
                left join occupancy o on o.household_code = v.household_code and o.effective_from = v.effective_from
                where v.status <> coalesce(o.status, f.status)
                """);
            _bulk.AddInRowOrder(found);
            return await ScalarAsync<int>(
                """
                with valid as (
                    select s.* from stage_occupancy s where exists (select 1 from household h where h.code = s.household_code)),
                first_row as (
                    select distinct on (household_code, effective_from) * from valid order by household_code, effective_from, seq),
                added as (
                    insert into occupancy (household_code, effective_from, status)
                    select f.household_code, f.effective_from, f.status from first_row f
                    where not exists (select 1 from occupancy o where o.household_code = f.household_code and o.effective_from = f.effective_from)
                    order by f.seq
                    returning household_code, effective_from, status),
                logged as (
                    insert into register_change (entity, code, effective_from, data, source)
                    select 'occupancy', a.household_code, a.effective_from,
                        jsonb_build_object('household_code', a.household_code, 'status', a.status, 'effective_from', a.effective_from),
                        f.source || ' row ' || f.row_no
                    from added a join first_row f on f.household_code = a.household_code and f.effective_from = a.effective_from
                    order by f.seq)
                select count(*)::integer from added
                """);
        }

        /// <summary>Meter readings from the staging table: a reading already recorded keeps its quantity; another quantity is a conflict.</summary>
        public async Task<int> MeterReadingsAsync()
        {
            var found = new List<(long Seq, InputError Error)>();
            await _bulk.ErrorsAsync(found,
                """
                select s.seq, s.source, s.row_no, 'household_code', 'meter.household.unknown', format('household ''%s'' is not in the register', s.household_code)
                from stage_meter s where not exists (select 1 from household h where h.code = s.household_code)
                """);
            await _bulk.ErrorsAsync(found,
                """
                with valid as (
                    select s.* from stage_meter s where exists (select 1 from household h where h.code = s.household_code)),
                first_row as (
                    select distinct on (household_code, period, item_code) * from valid order by household_code, period, item_code, seq)
                select v.seq, v.source, v.row_no, 'quantity', 'meter.conflict',
                    format('the %s reading of %s for %s is already recorded as %s', v.item_code, v.household_code, to_char(v.period, 'YYYY-MM'), coalesce(m.quantity, f.quantity))
                from valid v
                join first_row f on f.household_code = v.household_code and f.period = v.period and f.item_code = v.item_code
                left join meter_reading m on m.household_code = v.household_code and m.period = v.period and m.item_code = v.item_code
                where v.quantity <> coalesce(m.quantity, f.quantity)
                """);
            _bulk.AddInRowOrder(found);
            return await ScalarAsync<int>(
                """
                with valid as (
                    select s.* from stage_meter s where exists (select 1 from household h where h.code = s.household_code)),
                first_row as (
                    select distinct on (household_code, period, item_code) * from valid order by household_code, period, item_code, seq),
                added as (
                    insert into meter_reading (household_code, period, item_code, quantity)
                    select household_code, period, item_code, quantity from first_row
                    on conflict do nothing
                    returning 1)
                select count(*)::integer from added
                """);
        }

        private bool CheckRates(CommunityRow row, string source, int number)
        {
            if (!rates!.RateBooks.Contains(row.RateBook))
            {
                Errors.Add(new InputError(source, number, "rate_book", "community.rate_book.unknown",
                    $"rate book '{row.RateBook}' is not in rates/ (known: {string.Join(", ", rates.RateBooks)})"));
                return false;
            }

            var from = row.LevelFrom is { } d && d > row.BillingStart ? d : row.BillingStart;
            var version = rates.InForce(row.RateBook, from) ?? rates.Versions.Where(v => v.RateBook == row.RateBook).MaxBy(v => v.EffectiveFrom)!;
            var (price, problem) = version.PriceFor(new LevelAssignment(row.Level, row.AgreedPrice), row.DefaultBuildingType);
            if (price is null)
            {
                Errors.Add(new InputError(source, number, row.AgreedPrice is null ? "service_level" : "agreed_price", "community.level.unpriced", problem!));
                return false;
            }

            return true;
        }

        /// <summary>
        /// Adds a row to an effective-dated table unless the values in force on its date are already
        /// the same. A first row without a date is dated <see cref="Beginning"/>; a change without a
        /// date takes effect today. A different value on a date that already has a row is refused.
        /// </summary>
        private async Task<bool> AddDatedAsync(
            string table, string keyColumn, string key, LocalDate? given, string source, int number, string dateColumn, Dictionary<string, object?> values)
        {
            var columns = string.Join(", ", values.Keys);
            // The columns vary with the table, so each version is read as a dictionary by column name (null for NULL).
            var versions = new List<(LocalDate From, object?[] Values)>();
            foreach (IDictionary<string, object?> row in await _bulk.RowsAsync<dynamic>(
                $"select effective_from, {columns} from {table} where {keyColumn} = @key order by effective_from", new { key }))
            {
                versions.Add(((LocalDate)row["effective_from"]!, [.. values.Keys.Select(column => row[column])]));
            }

            var date = versions.Count == 0 ? given ?? Beginning : given ?? today;
            if (versions.Count > 0)
            {
                var inForce = versions.LastOrDefault(v => v.From <= date);
                if (inForce.Values is null)
                {
                    inForce = versions[0];
                }

                if (inForce.Values.Zip(values.Values).All(p => Equals(Normalize(p.First), Normalize(p.Second))))
                {
                    return false;
                }

                if (versions.Any(v => v.From == date))
                {
                    Errors.Add(new InputError(source, number, dateColumn, "register.history.conflict",
                        $"{key} already has different values from {date:yyyy-MM-dd}; history is not overwritten, give the change its own {dateColumn}"));
                    return false;
                }
            }

            await using (var insert = new NpgsqlCommand(
                $"insert into {table} ({keyColumn}, effective_from, {columns}) values (@key, @from, {string.Join(", ", values.Keys.Select(k => "@" + k))})",
                connection, tx))
            {
                insert.Parameters.AddWithValue("key", key);
                insert.Parameters.AddWithValue("from", date);
                foreach (var (name, value) in values)
                {
                    insert.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }

                await insert.ExecuteNonQueryAsync(ct);
            }

            await LogAsync(table, key, date, values, source, number);
            return true;
        }

        private static object? Normalize(object? value) => value switch
        {
            decimal d => d / 1.000000000000000000000000000000000m, // 0.48 and 0.4800 compare equal
            _ => value,
        };

        private async Task LogAsync(string entity, string code, LocalDate? from, object data, string source, int number)
        {
            await using var cmd = new NpgsqlCommand(
                "insert into register_change (entity, code, effective_from, data, source) values (@e, @c, @f, @d::jsonb, @s)", connection, tx);
            cmd.Parameters.AddWithValue("e", entity);
            cmd.Parameters.AddWithValue("c", code);
            cmd.Parameters.AddWithValue("f", from is { } f ? f : DBNull.Value);
            cmd.Parameters.AddWithValue("d", JsonSerializer.Serialize(data));
            cmd.Parameters.AddWithValue("s", $"{source} row {number}");
            await cmd.ExecuteNonQueryAsync(ct);
        }

        private async Task<bool> ExistsAsync(string sql, string code) =>
            await ScalarAsync<int?>(sql, ("code", code)) is not null;

        private Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => _bulk.ScalarAsync<T>(sql, parameters);

        private Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => _bulk.ExecuteAsync(sql, parameters);

        // Rows as PostgreSQL returns them, mapped by column name.

        /// <summary>A round of first household rows: how many versions it added, and (when not null) one row it refused.</summary>
        private sealed record HouseholdRoundRow(int Added, long? Seq, string? Source, int? RowNo, string? Code, LocalDate? Date);

        private sealed record HistoryConflictRow(long Seq, string Source, int RowNo, string Code, LocalDate Date)
        {
            public InputError ToError() =>
                new(Source, RowNo, "effective_from", "register.history.conflict",
                    $"{Code} already has different values from {Date:yyyy-MM-dd}; history is not overwritten, give the change its own effective_from");
        }
    }
}
