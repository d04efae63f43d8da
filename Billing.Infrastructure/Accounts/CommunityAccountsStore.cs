using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Accounts;

/// <summary>An income or spending amount as staff enter it.</summary>
public sealed record AccountsEntryInput(
    string Community, YearMonth Period, AccountsCategory Category, Money Amount, string Reference, string Description, LocalDate EnteredOn, long? Corrects = null);

/// <summary>The entry as stored; <paramref name="Duplicate"/> when the same entry had already been recorded.</summary>
public sealed record RecordedEntry(AccountsEntry Entry, bool Duplicate);

/// <summary>
/// The community accounts in PostgreSQL: staff-entered income and spending (append-only), and the
/// month's figures read from statements, the payment ledger, subsidy lines and claims and the
/// parking pool, assembled by <see cref="CommunityAccounts.Assemble"/>.
/// </summary>
public sealed class CommunityAccountsStore(NpgsqlDataSource dataSource, Core.Subsidies.SubsidyCatalog? subsidies = null)
{
    private static readonly Lazy<Core.Subsidies.SubsidyCatalog> CheckoutSubsidies = new(() => Rates.RateDirectory.LoadSubsidies(RepositoryPaths.Rates));

    private Core.Subsidies.SubsidyCatalog Subsidies => subsidies ?? CheckoutSubsidies.Value;

