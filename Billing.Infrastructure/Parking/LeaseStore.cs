using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>A lease the rules refuse: outside a released window, or overlapping another lease of the space.</summary>
public sealed class LeaseConflictException(string message) : Exception(message);

/// <summary>Parking spaces, releases and leases in PostgreSQL (the first part of shared parking).</summary>
public sealed class LeaseStore(NpgsqlDataSource dataSource)
{
    public async Task<long> AddSpaceAsync(string community, string number, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "insert into parking_space (community_code, number) values (@c, @n) on conflict (community_code, number) do update set number = excluded.number returning id");
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("n", number);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<long> AddBusinessAsync(string name, string contact, CreditCode code, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "insert into business (name, contact, credit_code) values (@n, @c, @k) on conflict (credit_code) do update set name = excluded.name returning id");
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
    public async Task<long> LeaseAsync(long space, long business, string kind, IReadOnlyList<Interval> slots, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var released = new List<Interval>();
        await using (var cmd = new NpgsqlCommand("select during from parking_release_slot where space_id = @s", connection, tx))
        {
            cmd.Parameters.AddWithValue("s", space);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                released.Add(reader.GetFieldValue<Interval>(0));
            }
        }

        var uncovered = LeaseRules.Uncovered(slots, released);
        if (uncovered.Count > 0)
        {
            throw new LeaseConflictException($"space {space} is not released from {uncovered[0].Start} to {uncovered[0].End}");
        }

        long id;
        await using (var insert = new NpgsqlCommand("insert into parking_lease (space_id, business_id, kind) values (@s, @b, @k) returning id", connection, tx))
        {
            insert.Parameters.AddWithValue("s", space);
            insert.Parameters.AddWithValue("b", business);
            insert.Parameters.AddWithValue("k", kind);
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

    public async Task<IReadOnlyList<Interval>> LeasedAsync(long space, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select during from parking_lease_slot where space_id = @s order by lower(during)");
        cmd.Parameters.AddWithValue("s", space);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<Interval>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetFieldValue<Interval>(0));
        }

        return result;
    }
}
