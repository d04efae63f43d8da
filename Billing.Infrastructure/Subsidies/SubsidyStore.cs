using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>A score for a community from a month on (双考核得分).</summary>
public sealed record ScoreRow(string Community, YearMonth Period, decimal Score);

/// <summary>Evaluation scores, the district reconciliation and frozen subsidy claims in PostgreSQL.</summary>
public sealed class SubsidyStore(NpgsqlDataSource dataSource, SubsidyCatalog policies)
{
    /// <summary>
    /// Records scores, all or nothing. A score outside 0–100 or for an unknown community is refused
    /// with its row; so is a change to a score that a submitted claim already used.
    /// </summary>
    public async Task<int> RecordScoresAsync(IReadOnlyList<(ScoreRow Row, string Source, int Line)> scores, CancellationToken ct = default)
    {
        var errors = new List<InputError>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = 0;
        foreach (var (row, source, line) in scores)
        {
            if (row.Score is < 0m or > 100m)
            {
                errors.Add(new InputError(source, line, "score", "score.range", $"a score is between 0 and 100, got {row.Score}"));
                continue;
            }

            await using (var exists = new NpgsqlCommand("select 1 from community where code = @c", connection, tx))
            {
                exists.Parameters.AddWithValue("c", row.Community);
                if (await exists.ExecuteScalarAsync(ct) is null)
                {
                    errors.Add(new InputError(source, line, "community_code", "score.community.unknown", $"community '{row.Community}' is not in the register"));
                    continue;
                }
            }

            await using (var used = new NpgsqlCommand(
                "select 1 from subsidy_claim where community_code = @c and score_period = @p", connection, tx))
            {
                used.Parameters.AddWithValue("c", row.Community);
                used.Parameters.AddWithValue("p", row.Period.OnDayOfMonth(1));
                if (await used.ExecuteScalarAsync(ct) is not null && await CurrentScoreAsync(connection, tx, row, ct) is { } current && current != row.Score)
                {
                    errors.Add(new InputError(source, line, "score", "score.claim.frozen",
                        $"the {row.Period} score of {row.Community} ({current}) was used by a submitted claim; record an adjustment instead"));
                    continue;
                }
            }

            await using var upsert = new NpgsqlCommand(
                """
                insert into evaluation_score (community_code, period, score, source) values (@c, @p, @s, @source)
                on conflict (community_code, period) do update set score = excluded.score, source = excluded.source, recorded_at = now()
                where evaluation_score.score <> excluded.score
                """, connection, tx);
            upsert.Parameters.AddWithValue("c", row.Community);
            upsert.Parameters.AddWithValue("p", row.Period.OnDayOfMonth(1));
            upsert.Parameters.AddWithValue("s", row.Score);
            upsert.Parameters.AddWithValue("source", $"{source} row {line}");
            changed += await upsert.ExecuteNonQueryAsync(ct);
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        await tx.CommitAsync(ct);
        return changed;
    }

    /// <summary>The reconciliation of every community of <paramref name="district"/> for a month, from the stored data alone.</summary>
    public async Task<IReadOnlyList<ReconciliationRow>> ReconcileAsync(string district, YearMonth period, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var communities = await connection.QueryRowsAsync<CommunityNameRow>(
            "select code, name from community where district = @d order by code", new { d = district }, null, ct);

        var rows = new List<ReconciliationRow>();
        foreach (var (code, name) in communities)
        {
            rows.Add(await RowAsync(connection, null, district, code, name, period, ct));
        }

        return rows;
    }

    /// <summary>Freezes the claim of a community and month, with the adjustments recorded for that month.</summary>
    public async Task<ReconciliationRow> SubmitClaimAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (district, name) = await CommunityAsync(connection, tx, community, ct);
        await LockAsync(connection, tx, community, ct);
        var row = await RowAsync(connection, tx, district, community, name, period, ct);
        if (row.Submitted is not null)
        {
            throw new ClaimConflictException($"the {period} claim of {community} was already submitted on {row.Submitted.SubmittedAt}; it is frozen");
        }

        if (row.Factor is not { } factor || row.Score is not { } score || row.ScorePeriod is not { } scorePeriod)
        {
            throw new ClaimConflictException($"{community} has no evaluation score for {period} or earlier; record one before submitting the claim");
        }

        if (row.Households == 0)
        {
            throw new ClaimConflictException($"{community} has no statements for {period}; bill the month before claiming");
        }

        await using (var insert = new NpgsqlCommand(
            """
            insert into subsidy_claim (community_code, district, period, households, billed_area, standard_fee, resident_share, district_share,
                score, score_period, factor, claim_amount, shortfall, adjustments, total_claim)
            values (@c, @d, @p, @households, @area, @standard, @resident, @district_share, @score, @score_period, @factor, @claim, @shortfall, @adjustments, @total)
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("c", community);
            insert.Parameters.AddWithValue("d", district);
            insert.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
            insert.Parameters.AddWithValue("households", row.Households);
            insert.Parameters.AddWithValue("area", row.BilledArea);
            insert.Parameters.AddWithValue("standard", row.StandardFee.Yuan);
            insert.Parameters.AddWithValue("resident", row.ResidentShare.Yuan);
            insert.Parameters.AddWithValue("district_share", row.DistrictShare.Yuan);
            insert.Parameters.AddWithValue("score", score);
            insert.Parameters.AddWithValue("score_period", scorePeriod.OnDayOfMonth(1));
            insert.Parameters.AddWithValue("factor", factor);
            insert.Parameters.AddWithValue("claim", row.Claim!.Value.Yuan);
            insert.Parameters.AddWithValue("shortfall", row.Shortfall!.Value.Yuan);
            insert.Parameters.AddWithValue("adjustments", row.Adjustments.Yuan);
            insert.Parameters.AddWithValue("total", row.TotalClaim!.Value.Yuan);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var submitted = await RowAsync(connection, tx, district, community, name, period, ct);
        await tx.CommitAsync(ct);
        return submitted;
    }

    /// <summary>
    /// Corrects a submitted claim by adding <paramref name="amount"/> (positive: the district pays more;
    /// negative: it pays back) to the claim of a later month, with a reference to what it corrects.
    /// </summary>
    public async Task<long> AdjustAsync(string community, YearMonth corrects, YearMonth inPeriod, Money amount, string reason, CancellationToken ct = default)
    {
        if (inPeriod <= corrects)
        {
            throw new ClaimConflictException($"a correction of {corrects} goes into a later month, not {inPeriod}");
        }

        if (amount == Money.Zero || !amount.IsWholeFen || string.IsNullOrWhiteSpace(reason))
        {
            throw new ClaimConflictException("an adjustment needs a non-zero amount in whole fen and a reason");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await CommunityAsync(connection, tx, community, ct);
        await LockAsync(connection, tx, community, ct);
        var correctsId = await ClaimIdAsync(connection, tx, community, corrects, ct)
            ?? throw new ClaimConflictException($"there is no submitted {corrects} claim of {community} to correct");
        if (await ClaimIdAsync(connection, tx, community, inPeriod, ct) is not null)
        {
            throw new ClaimConflictException($"the {inPeriod} claim of {community} is already submitted; put the correction in a later month");
        }

        await using var insert = new NpgsqlCommand(
            "insert into subsidy_adjustment (community_code, period, corrects_claim_id, amount, reason) values (@c, @p, @id, @a, @r) returning id",
            connection, tx);
        insert.Parameters.AddWithValue("c", community);
        insert.Parameters.AddWithValue("p", inPeriod.OnDayOfMonth(1));
        insert.Parameters.AddWithValue("id", correctsId);
        insert.Parameters.AddWithValue("a", amount.Yuan);
        insert.Parameters.AddWithValue("r", reason);
        var id = (long)(await insert.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return id;
    }

    private async Task<ReconciliationRow> RowAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string district, string community, string name, YearMonth period, CancellationToken ct)
    {
        var p = period.OnDayOfMonth(1);
        var billed = (await connection.QueryRowAsync<BilledRow>(
            """
            select count(distinct s.id) filter (where l.kind = 'property_fee') as households,
                   coalesce(sum(l.amount) filter (where l.kind = 'property_fee'), 0) as standard,
                   coalesce(sum(l.amount) filter (where l.kind in ('property_fee', 'subsidy')), 0) as resident
            from statement s join statement_line l on l.statement_id = s.id
            where s.community_code = @c and s.period = @p
            """,
            new { c = community, p },
            tx,
            ct))!;
        var (households, standard, resident) = ((int)billed.Households, billed.Standard, billed.Resident);

        decimal area;
        await using (var cmd = new NpgsqlCommand(
            """
            select coalesce(sum(a), 0) from (
                select max(l.quantity) as a from statement s join statement_line l on l.statement_id = s.id
                where s.community_code = @c and s.period = @p and l.kind = 'property_fee' group by s.id) per_household
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("c", community);
            cmd.Parameters.AddWithValue("p", p);
            area = (decimal)(await cmd.ExecuteScalarAsync(ct))!;
        }

        var lines = (await connection.QueryRowAsync<DistrictLinesRow>(
            """
            select coalesce(sum(d.district_amount), 0) as district_share, coalesce(sum(d.standard_amount), 0) as subsidised,
                   count(*) filter (where f.amount is distinct from d.standard_amount or f.kind is distinct from 'property_fee') as mismatches,
                   max(d.policy_version) as policy_version
            from district_invoice_line d
            left join statement_line f on f.statement_id = d.statement_id and f.line_no = d.fee_line_no
            where d.community_code = @c and d.period = @p
            """,
            new { c = community, p },
            tx,
            ct))!;
        var (districtShare, subsidised, mismatches, policyVersion) = lines;

        var latestScore = await connection.QueryRowAsync<ScoreAtRow>(
            "select score, period from evaluation_score where community_code = @c and period <= @p order by period desc limit 1", new { c = community, p }, tx, ct);
        decimal? score = latestScore?.Score;
        YearMonth? scorePeriod = latestScore?.Period.ToYearMonth();

        decimal adjustments;
        await using (var cmd = new NpgsqlCommand("select coalesce(sum(amount), 0) from subsidy_adjustment where community_code = @c and period = @p", connection, tx))
        {
            cmd.Parameters.AddWithValue("c", community);
            cmd.Parameters.AddWithValue("p", p);
            adjustments = (decimal)(await cmd.ExecuteScalarAsync(ct))!;
        }

        var submitted = (await connection.QueryRowAsync<SubmittedClaimRow>(
            "select id, claim_amount, shortfall, adjustments, total_claim, score, factor, submitted_at from subsidy_claim where community_code = @c and period = @p",
            new { c = community, p },
            tx,
            ct))?.ToClaim();

        var policy = policyVersion is null ? null : policies.Versions.FirstOrDefault(v => v.VersionId == policyVersion);
        decimal? factor = submitted?.Factor ?? (score is { } s && policy is not null ? policy.FactorFor(s) : null);
        return new ReconciliationRow(
            district, community, name, period, households, area, new Money(standard), new Money(resident), new Money(districtShare),
            new Money(subsidised), (int)mismatches, policyVersion, submitted?.Score ?? score, scorePeriod, factor, new Money(adjustments), submitted,
            policy?.Rounding ?? FenRounding.HalfAwayFromZero);
    }

    private static async Task<(string District, string Name)> CommunityAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, CancellationToken ct)
    {
        var found = await connection.QueryRowAsync<CommunityDistrictRow>("select district, name from community where code = @c", new { c = community }, tx, ct)
            ?? throw new ClaimNotFoundException($"community '{community}' is not in the register");
        return (found.District, found.Name);
    }

