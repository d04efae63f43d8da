using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>District finance's decision on a month: 审核通过 or 退回 with a reason, with who and when.</summary>
public sealed record DistrictSignOff(long Id, string District, YearMonth Period, string Decision, string? Reason, string SignedBy, Instant SignedAt)
{
    public const string Approved = "approved";
    public const string Returned = "returned";

    public string DecisionText => Decision == Approved ? "审核通过" : "退回";
}

/// <summary>One household's subsidy line as district finance checks it against the statement it came from.</summary>
public sealed record HouseholdSubsidyLine(
    string Community, string CommunityName, string Household, string StatementNo, int LineNo, string PolicyVersion,
    Money StandardAmount, Money DistrictAmount, Money StatementFee, Money StatementSubsidy, string Formula)
{
    /// <summary>The district line's standard fee is the statement's fee line, and its share is the statement's subsidy line.</summary>
    public bool MatchesStatement => StandardAmount == StatementFee && DistrictAmount == -StatementSubsidy;
}

/// <summary>The district desk's data: household-level subsidy detail and the sign-off of a month.</summary>
public sealed class DistrictDesk(NpgsqlDataSource dataSource)
{
    /// <summary>Whether any community is in the district: an unknown district is an error, never an empty 通过.</summary>
    public async Task<bool> KnowsDistrictAsync(string district, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select exists (select 1 from community where district = @d)");
        cmd.Parameters.AddWithValue("d", district);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Records a decision; a return needs a reason.</summary>
    public async Task<DistrictSignOff> SignOffAsync(string district, YearMonth period, string decision, string? reason, string signedBy, CancellationToken ct = default)
    {
        if (decision is not (DistrictSignOff.Approved or DistrictSignOff.Returned))
        {
            throw new ArgumentException($"decision is '{DistrictSignOff.Approved}' or '{DistrictSignOff.Returned}'", nameof(decision));
        }

        if (decision == DistrictSignOff.Returned && string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("a return says why", nameof(reason));
        }

        var signed = (await dataSource.QueryRowAsync<SignedRow>(
            """
            insert into district_signoff (district, period, decision, reason, signed_by) values (@d, @p, @decision, @reason, @by)
            returning id, signed_at
            """,
            new { d = district, p = period.OnDayOfMonth(1), decision, reason = reason?.Trim(), by = signedBy },
            ct))!;
        return new DistrictSignOff(signed.Id, district, period, decision, reason?.Trim(), signedBy, signed.SignedAt);
    }

    /// <summary>Every decision on the month, oldest first; the last one stands.</summary>
    public async Task<IReadOnlyList<DistrictSignOff>> SignOffsAsync(string district, YearMonth period, CancellationToken ct = default) =>
        (await dataSource.QueryRowsAsync<SignOffRow>(
            "select id, decision, reason, signed_by, signed_at from district_signoff where district = @d and period = @p order by id",
            new { d = district, p = period.OnDayOfMonth(1) },
            ct)).Select(r => r.ToSignOff(district, period)).ToList();

    /// <summary>
    /// Every household's subsidy line of the month with the statement lines it must equal: the fee
    /// line it subsidises and the subsidy line the resident sees, so the district can verify them itself.
    /// </summary>
    public async Task<IReadOnlyList<HouseholdSubsidyLine>> SubsidyLinesAsync(string district, YearMonth period, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<SubsidyLineRow>(
            """
            select d.community_code, c.name as community_name, d.household_code, s.statement_no, d.line_no, d.policy_version, d.standard_amount, d.district_amount,
                   coalesce(f.amount, 0) as statement_fee, coalesce(l.amount, 0) as statement_subsidy, d.formula
            from district_invoice_line d
            join statement s on s.id = d.statement_id
            join community c on c.code = d.community_code
            left join statement_line l on l.statement_id = d.statement_id and l.line_no = d.line_no
            left join statement_line f on f.statement_id = d.statement_id and f.line_no = d.line_no - 1
            where d.district = @d and d.period = @p
            order by d.community_code, d.household_code, d.line_no
            """,
            new { d = district, p = period.OnDayOfMonth(1) },
            ct);
        return rows.Select(r => r.ToLine()).ToList();
    }

    /// <summary>The operators whose communities are in the district, by name, for the reconciliation's heading.</summary>
    public async Task<string> OperatorNamesAsync(string district, Documents.DocumentContext documents, CancellationToken ct = default)
    {
        var operators = await dataSource.QueryRowsAsync<OperatorNameRow>(
            """
            select distinct c.operator_code, coalesce(o.name, c.operator_name) as name
            from community c left join operator o on o.code = c.operator_code where c.district = @d order by 1
            """,
            new { d = district },
            ct);
        return string.Join("、", operators.Select(o => documents.Profile(o.OperatorCode)?.LegalName ?? o.Name));
    }

    /// <summary>
    /// The months the district has subsidy lines for, newest first, each with the decision that
    /// stands (the latest), so the desk lists what is still to be checked.
    /// </summary>
    public async Task<IReadOnlyList<DistrictMonth>> MonthsAsync(string district, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<MonthRow>(
            """
            select to_char(m.period, 'YYYY-MM') as month, m.households, m.district_total_ as district_total,
                   s.decision, s.signed_by
            from (select period, count(distinct household_code)::int as households, sum(district_amount) as district_total_
                  from district_invoice_line where district = @district group by period) m
            left join lateral (select decision, signed_by from district_signoff x
                               where x.district = @district and x.period = m.period order by x.id desc limit 1) s on true
            order by m.period desc
            """,
            new { district },
            ct);
        return rows.Select(r => new DistrictMonth(Core.Runs.BillingPeriod.Parse(r.Month), r.Households, Money.Of(r.DistrictTotal), StoredDecision(r.Decision), r.SignedBy)).ToList();
    }

    /// <summary>
    /// The lines of a household's statement for the month, for the district to read beside its
    /// subsidy line; null when the household has no statement of the month in this district, so
    /// another district's households are not found rather than shown.
    /// </summary>
    public async Task<IReadOnlyList<DistrictStatementLine>?> StatementLinesAsync(string district, YearMonth period, string household, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<StatementLineRow>(
            """
            select s.statement_no, l.line_no, l.kind, l.label, l.formula, l.amount
            from statement s
            join community c on c.code = s.community_code
            join statement_line l on l.statement_id = s.id
            where c.district = @district and s.household_code = @household and s.period = make_date(@year, @month, 1)
            order by l.line_no
            """,
            new { district, household, year = period.Year, month = period.Month },
            ct);
        return rows.Count == 0
            ? null
            : rows.Select(r => new DistrictStatementLine(r.StatementNo, r.LineNo, r.Kind, r.Label, r.Formula, Money.Of(r.Amount))).ToList();
    }

    /// <summary>A stored decision read strictly: a word other than approved or returned is an error, never shown as 退回 or 待审核.</summary>
    private static string? StoredDecision(string? decision) =>
        decision is null or DistrictSignOff.Approved or DistrictSignOff.Returned ? decision : throw StoredValues.Unknown(decision, "a sign-off decision", "district_signoff.decision");

    // Rows as PostgreSQL returns them, mapped by column name; each converts itself to the domain's types.
    private sealed record SignedRow(long Id, Instant SignedAt);

    private sealed record SignOffRow(long Id, string Decision, string? Reason, string SignedBy, Instant SignedAt)
    {
        public DistrictSignOff ToSignOff(string district, YearMonth period) => new(Id, district, period, StoredDecision(Decision)!, Reason, SignedBy, SignedAt);
    }

    private sealed record SubsidyLineRow(
        string CommunityCode, string CommunityName, string HouseholdCode, string StatementNo, int LineNo, string PolicyVersion,
        decimal StandardAmount, decimal DistrictAmount, decimal StatementFee, decimal StatementSubsidy, string Formula)
    {
        public HouseholdSubsidyLine ToLine() =>
            new(CommunityCode, CommunityName, HouseholdCode, StatementNo, LineNo, PolicyVersion,
                Money.Of(StandardAmount), Money.Of(DistrictAmount), Money.Of(StatementFee), Money.Of(StatementSubsidy), Formula);
    }

    private sealed record OperatorNameRow(string OperatorCode, string Name);

    private sealed record MonthRow(string Month, int Households, decimal DistrictTotal, string? Decision, string? SignedBy);

    private sealed record StatementLineRow(string StatementNo, int LineNo, string Kind, string Label, string Formula, decimal Amount);
}

/// <summary>A month on the district desk: how many households the subsidy lines cover, their total, and the decision that stands.</summary>
public sealed record DistrictMonth(YearMonth Period, int Households, Money DistrictTotal, string? Decision, string? SignedBy)
{
    public string DecisionText => Decision switch
    {
        DistrictSignOff.Approved => "审核通过",
        DistrictSignOff.Returned => "退回",
        _ => "待审核",
    };
}

/// <summary>One line of a household's statement as the district reads it.</summary>
public sealed record DistrictStatementLine(string StatementNo, int LineNo, string Kind, string Label, string Formula, Money Amount);
