using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Points;

public sealed record Redemption(long Id, string Reward, int Points, Money? Credit, IReadOnlyList<string> Vouchers);

public sealed record PointsHistoryEntry(long Id, string Kind, int Points, LocalDate On, string What, string? ConfirmedBy);

/// <summary>What happened to a voucher someone tried to use.</summary>
public enum VoucherUse
{
    Used,
    NotFound,
    AlreadyUsed,
}

/// <summary>A points action the rules forbid (not enough points, a monthly cap, a used voucher): an HTTP 409.</summary>
/// <param name="Field">The input at fault, named as the points files name their columns (household_code, reward_code, points, redeemed_on).</param>
public sealed class PointsRefusedException(string message, string field = "points") : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>The volunteer points ledger in PostgreSQL.</summary>
public sealed class PointsStore(NpgsqlDataSource dataSource, PointsCatalogues catalogues)
{
    /// <summary>Records a confirmed volunteer service and the points it earns.</summary>
    public async Task<long> EarnAsync(string household, string serviceCode, LocalDate on, string confirmedBy, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(confirmedBy))
        {
            throw new PointsRefusedException("every earning records who confirmed the service");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var catalogue = await CatalogueAsync(connection, tx, household, on, ct);
        var service = catalogue.Service(serviceCode) ?? throw new PointsRefusedException($"'{serviceCode}' is not a service in {catalogue.VersionId}");
        await using (var account = new NpgsqlCommand(
            "insert into points_account (household_code, balance) values (@h, @p) on conflict (household_code) do update set balance = points_account.balance + excluded.balance",
            connection, tx))
        {
            account.Parameters.AddWithValue("h", household);
            account.Parameters.AddWithValue("p", service.Points);
            await account.ExecuteNonQueryAsync(ct);
        }

        await using var insert = new NpgsqlCommand(
            """
            insert into points_entry (household_code, kind, points, entry_date, catalogue, service_code, confirmed_by, expires_on, note)
            values (@h, 'earn', @p, @d, @c, @s, @by, @expires, @note) returning id
            """, connection, tx);
        insert.Parameters.AddWithValue("h", household);
        insert.Parameters.AddWithValue("p", service.Points);
        insert.Parameters.AddWithValue("d", on);
        insert.Parameters.AddWithValue("c", catalogue.VersionId);
        insert.Parameters.AddWithValue("s", service.Code);
        insert.Parameters.AddWithValue("by", confirmedBy);
        insert.Parameters.AddWithValue("expires", catalogue.ExpiryMonths is { } m ? on.PlusMonths(m) : DBNull.Value);
        insert.Parameters.AddWithValue("note", service.Label);
        var id = (long)(await insert.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Redeems points for a reward. The balance is taken down with a guarded update, so two
    /// redemptions at once cannot both spend the same points; the CHECK on the account is the last guard.
    /// </summary>
    public async Task<Redemption> RedeemAsync(string household, string rewardCode, int points, LocalDate on, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var redemption = await RedeemAsync(connection, tx, household, rewardCode, points, on, null, ct);
        await tx.CommitAsync(ct);
        return redemption;
    }

    /// <summary>A redemption inside the caller's transaction (a file import), with the reference of the record it came from.</summary>
    internal async Task<Redemption> RedeemAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string household, string rewardCode, int points, LocalDate on, string? reference, CancellationToken ct)
    {
        var catalogue = await CatalogueAsync(connection, tx, household, on, ct);
        var reward = catalogue.Reward(rewardCode) ?? throw new PointsRefusedException($"'{rewardCode}' is not a reward in {catalogue.VersionId}", "reward_code");
        var (credit, units, problem) = PointsLedger.Price(reward, points);
        if (problem is not null)
        {
            throw new PointsRefusedException(problem);
        }

        await ExpireDueAsync(connection, tx, household, on, ct);

        await using (var take = new NpgsqlCommand(
            "update points_account set balance = balance - @p where household_code = @h and balance >= @p", connection, tx))
        {
            take.Parameters.AddWithValue("h", household);
            take.Parameters.AddWithValue("p", points);
            if (await take.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new PointsRefusedException($"{household} does not hold {points} points (balance {await BalanceAsync(connection, tx, household, ct)})");
            }
        }

        if (reward.MonthlyCapPoints is { } cap)
        {
            await using var month = new NpgsqlCommand(
                """
                select coalesce(sum(points), 0) from points_entry
                where household_code = @h and kind = 'redeem' and reward_code = @r and date_trunc('month', entry_date) = date_trunc('month', @d::date)
                """, connection, tx);
            month.Parameters.AddWithValue("h", household);
            month.Parameters.AddWithValue("r", reward.Code);
            month.Parameters.AddWithValue("d", on);
            var spent = (long)(await month.ExecuteScalarAsync(ct))!;
            if (spent + points > cap)
            {
                throw new PointsRefusedException($"{reward.Label} is capped at {cap} points a month; {spent} already redeemed this month");
            }
        }

        long id;
        await using (var insert = new NpgsqlCommand(
            """
            insert into points_entry (household_code, kind, points, entry_date, catalogue, reward_code, credit, credit_kind, note, reference)
            values (@h, 'redeem', @p, @d, @c, @r, @credit, @kind, @note, @reference) returning id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("h", household);
            insert.Parameters.AddWithValue("p", points);
            insert.Parameters.AddWithValue("d", on);
            insert.Parameters.AddWithValue("c", catalogue.VersionId);
            insert.Parameters.AddWithValue("r", reward.Code);
            insert.Parameters.AddWithValue("credit", credit is { } c ? c.Yuan : DBNull.Value);
            insert.Parameters.AddWithValue("kind", reward.Kind switch { RewardKind.FeeCredit => "fee", RewardKind.ParkingCredit => "parking", _ => (object)DBNull.Value });
            insert.Parameters.AddWithValue("note", reward.Label);
            insert.Parameters.AddWithValue("reference", (object?)reference ?? DBNull.Value);
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await TraceUsesAsync(connection, tx, household, id, ct);
        var vouchers = new List<string>();
        if (reward.Kind == RewardKind.Voucher)
        {
            for (var i = 1; i <= units; i++)
            {
                // Random, not counted: a number that can be guessed can be spent by whoever guesses it.
                var number = $"V{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10))}";
                await using var voucher = new NpgsqlCommand(
                    "insert into points_voucher (voucher_no, redemption_id, household_code, reward_code) values (@n, @id, @h, @r)", connection, tx);
                voucher.Parameters.AddWithValue("n", number);
                voucher.Parameters.AddWithValue("id", id);
                voucher.Parameters.AddWithValue("h", household);
                voucher.Parameters.AddWithValue("r", reward.Code);
                await voucher.ExecuteNonQueryAsync(ct);
                vouchers.Add(number);
            }
        }

        return new Redemption(id, reward.Code, points, credit, vouchers);
    }

    /// <summary>
    /// Uses a voucher of one operator's households. Another operator's voucher is "not found",
    /// exactly like one that does not exist; a second use is refused by the primary key.
    /// </summary>
    public async Task<VoucherUse> UseVoucherAsync(string voucherNo, string usedBy, string operatorCode, CancellationToken ct = default)
    {
        var outcome = await dataSource.QueryRowAsync<VoucherUseRow>(
            """
            with mine as (
                select v.voucher_no from points_voucher v
                join household h on h.code = v.household_code
                join community c on c.code = h.community_code
                where v.voucher_no = @n and c.operator_code = @o),
            used as (
                insert into points_voucher_use (voucher_no, used_by) select voucher_no, @by from mine on conflict do nothing returning 1)
            select (select count(*) from mine)::integer as found, (select count(*) from used)::integer as used
            """,
            new { n = voucherNo, o = operatorCode, by = usedBy },
            ct);
        return outcome!.Found == 0 ? VoucherUse.NotFound : outcome.Used == 0 ? VoucherUse.AlreadyUsed : VoucherUse.Used;
    }

    /// <summary>Uses a voucher; a second use is refused by the primary key, not by a read first.</summary>
    public async Task UseVoucherAsync(string voucherNo, string usedBy, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "insert into points_voucher_use (voucher_no, used_by) select voucher_no, @by from points_voucher where voucher_no = @n on conflict do nothing");
        cmd.Parameters.AddWithValue("n", voucherNo);
        cmd.Parameters.AddWithValue("by", usedBy);
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new PointsRefusedException($"voucher {voucherNo} does not exist or was already used");
        }
    }

    /// <summary>Writes expiry entries for every household whose points have passed their expiry date.</summary>
    public async Task<int> ExpireAsync(LocalDate asOf, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var households = await connection.QueryRowsAsync<string>(
            "select distinct household_code from points_entry where kind = 'earn' and expires_on <= @d", new { d = asOf }, tx, ct);

        var expired = 0;
        foreach (var household in households)
        {
            expired += await ExpireDueAsync(connection, tx, household, asOf, ct);
        }

        await tx.CommitAsync(ct);
        return expired;
    }

    public async Task<PointsPosition> PositionAsync(string household, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReplayAsync(connection, null, household, ct);
    }

    public Task<IReadOnlyList<PointsHistoryEntry>> HistoryAsync(string household, CancellationToken ct = default) =>
        dataSource.QueryRowsAsync<PointsHistoryEntry>(
            """
            select id, kind, points, entry_date as on, coalesce(note, '') as what, confirmed_by
            from points_entry where household_code = @h order by entry_date, id
            """,
            new { h = household },
            ct);

    /// <summary>
    /// Per household of a community: fee credit not yet used on a statement, and the month's points
    /// summary. The credit is as it stood when the household's statement for the month was issued,
    /// if it was: what earlier months used, and redemptions recorded before that statement. So
    /// computing an issued month again (a rerun, issuing after a crash, drawing PDFs later) gives
    /// the lines it issued, and a redemption recorded since waits for the next month.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (Money PendingCredit, PointsSummary Summary)>> MonthAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<PointsMonthRow>(
            """
            select h.code as household_code,
                   coalesce((select sum(e.credit) from points_entry e
                             where e.household_code = h.code and e.kind = 'redeem' and e.credit_kind = 'fee'
                               and (own.id is null or e.created_at <= own.created_at)), 0)
                     - coalesce((select sum(a.amount) from points_credit_application a join statement t on t.id = a.statement_id
                                 where t.household_code = h.code and t.period < @from), 0) as pending_credit,
                   coalesce(sum(p.points) filter (where p.kind = 'earn' and p.entry_date between @from and @to), 0) as earned_in_month,
                   coalesce(sum(p.points) filter (where p.kind <> 'earn' and p.entry_date between @from and @to), 0) as used_in_month,
                   coalesce(sum(case when p.kind = 'earn' then p.points else -p.points end) filter (where p.entry_date <= @to), 0) as balance
            from household h join points_entry p on p.household_code = h.code
            left join statement own on own.household_code = h.code and own.period = @from
            where h.community_code = @c
            group by h.code, own.id, own.created_at
            """,
            new { c = community, from = period.OnDayOfMonth(1), to = period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month)) },
            ct);
        var result = new Dictionary<string, (Money, PointsSummary)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            result[row.HouseholdCode] = (new Money(row.PendingCredit), row.Summary());
        }

        return result;
    }

    /// <summary>Records which fee credits a statement's points line used, oldest redemption first.</summary>
    internal static async Task ApplyCreditAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, long statementId, int lineNo, Money amount, CancellationToken ct)
    {
        var open = await connection.QueryRowsAsync<OpenCreditRow>(
            """
            select e.id, e.credit - coalesce((select sum(a.amount) from points_credit_application a where a.redemption_id = e.id), 0) as remaining
            from points_entry e where e.household_code = @h and e.kind = 'redeem' and e.credit_kind = 'fee' order by e.entry_date, e.id
            """,
            new { h = household },
            tx,
            ct);

        var left = amount.Yuan;
        foreach (var (id, available) in open.Where(o => o.Remaining > 0m))
        {
            var take = Math.Min(left, available);
            await using var insert = new NpgsqlCommand(
                "insert into points_credit_application (redemption_id, statement_id, line_no, amount) values (@r, @s, @l, @a)", connection, tx);
            insert.Parameters.AddWithValue("r", id);
            insert.Parameters.AddWithValue("s", statementId);
            insert.Parameters.AddWithValue("l", lineNo);
            insert.Parameters.AddWithValue("a", take);
            await insert.ExecuteNonQueryAsync(ct);
            left -= take;
            if (left == 0m)
            {
                return;
            }
        }

        throw new InvalidOperationException($"A points credit of {amount} on statement {statementId} exceeds the {household}'s open credits.");
    }

    private async Task<PointsCatalogue> CatalogueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, LocalDate on, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select c.operator_code from household h join community c on c.code = h.community_code where h.code = @h", connection, tx);
        cmd.Parameters.AddWithValue("h", household);
        var op = await cmd.ExecuteScalarAsync(ct) as string ?? throw new PointsRefusedException($"household '{household}' is not in the register", "household_code");
        return catalogues.For(op, on) ?? throw new PointsRefusedException($"operator {op} has no points catalogue in force on {on:yyyy-MM-dd}", "redeemed_on");
    }

    private static async Task<int> BalanceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select coalesce((select balance from points_account where household_code = @h), 0)", connection, tx);
        cmd.Parameters.AddWithValue("h", household);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<int> ExpireDueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, LocalDate asOf, CancellationToken ct)
    {
        // Serialise a household's points work, so an expiry and a redemption do not both count the same points.
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@k, 0))", connection, tx))
        {
            lockCmd.Parameters.AddWithValue("k", "points:" + household);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        var position = await ReplayAsync(connection, tx, household, ct);
        var expired = 0;
        foreach (var (earningId, on, points) in PointsLedger.DueExpiries(position, asOf))
        {
            await using var take = new NpgsqlCommand("update points_account set balance = balance - @p where household_code = @h", connection, tx);
            take.Parameters.AddWithValue("h", household);
            take.Parameters.AddWithValue("p", points);
            await take.ExecuteNonQueryAsync(ct);
            await using var insert = new NpgsqlCommand(
                "insert into points_entry (household_code, kind, points, entry_date, catalogue, note) values (@h, 'expire', @p, @d, 'expiry', @note) returning id",
                connection, tx);
            insert.Parameters.AddWithValue("h", household);
            insert.Parameters.AddWithValue("p", points);
            insert.Parameters.AddWithValue("d", on);
            insert.Parameters.AddWithValue("note", $"积分过期（来自第 {earningId} 笔）");
            var id = (long)(await insert.ExecuteScalarAsync(ct))!;
            await using var use = new NpgsqlCommand("insert into points_use (earn_id, used_by, points) values (@e, @u, @p)", connection, tx);
            use.Parameters.AddWithValue("e", earningId);
            use.Parameters.AddWithValue("u", id);
            use.Parameters.AddWithValue("p", points);
            await use.ExecuteNonQueryAsync(ct);
            expired += points;
        }

        return expired;
    }

    /// <summary>Stores which earnings a new redemption used, from a replay of the household's ledger.</summary>
    private static async Task TraceUsesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, long redemptionId, CancellationToken ct)
    {
        var position = await ReplayAsync(connection, tx, household, ct);
        foreach (var use in position.Uses.Where(u => u.SpendingId == redemptionId))
        {
            await using var insert = new NpgsqlCommand("insert into points_use (earn_id, used_by, points) values (@e, @u, @p)", connection, tx);
            insert.Parameters.AddWithValue("e", use.EarningId);
            insert.Parameters.AddWithValue("u", redemptionId);
            insert.Parameters.AddWithValue("p", use.Points);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<PointsPosition> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string household, CancellationToken ct)
    {
        var earnings = new List<Earning>();
        var redemptions = new List<Spending>();
        var expiries = new List<Spending>();
        var entries = await connection.QueryRowsAsync<PointsEntryRow>(
            "select id, kind, points, entry_date, expires_on from points_entry where household_code = @h order by entry_date, id", new { h = household }, tx, ct);
        foreach (var entry in entries)
        {
            switch (entry.Kind)
            {
                case "earn":
                    earnings.Add(new Earning(entry.Id, entry.EntryDate, entry.Points, entry.ExpiresOn));
                    break;
                case "redeem":
                    redemptions.Add(new Spending(entry.Id, entry.EntryDate, entry.Points));
                    break;
                case "expire":
                    expiries.Add(new Spending(entry.Id, entry.EntryDate, entry.Points));
                    break;
                default:
                    throw StoredValues.Unknown(entry.Kind, "a points entry kind", "points_entry.kind");
            }
        }

        return PointsLedger.Replay(earnings, redemptions, expiries);
    }

    // Rows as PostgreSQL returns them, mapped by column name.
    private sealed record VoucherUseRow(int Found, int Used);

    private sealed record PointsMonthRow(string HouseholdCode, decimal PendingCredit, long EarnedInMonth, long UsedInMonth, long Balance)
    {
        public PointsSummary Summary() => new((int)EarnedInMonth, (int)UsedInMonth, (int)Balance);
    }

    private sealed record OpenCreditRow(long Id, decimal Remaining);

    private sealed record PointsEntryRow(long Id, string Kind, int Points, LocalDate EntryDate, LocalDate? ExpiresOn);
}