    /// <summary>Parking permits net of the pool reduction on the month's statements.</summary>
    private static async Task<Money> BilledParkingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string community, LocalDate first, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select coalesce(sum(l.amount), 0) from statement s join statement_line l on l.statement_id = s.id
            where s.community_code = @c and s.period = @p and l.kind in ('parking_permit', 'parking_pool_reduction')
            """, connection, tx);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", first);
        return Money.Of((decimal)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>
    /// What the month's payments settled of parking: each payment is allocated to statements as the
    /// ledger does (oldest first), and what it settled of a statement is split over that statement's fees.
    /// </summary>
    private async Task<Money> CollectedParkingAsync(string community, YearMonth period, CancellationToken ct)
    {
        var first = period.OnDayOfMonth(1);
        var last = period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month));
        var positions = await new Payments.PaymentStore(dataSource).CommunityPositionsAsync(community, last, ct);
        var inMonth = (await dataSource.QueryRowsAsync<long>(
                "select p.id from payment p join household h on h.code = p.household_code where h.community_code = @community and p.paid_on between @first and @last",
                new { community, first, last },
                ct))
            .ToHashSet();

        var settled = positions
            .SelectMany(p => p.Value.Charges.Select(c => (Household: p.Key, c.Charge.Period, Amount: Money.Sum(c.SettledBy.Where(x => inMonth.Contains(x.PaymentId)).Select(x => x.Amount)))))
            .Where(x => x.Amount > Money.Zero)
            .ToList();
        if (settled.Count == 0)
        {
            return Money.Zero;
        }

        var lines = new Dictionary<(string, YearMonth), List<Core.Payments.BilledLine>>();
        var billed = await dataSource.QueryRowsAsync<BilledLineRow>(
            "select s.household_code, s.period, l.kind, l.label, l.amount from statement s join statement_line l on l.statement_id = s.id where s.community_code = @community order by s.id, l.line_no",
            new { community },
            ct);
        foreach (var line in billed)
        {
            var key = (line.HouseholdCode, line.Period.ToYearMonth());
            if (!lines.TryGetValue(key, out var list))
            {
                lines[key] = list = [];
            }

            list.Add(new Core.Payments.BilledLine(line.Kind, line.Label, Money.Of(line.Amount)));
        }

        var parking = Money.Zero;
        foreach (var (household, p, amount) in settled)
        {
            var split = Core.Payments.ReceiptLines.Split([(p, amount)], m => lines.TryGetValue((household, m), out var l) ? l : []);
            parking += Money.Sum(split.Where(l => l.FeeKind == Core.Payments.ReceiptLines.Parking).Select(l => l.Amount));
        }

        return parking;
    }

    /// <summary>
    /// The collection report's positions (the same query the report uses) and the community's
    /// payments, so the accounts can say number by number how their 实收 differs from the report.
    /// </summary>
    private async Task<CollectionBridge> CollectionBridgeAsync(string community, YearMonth period, LocalDate? asOf, ResidentFeeFigures fees, CancellationToken ct)
    {
        var positions = await new Payments.PaymentStore(dataSource).CommunityPositionsAsync(community, asOf, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await Dapper.SqlMapper.QueryAsync<PaymentRow>(connection, new Dapper.CommandDefinition(
            """
            select p.id, to_char(p.paid_on, 'YYYY-MM-DD') as paidOn, p.amount, (r.payment_id is not null) as reversed
            from payment p join household h on h.code = p.household_code left join payment_reversal r on r.payment_id = p.id
            where h.community_code = @community
            """, new { community }, cancellationToken: ct));
        var payments = rows.Select(r => new BridgePayment(r.Id, NodaTime.Text.LocalDatePattern.Iso.Parse(r.PaidOn).Value, Money.Of(r.Amount), r.Reversed)).ToList();
        return CollectionBridge.Build(period, asOf, positions.Values.ToList(), payments, fees);
    }

    private sealed record PaymentRow(long Id, string PaidOn, decimal Amount, bool Reversed);

    private const string Source = "accounts entry";

    /// <summary>
    /// Records one entry in a transaction. The voucher reference is unique per community, so a
    /// repeated request changes nothing and answers the stored entry; the same reference with
    /// other details is refused. A correction must name an entry of the same community, month and
    /// category, and may not take that category below zero.
    /// </summary>
    public async Task<RecordedEntry> RecordAsync(AccountsEntryInput input, string enteredBy, CancellationToken ct = default)
    {
        var period = input.Period.OnDayOfMonth(1);
        var direction = AccountsCategory.DirectionCode(input.Category.Direction);
        if (input.Amount == Money.Zero || !input.Amount.IsWholeFen || (input.Amount.IsNegative && input.Corrects is null))
        {
            throw Rejected("amount", "accounts.amount.invalid", $"an amount is in yuan with at most two decimals, positive unless it corrects an earlier entry; got {input.Amount}");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // One writer per community at a time, so the duplicate check and the no-negative check see every entry.
        await using (var gate = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@k, 0))", connection, tx))
        {
            gate.Parameters.AddWithValue("k", $"accounts:{input.Community}");
            await gate.ExecuteNonQueryAsync(ct);
        }

        await using (var exists = new NpgsqlCommand("select 1 from community where code = @c", connection, tx))
        {
            exists.Parameters.AddWithValue("c", input.Community);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                throw Rejected("community", "accounts.community.unknown", $"community '{input.Community}' is not in the register");
            }
        }

        if (await FindByReferenceAsync(connection, tx, input.Community, input.Reference, ct) is { } existing)
        {
            var (entry, entryPeriod) = existing;
            var same = entryPeriod == input.Period && entry.Category == input.Category && entry.Amount == input.Amount
                && entry.Description == input.Description && entry.EnteredOn == input.EnteredOn && entry.Corrects == input.Corrects;
            return same
                ? new RecordedEntry(entry, Duplicate: true)
                : throw Rejected("reference", "accounts.reference.conflict", $"voucher '{input.Reference}' is already entry #{entry.Id} of {input.Community} with other details");
        }

        if (input.Corrects is { } corrected)
        {
            var (found, total) = (await connection.QueryRowAsync<CorrectedCategoryRow>(
                """
                select (select count(*) from community_account_entry
                        where id = @corrected and community_code = @community and period = @period and direction = @direction and category = @category) as found,
                       (select coalesce(sum(amount), 0) from community_account_entry
                        where community_code = @community and period = @period and direction = @direction and category = @category) as total
                """,
                new { corrected, community = input.Community, period, direction, category = input.Category.Code },
                tx,
                ct))!;
            if (found == 0)
            {
                throw Rejected("corrects", "accounts.corrects.unknown", $"entry #{corrected} is not a {input.Category.Code} entry of {input.Community} for {input.Period:yyyy-MM}");
            }

            if (total + input.Amount.Yuan < 0m)
            {
                throw Rejected("amount", "accounts.correction.negative", $"the correction would take {input.Category.Code} of {input.Period:yyyy-MM} to {total + input.Amount.Yuan:0.00} yuan, below zero");
            }
        }

        long id;
        await using (var insert = new NpgsqlCommand(
            """
            insert into community_account_entry (community_code, period, direction, category, amount, reference, description, entered_on, corrects_id, entered_by)
            values (@c, @p, @d, @cat, @a, @r, @desc, @on, @corrects, @by)
            returning id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("c", input.Community);
            insert.Parameters.AddWithValue("p", period);
            insert.Parameters.AddWithValue("d", direction);
            insert.Parameters.AddWithValue("cat", input.Category.Code);
            insert.Parameters.AddWithValue("a", input.Amount.Yuan);
            insert.Parameters.AddWithValue("r", input.Reference);
            insert.Parameters.AddWithValue("desc", input.Description);
            insert.Parameters.AddWithValue("on", input.EnteredOn);
            insert.Parameters.Add(new NpgsqlParameter<long?>("corrects", input.Corrects) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            insert.Parameters.AddWithValue("by", enteredBy);
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await tx.CommitAsync(ct);
        return new RecordedEntry(new AccountsEntry(id, input.Category, input.Amount, input.Reference, input.Description, input.EnteredOn, input.Corrects), Duplicate: false);
    }