    private static async Task<long?> ClaimIdAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, YearMonth period, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id from subsidy_claim where community_code = @c and period = @p", connection, tx);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    // Submitting and adjusting one community's claims one at a time keeps "not yet submitted" true until commit.
    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@k, 0))", connection, tx);
        cmd.Parameters.AddWithValue("k", "claim:" + community);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<decimal?> CurrentScoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ScoreRow row, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select score from evaluation_score where community_code = @c and period = @p", connection, tx);
        cmd.Parameters.AddWithValue("c", row.Community);
        cmd.Parameters.AddWithValue("p", row.Period.OnDayOfMonth(1));
        return await cmd.ExecuteScalarAsync(ct) as decimal?;
    }

    // Rows as PostgreSQL returns them, mapped by column name.
    private sealed record CommunityNameRow(string Code, string Name);

    private sealed record CommunityDistrictRow(string District, string Name);

    private sealed record BilledRow(long Households, decimal Standard, decimal Resident);

    private sealed record DistrictLinesRow(decimal DistrictShare, decimal Subsidised, long Mismatches, string? PolicyVersion);

    private sealed record ScoreAtRow(decimal Score, LocalDate Period);

    private sealed record SubmittedClaimRow(
        long Id, decimal ClaimAmount, decimal Shortfall, decimal Adjustments, decimal TotalClaim, decimal Score, decimal Factor, Instant SubmittedAt)
    {
        public SubmittedClaim ToClaim() =>
            new(Id, new Money(ClaimAmount), new Money(Shortfall), new Money(Adjustments), new Money(TotalClaim), Score, Factor, SubmittedAt);
    }
}

/// <summary>A claim action that the current state forbids (already submitted, no score yet): an HTTP 409.</summary>
public sealed class ClaimConflictException(string message) : Exception(message);

/// <summary>The community does not exist: an HTTP 404.</summary>
public sealed class ClaimNotFoundException(string message) : Exception(message);
