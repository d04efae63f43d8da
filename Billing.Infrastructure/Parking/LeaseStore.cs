using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>A lease the rules refuse: outside a released window, or overlapping another lease of the space.</summary>
public sealed class LeaseConflictException(string message) : Exception(message);

/// <summary>Parking spaces, releases and leases in PostgreSQL (the first part of shared parking).</summary>
public sealed class LeaseStore(NpgsqlDataSource dataSource)
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public async Task<long> AddSpaceAsync(string community, string number, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "insert into parking_space (community_code, number) values (@c, @n) on conflict (community_code, number) do update set number = excluded.number returning id");
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("n", number);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A business no operator has leased to yet; the first lease makes it that operator's.</summary>
    public Task<long> AddBusinessAsync(string name, string contact, CreditCode code, CancellationToken ct = default) =>
        AddBusinessAsync(null, name, contact, code, ct);

    /// <summary>
    /// Registers (or renames) a business of one operator. Businesses are per operator: another
    /// operator registering the same credit code gets a record of its own and never touches this one.
    /// </summary>
    public async Task<long> AddBusinessAsync(string? operatorCode, string name, string contact, CreditCode code, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            insert into business (operator_code, name, contact, credit_code) values (@o, @n, @c, @k)
            on conflict (operator_code, credit_code) do update set name = excluded.name, contact = excluded.contact
            returning id
            """);
        cmd.Parameters.AddWithValue("o", (object?)operatorCode ?? DBNull.Value);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("c", contact);
        cmd.Parameters.AddWithValue("k", code.Value);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The permit holder (or the company) makes the space available for these intervals.</summary>
    public async Task ReleaseAsync(long space, IReadOnlyList<Interval> slots, string releasedBy, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var slot in slots)
        {
            await using var cmd = new NpgsqlCommand("insert into parking_release_slot (space_id, during, released_by) values (@s, @d, @by)", connection, tx);
            cmd.Parameters.AddWithValue("s", space);
            cmd.Parameters.AddWithValue("d", slot);
            cmd.Parameters.AddWithValue("by", releasedBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Leases a space to a business for these intervals, all or nothing. Intervals outside the
    /// released windows are refused here; overlaps with other leases are refused by PostgreSQL's
    /// exclusion constraint, which also settles two requests arriving at the same moment.
    /// </summary>
    public async Task<long> LeaseAsync(long space, long business, string kind, IReadOnlyList<Interval> slots, CancellationToken ct = default) =>
        await LeaseAsync(space, business, kind, slots, null, ct);

    /// <param name="kind">monthly (the standard daytime window of a month, at the monthly price), recurring (a window the holder chose, by the hour) or one-off (by the hour).</param>
    /// <param name="rates">The prices in force: a monthly lease pays the monthly price, any other the hourly one.</param>
    public async Task<long> LeaseAsync(long space, long business, string kind, IReadOnlyList<Interval> slots, ParkingRates? rates, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        string? community;
        await using (var find = new NpgsqlCommand("select community_code from parking_space where id = @s", connection, tx))
        {
            find.Parameters.AddWithValue("s", space);
            community = await find.ExecuteScalarAsync(ct) as string;
        }

        if (community is not null)
        {
            await LockCommunityAsync(connection, tx, community, ct);
            if (await ClosedMonthAsync(connection, tx, community, slots, ct) is { } closed)
            {
                throw new LeaseConflictException($"{closed} is already billed for {community} (pool stored or business invoices issued); lease a later month");
            }
        }

        var released = await connection.QueryRowsAsync<Interval>("select during from parking_release_slot where space_id = @space", new { space }, tx, ct);
        var uncovered = LeaseRules.Uncovered(slots, released);
        if (uncovered.Count > 0)
        {
            throw new LeaseConflictException($"space {space} is not released from {uncovered[0].Start} to {uncovered[0].End}");
        }

        long id;
        await using (var insert = new NpgsqlCommand(
            "insert into parking_lease (space_id, business_id, kind, price_basis, rate, rate_version) values (@s, @b, @k, @basis, @rate, @version) returning id",
            connection, tx))
        {
            var monthly = kind == "monthly";
            insert.Parameters.AddWithValue("s", space);
            insert.Parameters.AddWithValue("b", business);
            insert.Parameters.AddWithValue("k", kind);
            insert.Parameters.AddWithValue("basis", monthly ? "monthly" : "hourly");
            insert.Parameters.AddWithValue("rate", rates is null ? 0m : (monthly ? rates.LeaseMonthly : rates.LeaseHourly).Yuan);
            insert.Parameters.AddWithValue("version", rates?.VersionId ?? string.Empty);
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        try
        {
            foreach (var slot in slots)
            {
                await using var cmd = new NpgsqlCommand("insert into parking_lease_slot (lease_id, space_id, during) values (@l, @s, @d)", connection, tx);
                cmd.Parameters.AddWithValue("l", id);
                cmd.Parameters.AddWithValue("s", space);
                cmd.Parameters.AddWithValue("d", slot);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new LeaseConflictException($"space {space} is already leased for part of that time");
        }

        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Gives a household the resident permit of a space from a date (to a date, or open).</summary>
    public async Task<long> PermitAsync(long space, string household, LocalDate from, LocalDate? to, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "insert into parking_permit (space_id, household_code, valid_from, valid_to) values (@s, @h, @f, @t) returning id");
        cmd.Parameters.AddWithValue("s", space);
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("f", from);
        cmd.Parameters.AddWithValue("t", to is { } t ? t : DBNull.Value);
        try
        {
            return (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new LeaseConflictException($"space {space} already has a resident permit holder for part of that time");
        }
    }

    /// <summary>
    /// A community's parking for a month: its permits (prorated by the days held), the month's lease
    /// income and what the last stored pool carried out. Null when the operator has no parking prices.
    /// </summary>
    public async Task<ParkingMonth?> MonthAsync(string community, string operatorCode, YearMonth period, ParkingRateBook book, DateTimeZone zone, CancellationToken ct = default)
    {
        var first = period.OnDayOfMonth(1);
        var daysInMonth = period.Calendar.GetDaysInMonth(period.Year, period.Month);
        var last = period.OnDayOfMonth(daysInMonth);
        if (book.For(operatorCode, first) is not { } rates)
        {
            return null;
        }

        var permits = new Dictionary<Core.Register.HouseholdCode, List<PermitMonth>>();
        var held = await dataSource.QueryRowsAsync<PermitHeldRow>(
            """
            select p.id, p.household_code, s.number, greatest(p.valid_from, @first) as held_from, least(coalesce(p.valid_to, @last), @last) as held_to
            from parking_permit p join parking_space s on s.id = p.space_id
            where s.community_code = @community and p.valid_from <= @last and (p.valid_to is null or p.valid_to >= @first)
            order by p.id
            """,
            new { community, first, last },
            ct);
        foreach (var permit in held)
        {
            var days = Period.DaysBetween(permit.HeldFrom, permit.HeldTo) + 1;
            var household = new Core.Register.HouseholdCode(permit.HouseholdCode);
            if (!permits.TryGetValue(household, out var list))
            {
                permits[household] = list = [];
            }

            list.Add(new PermitMonth($"{permit.Number}#{permit.Id}", rates.PermitMonthly, rates.FloorMonthly, days == daysInMonth ? 1m : (decimal)days / daysInMonth));
        }

        IReadOnlyList<InvoicedLease> leases;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            leases = await LeasesAsync(connection, null, community, ct);
        }

        var income = Core.Money.Sum(leases.Select(l => LeaseIncome.For(l.Lease, period, zone)));
        decimal carryIn;
        await using (var cmd = dataSource.CreateCommand(
            "select coalesce((select carry_out from parking_pool where community_code = @c and period < @p order by period desc limit 1), 0)"))
        {
            cmd.Parameters.AddWithValue("c", community);
            cmd.Parameters.AddWithValue("p", first);
            carryIn = (decimal)(await cmd.ExecuteScalarAsync(ct))!;
        }

        return new ParkingMonth(income + new Core.Money(carryIn), permits.ToDictionary(p => p.Key, p => (IReadOnlyList<PermitMonth>)p.Value), rates.VersionId)
        {
            LeaseIncome = income,
        };
    }

    /// <summary>
    /// Every lease of a community with its slots, price and business: the one reading that both the
    /// pool (<see cref="MonthAsync"/>) and the business invoices use, so they cannot disagree.
    /// </summary>
    internal static async Task<IReadOnlyList<InvoicedLease>> LeasesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string community, CancellationToken ct)
    {
        var leases = new Dictionary<long, (bool Monthly, decimal Rate, string Space, long Business, string Version, List<Interval> Slots)>();
        var rows = await connection.QueryRowsAsync<LeaseSlotRow>(
            """
            select l.id, l.price_basis, l.rate, ls.during, s.number, l.business_id, l.rate_version
            from parking_lease l join parking_space s on s.id = l.space_id join parking_lease_slot ls on ls.lease_id = l.id
            where s.community_code = @community
            order by l.id, lower(ls.during)
            """,
            new { community },
            tx,
            ct);
        foreach (var row in rows)
        {
            if (!leases.TryGetValue(row.Id, out var lease))
            {
                leases[row.Id] = lease = (PriceBases.IsMonthly(row.PriceBasis, "parking_lease.price_basis"), row.Rate, row.Number, row.BusinessId, row.RateVersion, []);
            }

            lease.Slots.Add(row.During);
        }

        return leases
            .Select(l => new InvoicedLease(new PricedLease(l.Key, l.Value.Monthly, new Core.Money(l.Value.Rate), l.Value.Slots), l.Value.Space, l.Value.Business, l.Value.Version))
            .ToList();
    }

    /// <summary>
    /// Serialises lease changes and invoicing within one community, so a lease can never slip in
    /// between reading a month's leases and storing that month's invoices.
    /// </summary>
    internal static async Task LockCommunityAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('parking:' || @c, 0))", connection, tx);
        cmd.Parameters.AddWithValue("c", community);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A month whose pool is stored or whose business invoices are issued is closed: a lease added
    /// to it afterwards would be income that neither the residents' pool nor the invoices show.
    /// </summary>
    private static async Task<string?> ClosedMonthAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, IReadOnlyList<Interval> slots, CancellationToken ct)
    {
        var months = slots
            .SelectMany(s => new[] { s.Start.InZone(Shanghai).Date, (s.End - Duration.Epsilon).InZone(Shanghai).Date })
            .Select(d => new LocalDate(d.Year, d.Month, 1))
            .Distinct()
            .ToArray();
        await using var cmd = new NpgsqlCommand(
            """
            select min(period) from (
                select period from parking_pool where community_code = @c and period = any(@p)
                union all
                select period from business_invoice where community_code = @c and period = any(@p)) closed
            """, connection, tx);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", months);
        return await cmd.ExecuteScalarAsync(ct) is LocalDate closed ? $"{closed.Year:D4}-{closed.Month:D2}" : null;
    }

    public Task<IReadOnlyList<Interval>> LeasedAsync(long space, CancellationToken ct = default) =>
        dataSource.QueryRowsAsync<Interval>("select during from parking_lease_slot where space_id = @space order by lower(during)", new { space }, ct);

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record PermitHeldRow(long Id, string HouseholdCode, string Number, LocalDate HeldFrom, LocalDate HeldTo);

    private sealed record LeaseSlotRow(long Id, string PriceBasis, decimal Rate, Interval During, string Number, long BusinessId, string RateVersion);
}

/// <summary>A lease's or invoice line's price basis as stored: 'monthly' (the monthly price) or 'hourly'; any other word is an error.</summary>
internal static class PriceBases
{
    public static bool IsMonthly(string text, string column) => StoredValues.Read<bool>(text, TryParse, "a price basis", column);

    private static bool TryParse(string? text, out bool monthly)
    {
        (var known, monthly) = text switch
        {
            "monthly" => (true, true),
            "hourly" => (true, false),
            _ => (false, false),
        };
        return known;
    }
}