    /// <summary>The community accounts of a month, or null when the community is not in the register; compared with the collection report over every payment recorded.</summary>
    public Task<CommunityAccountsModel?> ReadAsync(string community, YearMonth period, CancellationToken ct = default) =>
        ReadAsync(community, period, null, ct);

    /// <summary>
    /// The community accounts of a month, or null when the community is not in the register, with
    /// the step-by-step comparison to the collection report of the same month as of
    /// <paramref name="collectionAsOf"/> (every payment recorded when null).
    /// </summary>
    public async Task<CommunityAccountsModel?> ReadAsync(string community, YearMonth period, LocalDate? collectionAsOf, CancellationToken ct = default)
    {
        var first = period.OnDayOfMonth(1);
        var next = period.PlusMonths(1).OnDayOfMonth(1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // One snapshot for every figure, so the notice adds up even while payments are being recorded.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var month = new { community, first, next };
        var header = await connection.QueryRowAsync<CommunityNameRow>(
            "select c.name, coalesce(o.name, c.operator_name) as operator_name, c.operator_code from community c left join operator o on o.code = c.operator_code where c.code = @community",
            month,
            tx,
            ct);
        if (header is null)
        {
            return null;
        }

        var fees = (await connection.QueryRowAsync<FeeFiguresRow>(
            """
            select (select count(*) from statement where community_code = @community and period = @first) as statements,
                   (select coalesce(sum(total), 0) from statement where community_code = @community and period = @first) as billed,
                   count(*) filter (where l.kind = 'payment') as payments, coalesce(-sum(l.amount) filter (where l.kind = 'payment'), 0) as paid,
                   count(*) filter (where l.kind = 'reversal') as reversals, coalesce(sum(l.amount) filter (where l.kind = 'reversal'), 0) as reversed
            from ledger_entry l join household h on h.code = l.household_code
            where h.community_code = @community and l.kind in ('payment', 'reversal') and l.entry_date >= @first and l.entry_date < @next
            """,
            month,
            tx,
            ct))!.ToFigures();

        var claim = (await connection.QueryRowAsync<ClaimRow>(
            "select id, score, factor, claim_amount, shortfall from subsidy_claim where community_code = @community and period = @first", month, tx, ct))?.ToFigures();

        var lines = (await connection.QueryRowAsync<SubsidyLinesRow>(
            """
            select count(*) as lines, coalesce(sum(standard_amount), 0) as standard_amount, coalesce(sum(district_amount), 0) as district_amount, max(policy_version) as policy_version
            from district_invoice_line where community_code = @community and period = @first
            """,
            month,
            tx,
            ct))!;
        var subsidy = new SubsidyFigures((int)lines.Lines, Money.Of(lines.StandardAmount), Money.Of(lines.DistrictAmount), claim);

        // Before a claim, the subsidy counts as the district will pay it: on the score in force, or not at all until scored.
        if (claim is null && lines.PolicyVersion is not null && Subsidies.Versions.FirstOrDefault(v => v.VersionId == lines.PolicyVersion) is { } policy)
        {
            var scored = await connection.QueryRowAsync<ScoreRow>(
                "select score, period from evaluation_score where community_code = @community and period <= @first order by period desc limit 1", month, tx, ct);
            if (scored is not null)
            {
                var factor = policy.FactorFor(scored.Score);
                subsidy = subsidy with
                {
                    Expected = new SubsidyExpectation(scored.Score, scored.Period.ToYearMonth(), factor, Core.Subsidies.SubsidyClaims.Claim(subsidy.DistrictShare, factor, policy.Rounding)),
                };
            }
        }

        fees = fees with
        {
            BilledParking = await BilledParkingAsync(connection, tx, community, first, ct),
            CollectedParking = await CollectedParkingAsync(community, period, ct),
        };

        var parking = (await connection.QueryRowAsync<PoolRow>(
            "select lease_income, carry_in, used, carry_out, rate_version from parking_pool where community_code = @community and period = @first", month, tx, ct))?.ToFigures();

        var entries = (await connection.QueryRowsAsync<EntryRow>(
                "select id, direction, category, amount, reference, description, entered_on, corrects_id, period from community_account_entry where community_code = @community and period = @first order by id",
                month,
                tx,
                ct))
            .Select(e => e.ToEntry())
            .ToList();

        await tx.CommitAsync(ct);
        var input = new CommunityAccountsInput(new CommunityCode(community), header.Name, header.OperatorName, period, fees, subsidy, parking, entries)
        {
            OperatorCode = header.OperatorCode,
            Collection = await CollectionBridgeAsync(community, period, collectionAsOf, fees, ct),
        };
        return CommunityAccounts.Assemble(input);
    }

    private static async Task<(AccountsEntry Entry, YearMonth Period)?> FindByReferenceAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string community, string reference, CancellationToken ct)
    {
        var row = await connection.QueryRowAsync<EntryRow>(
            "select id, direction, category, amount, reference, description, entered_on, corrects_id, period from community_account_entry where community_code = @community and reference = @reference",
            new { community, reference },
            tx,
            ct);
        return row is null ? null : (row.ToEntry(), new YearMonth(row.Period.Year, row.Period.Month));
    }

