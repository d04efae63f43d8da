using System.Text.Json;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

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
/// The household register in PostgreSQL, with history. An import is one transaction: every row is
/// checked against the file, the stored register and the rate books, all problems are reported
/// with file, row and column, and nothing is stored unless everything is valid. Importing the same
/// files again changes nothing; a changed value becomes a new effective-dated row, never an overwrite.
/// </summary>
public sealed class RegisterStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The date of a first record whose real start is unknown: it describes the home "as it always was".</summary>
    public static readonly LocalDate Beginning = new(1900, 1, 1);

    public async Task<ImportResult> ImportAsync(RegisterImport import, LocalDate today, RateCatalog? rates, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var session = new ImportSession(connection, tx, today, rates, ct);

        var communities = new ImportCount(import.Communities.Count, await session.CommunitiesAsync(import.Communities));
        var buildings = new ImportCount(import.Buildings.Count, await session.BuildingsAsync(import.Buildings));
        var households = new ImportCount(import.Households.Count, await session.HouseholdsAsync(import.Households));
        var occupancy = new ImportCount(import.Occupancy.Count, await session.OccupancyAsync(import.Occupancy));
        var meters = new ImportCount(import.MeterReadings.Count, await session.MeterReadingsAsync(import.MeterReadings));

        if (session.Errors.Count > 0)
        {
            throw new InputRejectedException(session.Errors);
        }

        await tx.CommitAsync(ct);
        return new ImportResult(communities, buildings, households, occupancy, meters);
    }

    public async Task<IReadOnlyList<Community>> CommunitiesAsync(CancellationToken ct = default)
    {
        var levels = new Dictionary<string, List<Dated<LevelAssignment>>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand("select community_code, effective_from, service_level, agreed_price from community_level"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var level = ParseLevel(reader.GetString(2), reader.GetString(0));
                var agreed = reader.IsDBNull(3) ? (AreaPrice?)null : new AreaPrice(reader.GetDecimal(3));
                Add(levels, reader.GetString(0), new Dated<LevelAssignment>(reader.GetFieldValue<LocalDate>(1), new LevelAssignment(level, agreed)));
            }
        }

        var buildings = new Dictionary<string, Dictionary<string, BuildingType>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand("select community_code, building, building_type from building"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                BuildingTypes.TryParse(reader.GetString(2), out var type);
                if (!buildings.TryGetValue(reader.GetString(0), out var map))
                {
                    buildings[reader.GetString(0)] = map = new Dictionary<string, BuildingType>(StringComparer.Ordinal);
                }

                map[reader.GetString(1)] = type;
            }
        }

        await using var communities = dataSource.CreateCommand(
            """
            select c.code, c.name, c.operator_code, o.name, c.zone_code, c.city, c.district, c.rate_book, c.billing_start, c.building_type
            from community c join operator o on o.code = c.operator_code order by c.code
            """);
        await using var rows = await communities.ExecuteReaderAsync(ct);
        var result = new List<Community>();
        while (await rows.ReadAsync(ct))
        {
            var code = rows.GetString(0);
            BuildingTypes.TryParse(rows.GetString(9), out var defaultType);
            result.Add(new Community(
                new CommunityCode(code), rows.GetString(1), rows.GetString(2), rows.GetString(3),
                rows.IsDBNull(4) ? null : rows.GetString(4), rows.GetString(5), rows.GetString(6), rows.GetString(7),
                new Timeline<LevelAssignment>(levels.GetValueOrDefault(code) ?? throw new InvalidOperationException($"Community {code} has no service level.")),
                rows.GetFieldValue<LocalDate>(8), defaultType,
                buildings.GetValueOrDefault(code) ?? new Dictionary<string, BuildingType>()));
        }

        return result;
    }

    public async Task<IReadOnlyList<Household>> HouseholdsAsync(CommunityCode community, CancellationToken ct = default)
    {
        var details = new Dictionary<string, List<Dated<HouseholdDetails>>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand(
            """
            select v.household_code, v.effective_from, v.building, v.unit, v.room, v.building_area, v.owner_name, v.occupant_name, v.phone, v.parking_permits
            from household_version v join household h on h.code = v.household_code
            where h.community_code = @community
            """))
        {
            cmd.Parameters.AddWithValue("community", community.Value);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(details, reader.GetString(0), new Dated<HouseholdDetails>(
                    reader.GetFieldValue<LocalDate>(1),
                    new HouseholdDetails(reader.GetString(2), reader.GetString(3), reader.GetString(4), new SquareMetres(reader.GetDecimal(5)),
                        reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt32(9))));
            }
        }

        var occupancy = new Dictionary<string, List<Dated<Occupancy>>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand(
            """
            select o.household_code, o.effective_from, o.status
            from occupancy o join household h on h.code = o.household_code
            where h.community_code = @community
            """))
        {
            cmd.Parameters.AddWithValue("community", community.Value);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Occupancies.TryParse(reader.GetString(2), out var status);
                Add(occupancy, reader.GetString(0), new Dated<Occupancy>(reader.GetFieldValue<LocalDate>(1), status));
            }
        }

        return details.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new Household(
                new HouseholdCode(d.Key), community, new Timeline<HouseholdDetails>(d.Value),
                occupancy.TryGetValue(d.Key, out var o) ? new Timeline<Occupancy>(o) : Timeline<Occupancy>.Always(Occupancy.Occupied)))
            .ToList();
    }

    /// <summary>Meter readings of a community's households for a month: household → item → quantity.</summary>
    public async Task<IReadOnlyDictionary<HouseholdCode, Dictionary<string, decimal>>> MeterReadingsAsync(
        CommunityCode community, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            select m.household_code, m.item_code, m.quantity
            from meter_reading m join household h on h.code = m.household_code
            where h.community_code = @community and m.period = @period
            """);
        cmd.Parameters.AddWithValue("community", community.Value);
        cmd.Parameters.AddWithValue("period", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<HouseholdCode, Dictionary<string, decimal>>();
        while (await reader.ReadAsync(ct))
        {
            var code = new HouseholdCode(reader.GetString(0));
            if (!result.TryGetValue(code, out var items))
            {
                result[code] = items = new Dictionary<string, decimal>(StringComparer.Ordinal);
            }

            items[reader.GetString(1)] = reader.GetDecimal(2);
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
        public List<InputError> Errors { get; } = [];

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
                        on conflict (code) do update set name = excluded.name, operator_code = excluded.operator_code
                        where (zone.name, zone.operator_code) is distinct from (excluded.name, excluded.operator_code)
                        """,
                        ("code", row.ZoneCode), ("name", row.ZoneName ?? row.ZoneCode), ("op", row.OperatorCode));
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

        public async Task<int> HouseholdsAsync(IReadOnlyList<Sourced<HouseholdRow>> rows)
        {
            var changed = 0;
            foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
            {
                if (!await ExistsAsync("select 1 from community where code = @code", row.Community.Value))
                {
                    Errors.Add(new InputError(source, number, "community_code", "household.community.unknown", $"community '{row.Community}' is not in the register"));
                    continue;
                }

                var current = await ScalarAsync<string>("select community_code from household where code = @code", ("code", row.Code.Value));
                if (current is not null && current != row.Community.Value)
                {
                    Errors.Add(new InputError(source, number, "community_code", "household.community.moved",
                        $"household {row.Code} belongs to community {current}; a home does not move between communities (give it a new code)"));
                    continue;
                }

                if (current is null)
                {
                    await ExecuteAsync("insert into household (code, community_code) values (@code, @community)",
                        ("code", row.Code.Value), ("community", row.Community.Value));
                }

                var d = row.Details;
                var versionChanged = await AddDatedAsync(
                    "household_version", "household_code", row.Code.Value, row.EffectiveFrom, source, number, "effective_from",
                    new Dictionary<string, object?>
                    {
                        ["building"] = d.Building, ["unit"] = d.Unit, ["room"] = d.Room, ["building_area"] = d.Area.Value,
                        ["owner_name"] = d.OwnerName, ["occupant_name"] = d.OccupantName, ["phone"] = d.Phone, ["parking_permits"] = d.ParkingPermits,
                    });
                changed += versionChanged ? 1 : 0;
            }

            return changed;
        }

        public async Task<int> OccupancyAsync(IReadOnlyList<Sourced<OccupancyRow>> rows)
        {
            var changed = 0;
            foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
            {
                if (!await ExistsAsync("select 1 from household where code = @code", row.Household.Value))
                {
                    Errors.Add(new InputError(source, number, "household_code", "occupancy.household.unknown", $"household '{row.Household}' is not in the register"));
                    continue;
                }

                var existing = await ScalarAsync<string>("select status from occupancy where household_code = @h and effective_from = @d",
                    ("h", row.Household.Value), ("d", row.EffectiveFrom));
                if (existing is null)
                {
                    await ExecuteAsync("insert into occupancy (household_code, effective_from, status) values (@h, @d, @s)",
                        ("h", row.Household.Value), ("d", row.EffectiveFrom), ("s", row.Status.Name()));
                    await LogAsync("occupancy", row.Household.Value, row.EffectiveFrom, row, source, number);
                    changed++;
                }
                else if (existing != row.Status.Name())
                {
                    Errors.Add(new InputError(source, number, "status", "occupancy.conflict",
                        $"household {row.Household} is already recorded as {existing} from {row.EffectiveFrom:yyyy-MM-dd}; history is not overwritten, record the change from another date"));
                }
            }

            return changed;
        }

        public async Task<int> MeterReadingsAsync(IReadOnlyList<Sourced<MeterReadingRow>> rows)
        {
            var changed = 0;
            foreach (var (row, source, number) in rows.Select(r => (r.Value, r.Source, r.Row)))
            {
                if (!await ExistsAsync("select 1 from household where code = @code", row.Household.Value))
                {
                    Errors.Add(new InputError(source, number, "household_code", "meter.household.unknown", $"household '{row.Household}' is not in the register"));
                    continue;
                }

                var period = row.Period.OnDayOfMonth(1);
                var existing = await ScalarAsync<decimal?>("select quantity from meter_reading where household_code = @h and period = @p and item_code = @i",
                    ("h", row.Household.Value), ("p", period), ("i", row.ItemCode));
                if (existing is null)
                {
                    await ExecuteAsync("insert into meter_reading (household_code, period, item_code, quantity) values (@h, @p, @i, @q)",
                        ("h", row.Household.Value), ("p", period), ("i", row.ItemCode), ("q", row.Quantity));
                    changed++;
                }
                else if (existing.Value != row.Quantity)
                {
                    Errors.Add(new InputError(source, number, "quantity", "meter.conflict",
                        $"the {row.ItemCode} reading of {row.Household} for {row.Period} is already recorded as {existing.Value}"));
                }
            }

            return changed;
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
            var versions = new List<(LocalDate From, object?[] Values)>();
            await using (var cmd = new NpgsqlCommand($"select effective_from, {columns} from {table} where {keyColumn} = @key order by effective_from", connection, tx))
            {
                cmd.Parameters.AddWithValue("key", key);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var row = new object?[values.Count];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1);
                    }

                    versions.Add((reader.GetFieldValue<LocalDate>(0), row));
                }
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

        private async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
        {
            await using var cmd = new NpgsqlCommand(sql, connection, tx);
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value);
            }

            var result = await cmd.ExecuteScalarAsync(ct);
            return result is null or DBNull ? default : (T)result;
        }

        private async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
        {
            await using var cmd = new NpgsqlCommand(sql, connection, tx);
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value);
            }

            return await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
