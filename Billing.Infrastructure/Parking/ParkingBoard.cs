using Dapper;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>A space with the resident holding its permit on the day asked about, if any.</summary>
public sealed record BoardSpace(long Id, string Number, string SpaceType, string? Holder, string? HolderName, LocalDate? HolderFrom, LocalDate? HolderTo);

public sealed record BoardPermit(long Id, string Space, string Household, string? OwnerName, LocalDate ValidFrom, LocalDate? ValidTo);

public sealed record BoardBusiness(long Id, string Name, string Contact, string CreditCode);

/// <summary>A lease with its business, price and the first and last of its windows.</summary>
public sealed record BoardLease(long Id, string Space, string Business, string Kind, string PriceBasis, decimal Rate, Instant FirstStart, Instant LastEnd, long Windows);

/// <summary>
/// What the finance console shows of a community's shared parking: spaces and who holds them,
/// permits, the operator's businesses, leases, and release and lease windows for the calendar.
/// Reads only; every write goes through <see cref="LeaseStore"/> and its rules. Rows are mapped by
/// column name; instants and dates are sent as ISO text and cast in SQL.
/// </summary>
public sealed class ParkingBoard(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<BoardSpace>> SpacesAsync(string community, LocalDate on, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BoardSpace>(new CommandDefinition(
            """
            select s.id as id, s.number as number, s.space_type as spaceType,
                   p.household_code as holder, v.owner_name as holderName, p.valid_from as holderFrom, p.valid_to as holderTo
            from parking_space s
            left join parking_permit p on p.space_id = s.id and p.valid_from <= @on::date and (p.valid_to is null or p.valid_to >= @on::date)
            left join lateral (select owner_name from household_version hv where hv.household_code = p.household_code order by effective_from desc limit 1) v on true
            where s.community_code = @community
            order by s.number
            """, new { community, on = Iso(on) }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<BoardPermit>> PermitsAsync(string community, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BoardPermit>(new CommandDefinition(
            """
            select p.id as id, s.number as space, p.household_code as household, v.owner_name as ownerName, p.valid_from as validFrom, p.valid_to as validTo
            from parking_permit p join parking_space s on s.id = p.space_id
            left join lateral (select owner_name from household_version hv where hv.household_code = p.household_code order by effective_from desc limit 1) v on true
            where s.community_code = @community
            order by s.number, p.valid_from
            """, new { community }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The businesses registered with the operator (another operator's are never listed).</summary>
    public async Task<IReadOnlyList<BoardBusiness>> BusinessesAsync(string operatorCode, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BoardBusiness>(new CommandDefinition(
            "select id as id, name as name, contact as contact, credit_code as creditCode from business where operator_code = @operatorCode order by name, id",
            new { operatorCode }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Leases of the community with a window in the range, oldest first.</summary>
    public async Task<IReadOnlyList<BoardLease>> LeasesAsync(string community, Interval range, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BoardLease>(new CommandDefinition(
            """
            select l.id as id, s.number as space, b.name as business, l.kind as kind, l.price_basis as priceBasis, l.rate as rate,
                   min(lower(ls.during)) as firstStart, max(upper(ls.during)) as lastEnd, count(*) as windows
            from parking_lease l
            join parking_space s on s.id = l.space_id
            join business b on b.id = l.business_id
            join parking_lease_slot ls on ls.lease_id = l.id
            where s.community_code = @community
            group by l.id, s.number, b.name, l.kind, l.price_basis, l.rate
            having bool_or(ls.during && tstzrange(@from::timestamptz, @to::timestamptz))
            order by l.id
            """, new { community, from = Iso(range.Start), to = Iso(range.End) }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Every release and lease window of the community (or of one space) that touches the range.</summary>
    public async Task<IReadOnlyList<CalendarWindow>> WindowsAsync(string community, Interval range, string? space = null, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<WindowRow>(new CommandDefinition(
            """
            select s.number as space, 'released' as mark, r.released_by as who, lower(r.during) as fromAt, upper(r.during) as toAt
            from parking_release_slot r join parking_space s on s.id = r.space_id
            where s.community_code = @community and (@space::text is null or s.number = @space) and r.during && tstzrange(@from::timestamptz, @to::timestamptz)
            union all
            select s.number, 'leased', b.name, lower(ls.during), upper(ls.during)
            from parking_lease_slot ls join parking_lease l on l.id = ls.lease_id join business b on b.id = l.business_id join parking_space s on s.id = ls.space_id
            where s.community_code = @community and (@space::text is null or s.number = @space) and ls.during && tstzrange(@from::timestamptz, @to::timestamptz)
            order by 1, 4
            """, new { community, space, from = Iso(range.Start), to = Iso(range.End) }, cancellationToken: ct));
        return rows.Select(r => new CalendarWindow(r.Space, r.Mark == "leased" ? CalendarMark.Leased : CalendarMark.Released, r.Who, new Interval(r.FromAt, r.ToAt))).ToList();
    }

    /// <summary>The id of a space of the community, or null: the caller has already checked the community is the operator's.</summary>
    public async Task<long?> SpaceIdAsync(string community, string number, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "select id from parking_space where community_code = @community and number = @number", new { community, number }, cancellationToken: ct));
    }

    /// <summary>
    /// The first of these months that is closed for leases in the community: its pool is stored or
    /// its business invoices are issued (the same rule <see cref="LeaseStore"/> applies).
    /// </summary>
    public async Task<YearMonth?> ClosedMonthAsync(string community, IEnumerable<YearMonth> months, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var closed = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            select to_char(min(period), 'YYYY-MM') from (
                select period from parking_pool where community_code = @community and to_char(period, 'YYYY-MM') = any(@months)
                union all
                select period from business_invoice where community_code = @community and to_char(period, 'YYYY-MM') = any(@months)) closed
            """, new { community, months = months.Select(m => $"{m.Year:D4}-{m.Month:D2}").Distinct().ToArray() }, cancellationToken: ct));
        return closed is null ? null : new YearMonth(int.Parse(closed[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(closed[5..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private sealed record WindowRow(string Space, string Mark, string Who, Instant FromAt, Instant ToAt);
}