    private static InputRejectedException Rejected(string field, string code, string message) =>
        new([new InputError(Source, null, field, code, message)]);

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record BilledLineRow(string HouseholdCode, LocalDate Period, string Kind, string Label, decimal Amount);

    private sealed record CorrectedCategoryRow(long Found, decimal Total);

    private sealed record CommunityNameRow(string Name, string OperatorName, string OperatorCode);

    private sealed record FeeFiguresRow(long Statements, decimal Billed, long Payments, decimal Paid, long Reversals, decimal Reversed)
    {
        public ResidentFeeFigures ToFigures() => new((int)Statements, Money.Of(Billed), (int)Payments, Money.Of(Paid), (int)Reversals, Money.Of(Reversed));
    }

    private sealed record ClaimRow(long Id, decimal Score, decimal Factor, decimal ClaimAmount, decimal Shortfall)
    {
        public SubsidyClaimFigures ToFigures() => new(Id, Score, Factor, Money.Of(ClaimAmount), Money.Of(Shortfall));
    }

    private sealed record SubsidyLinesRow(long Lines, decimal StandardAmount, decimal DistrictAmount, string? PolicyVersion);

    private sealed record ScoreRow(decimal Score, LocalDate Period);

    private sealed record PoolRow(decimal LeaseIncome, decimal CarryIn, decimal Used, decimal CarryOut, string RateVersion)
    {
        public ParkingPoolFigures ToFigures() => new(Money.Of(LeaseIncome), Money.Of(CarryIn), Money.Of(Used), Money.Of(CarryOut), RateVersion);
    }

    /// <summary>A staff entry as stored; its direction and category words are read strictly.</summary>
    private sealed record EntryRow(
        long Id, string Direction, string Category, decimal Amount, string Reference, string Description, LocalDate EnteredOn, long? CorrectsId, LocalDate Period)
    {
        public AccountsEntry ToEntry()
        {
            var direction = StoredValues.Read<EntryDirection>(Direction, AccountsCategory.TryParseDirection, "an entry direction", "community_account_entry.direction");
            var category = StoredValues.Read<AccountsCategory>(
                Category, (string? text, out AccountsCategory c) => AccountsCategory.TryParse(direction, text, out c), $"a category of {Direction}", "community_account_entry.category");
            return new AccountsEntry(Id, category, Money.Of(Amount), Reference, Description, EnteredOn, CorrectsId);
        }
    }
}
