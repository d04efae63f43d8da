using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>The household register in PostgreSQL.</summary>
public sealed class RegisterStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores communities and households in one transaction, keyed by code: importing the same
    /// files again changes nothing. A household that names an unknown community rejects the
    /// whole import, naming the row.
    /// </summary>
    public async Task<ImportResult> ImportAsync(
        IReadOnlyList<Community> communities, IReadOnlyList<Sourced<Household>> households, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var communitiesChanged = 0;
        foreach (var c in communities)
        {
            await using var cmd = new NpgsqlCommand(
                """
                insert into community (code, name, operator_name, city, district, rate_book, service_level, billing_start)
                values (@code, @name, @op, @city, @district, @rate_book, @level, @start)
                on conflict (code) do update set
                    name = excluded.name, operator_name = excluded.operator_name, city = excluded.city,
                    district = excluded.district, rate_book = excluded.rate_book,
                    service_level = excluded.service_level, billing_start = excluded.billing_start, updated_at = now()
                where (community.name, community.operator_name, community.city, community.district, community.rate_book,
                       community.service_level, community.billing_start)
                   is distinct from (excluded.name, excluded.operator_name, excluded.city, excluded.district, excluded.rate_book,
                       excluded.service_level, excluded.billing_start)
                """, connection, tx);
            cmd.Parameters.AddWithValue("code", c.Code.Value);
            cmd.Parameters.AddWithValue("name", c.Name);
            cmd.Parameters.AddWithValue("op", c.OperatorName);
            cmd.Parameters.AddWithValue("city", c.City);
            cmd.Parameters.AddWithValue("district", c.District);
            cmd.Parameters.AddWithValue("rate_book", c.RateBook);
            cmd.Parameters.AddWithValue("level", c.Level.ToString());
            cmd.Parameters.AddWithValue("start", c.BillingStart);
            communitiesChanged += await cmd.ExecuteNonQueryAsync(ct);
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var list = new NpgsqlCommand("select code from community", connection, tx))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                known.Add(reader.GetString(0));
            }
        }

        var unknown = households
            .Where(h => !known.Contains(h.Value.Community.Value))
            .Select(h => new InputError(h.Source, h.Row, "community_code", "household.community.unknown",
                $"community '{h.Value.Community}' is not in the register"))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InputRejectedException(unknown);
        }

        var householdsChanged = 0;
        foreach (var h in households.Select(s => s.Value))
        {
            await using var cmd = new NpgsqlCommand(
                """
                insert into household (code, community_code, building, unit, room, building_area, owner_name)
                values (@code, @community, @building, @unit, @room, @area, @owner)
                on conflict (code) do update set
                    community_code = excluded.community_code, building = excluded.building, unit = excluded.unit,
                    room = excluded.room, building_area = excluded.building_area, owner_name = excluded.owner_name, updated_at = now()
                where (household.community_code, household.building, household.unit, household.room, household.building_area, household.owner_name)
                   is distinct from (excluded.community_code, excluded.building, excluded.unit, excluded.room, excluded.building_area, excluded.owner_name)
                """, connection, tx);
            cmd.Parameters.AddWithValue("code", h.Code.Value);
            cmd.Parameters.AddWithValue("community", h.Community.Value);
            cmd.Parameters.AddWithValue("building", h.Building);
            cmd.Parameters.AddWithValue("unit", h.Unit);
            cmd.Parameters.AddWithValue("room", h.Room);
            cmd.Parameters.AddWithValue("area", h.Area.Value);
            cmd.Parameters.AddWithValue("owner", h.OwnerName);
            householdsChanged += await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new ImportResult(communities.Count, communitiesChanged, households.Count, householdsChanged);
    }

    public async Task<IReadOnlyList<Community>> CommunitiesAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select code, name, operator_name, city, district, rate_book, service_level, billing_start from community order by code");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<Community>();
        while (await reader.ReadAsync(ct))
        {
            if (!ServiceLevel.TryParse(reader.GetString(6), out var level))
            {
                throw new InvalidOperationException($"Community {reader.GetString(0)} has an unreadable service level '{reader.GetString(6)}'.");
            }

            result.Add(new Community(
                new CommunityCode(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), level, reader.GetFieldValue<LocalDate>(7)));
        }

        return result;
    }

    public async Task<IReadOnlyList<Household>> HouseholdsAsync(CommunityCode community, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            select code, community_code, building, unit, room, building_area, owner_name
            from household where community_code = @community order by code
            """);
        cmd.Parameters.AddWithValue("community", community.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<Household>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Household(
                new HouseholdCode(reader.GetString(0)), new CommunityCode(reader.GetString(1)), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), new SquareMetres(reader.GetDecimal(5)), reader.GetString(6)));
        }

        return result;
    }
}

public sealed record ImportResult(int Communities, int CommunitiesChanged, int Households, int HouseholdsChanged);
