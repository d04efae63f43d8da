using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Payments;

public sealed record PaymentInput(string Household, PaymentChannel Channel, string Reference, Money Amount, LocalDate PaidOn);

public sealed record RecordedPayment(long Id, bool Duplicate, PaymentInput Input);

/// <summary>A household's position as finance staff follow it up: where it is, who to talk to, what is open and for how long.</summary>
public sealed record HouseholdArrears(string Household, HouseholdDetails Details, LedgerPosition Position, AgingBuckets Aging);

/// <summary>What a receipt shows: the payment, whose it is, which months it settled and the balance after it.</summary>
public sealed record ReceiptModel(
    long PaymentId, PaymentInput Payment, string CommunityName, string OperatorName, HouseholdDetails Details,
    IReadOnlyList<(YearMonth Period, Money Amount)> Settled, Money CreditLeft, Money BalanceAfter, bool Reversed)
{
    public string OperatorCode { get; init; } = string.Empty;

    public string CommunityCode { get; init; } = string.Empty;
}

/// <summary>The result of checking the ledger against the records it is built from.</summary>
public sealed record LedgerCheck(int Households, IReadOnlyList<string> Mismatches, Money LedgerTotal, Money ChargesTotal, Money PaymentsTotal, Money ReversalsTotal)
{
    public bool Balances => Mismatches.Count == 0 && LedgerTotal == ChargesTotal - PaymentsTotal + ReversalsTotal;
}

/// <summary>Payments, reversals and the household ledger in PostgreSQL.</summary>
public sealed class PaymentStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records payments, all or nothing. A payment whose channel reference is already recorded
    /// for the same household, amount and day is a duplicate and changes nothing; the same
    /// reference with different details is refused, because it is not the same payment.
    /// </summary>
    public Task<IReadOnlyList<RecordedPayment>> RecordAsync(
        IReadOnlyList<(PaymentInput Input, string Source, int Row)> payments, string source, CancellationToken ct = default) =>
        RecordAsync(payments, source, null, ct);

    /// <summary>
    /// As above; with a cashier, each new payment is also recorded as taken by that person at the
    /// counter, in the same transaction, so no payment is ever without its cashier.
    /// </summary>
    public async Task<IReadOnlyList<RecordedPayment>> RecordAsync(
        IReadOnlyList<(PaymentInput Input, string Source, int Row)> payments, string source, Staff.StaffPerson? cashier, CancellationToken ct = default)
    {
        var errors = new List<InputError>();
        var results = new List<RecordedPayment>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (input, file, row) in payments)
        {
            if (input.Amount <= Money.Zero || !input.Amount.IsWholeFen)
            {
                errors.Add(new InputError(file, row, "amount", "payment.amount.invalid", $"a payment is a positive amount in whole fen, got {input.Amount}"));
                continue;
            }

            await using (var exists = new NpgsqlCommand("select 1 from household where code = @h", connection, tx))
            {
                exists.Parameters.AddWithValue("h", input.Household);
                if (await exists.ExecuteScalarAsync(ct) is null)
                {
                    errors.Add(new InputError(file, row, "household_code", "payment.household.unknown", $"household '{input.Household}' is not in the register"));
                    continue;
                }
            }

            long? id;
            await using (var insert = new NpgsqlCommand(
                """
                insert into payment (household_code, channel, reference, amount, paid_on, source)
                values (@h, @c, @r, @a, @d, @s)
                on conflict (operator_code, channel, reference) do nothing
                returning id
                """, connection, tx))
            {
                insert.Parameters.AddWithValue("h", input.Household);
                insert.Parameters.AddWithValue("c", input.Channel.Name());
                insert.Parameters.AddWithValue("r", input.Reference);
                insert.Parameters.AddWithValue("a", input.Amount.Yuan);
                insert.Parameters.AddWithValue("d", input.PaidOn);
                insert.Parameters.AddWithValue("s", $"{source}: {file} row {row}");
                id = await insert.ExecuteScalarAsync(ct) as long?;
            }

            if (id is { } newId)
            {
                await using var entry = new NpgsqlCommand(
                    "insert into ledger_entry (household_code, entry_date, kind, amount, payment_id, description) values (@h, @d, 'payment', @a, @p, @desc)",
                    connection, tx);
                entry.Parameters.AddWithValue("h", input.Household);
                entry.Parameters.AddWithValue("d", input.PaidOn);
                entry.Parameters.AddWithValue("a", -input.Amount.Yuan);
                entry.Parameters.AddWithValue("p", newId);
                entry.Parameters.AddWithValue("desc", $"{input.Channel.Display()} {input.Reference}");
                await entry.ExecuteNonQueryAsync(ct);
                if (cashier is not null)
                {
                    await Counter.CounterPayments.RecordTakerAsync(connection, tx, newId, cashier, ct);
                }

                results.Add(new RecordedPayment(newId, false, input));
                continue;
            }

            var existing = (await connection.QueryRowAsync<RecordedPaymentRow>(
                """
                select id, household_code, amount, paid_on from payment
                where channel = @channel and reference = @reference
                  and operator_code = (select c.operator_code from household h join community c on c.code = h.community_code where h.code = @household)
                """,
                new { household = input.Household, channel = input.Channel.Name(), reference = input.Reference },
                tx,
                ct))!;
            var same = existing.HouseholdCode == input.Household && existing.Amount == input.Amount.Yuan && existing.PaidOn == input.PaidOn;
            if (same)
            {
                results.Add(new RecordedPayment(existing.Id, true, input));
            }
            else
            {
                errors.Add(new InputError(file, row, "reference", "payment.reference.conflict",
                    $"{input.Channel.Name()} reference {input.Reference} is already recorded for {existing.HouseholdCode}, {existing.Amount:0.00} yuan on {existing.PaidOn:yyyy-MM-dd}"));
            }
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        await tx.CommitAsync(ct);
        return results;
    }

    /// <summary>Takes a payment back with a new ledger entry; the payment itself stays on record. A payment is reversed once.</summary>
    public async Task ReverseAsync(long paymentId, string reason, LocalDate on, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new PaymentConflictException("a reversal needs a reason");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (household, amount) = await connection.QueryRowAsync<PaymentAmountRow>("select household_code, amount from payment where id = @paymentId for update", new { paymentId }, tx, ct)
            ?? throw new PaymentNotFoundException($"payment {paymentId} does not exist");

        await using (var reverse = new NpgsqlCommand(
            "insert into payment_reversal (payment_id, reason, reversed_on) values (@id, @r, @d) on conflict (payment_id) do nothing", connection, tx))
        {
            reverse.Parameters.AddWithValue("id", paymentId);
            reverse.Parameters.AddWithValue("r", reason);
            reverse.Parameters.AddWithValue("d", on);
            if (await reverse.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new PaymentConflictException($"payment {paymentId} is already reversed");
            }
        }

        await using (var entry = new NpgsqlCommand(
            "insert into ledger_entry (household_code, entry_date, kind, amount, payment_id, description) values (@h, @d, 'reversal', @a, @p, @desc)",
            connection, tx))
        {
            entry.Parameters.AddWithValue("h", household);
            entry.Parameters.AddWithValue("d", on);
            entry.Parameters.AddWithValue("a", amount);
            entry.Parameters.AddWithValue("p", paymentId);
            entry.Parameters.AddWithValue("desc", "冲正：" + reason);
            await entry.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    public async Task<LedgerPosition> PositionAsync(string household, LocalDate? asOf = null, CancellationToken ct = default) =>
        (await PositionsAsync(LedgerOf.Household, household, asOf, ct)).GetValueOrDefault(household) ?? Allocation.Fifo([], []);

    /// <summary>Positions of every household of a community, from two queries.</summary>
    public Task<Dictionary<string, LedgerPosition>> CommunityPositionsAsync(string community, LocalDate? asOf = null, CancellationToken ct = default) =>
        PositionsAsync(LedgerOf.Community, community, asOf, ct);

    public async Task<IReadOnlyList<HouseholdArrears>> ArrearsAsync(string community, LocalDate asOf, CancellationToken ct = default)
    {
        var positions = await CommunityPositionsAsync(community, asOf, ct);
        var details = await DetailsAsync(community, asOf, ct);
        return positions
            .Where(p => p.Value.Open > Money.Zero)
            .Select(p => new HouseholdArrears(p.Key, details[p.Key], p.Value, AgingBuckets.Of(p.Value, asOf)))
            .Where(a => a.Aging.Overdue > Money.Zero)
            .OrderBy(a => a.Details.Building, NaturalOrder.Instance).ThenBy(a => a.Details.Unit, NaturalOrder.Instance).ThenBy(a => a.Details.Room, NaturalOrder.Instance)
            .ToList();
    }

    public async Task<CollectionRate> CollectionRateAsync(IEnumerable<string> communities, YearMonth period, LocalDate asOf, CancellationToken ct = default)
    {
        var positions = new List<LedgerPosition>();
        foreach (var community in communities)
        {
            positions.AddRange((await CommunityPositionsAsync(community, asOf, ct)).Values);
        }

        return CollectionRate.For(period, positions);
    }

    public async Task<ReceiptModel?> ReceiptAsync(long paymentId, CancellationToken ct = default)
    {
        var row = await dataSource.QueryRowAsync<ReceiptPaymentRow>(
            """
            select p.household_code, p.channel, p.reference, p.amount, p.paid_on, c.name as community_name, o.name as operator_name,
                   (r.payment_id is not null) as reversed, c.code as community_code, o.code as operator_code
            from payment p join household h on h.code = p.household_code join community c on c.code = h.community_code
            join operator o on o.code = c.operator_code left join payment_reversal r on r.payment_id = p.id
            where p.id = @paymentId
            """,
            new { paymentId },
            ct);
        if (row is null)
        {
            return null;
        }

        var input = row.ToInput();

        // The receipt shows the ledger as it stood once this payment was made, on its date: statements
        // issued later and payments made later are not part of it, so it is the same whenever it is drawn.
        var (charges, payments) = await LedgerAsync(LedgerOf.Household, input.Household, ct);
        var before = payments.GetValueOrDefault(input.Household, []).Where(p => p.Id == paymentId || (p.PaidOn, p.Id).CompareTo((input.PaidOn, paymentId)) < 0).Select(p => p with { Reversed = false });
        var position = Allocation.Fifo(charges.GetValueOrDefault(input.Household, []).Where(c => c.IssueDate <= input.PaidOn), before);
        var settled = position.Charges
            .SelectMany(c => c.SettledBy.Where(s => s.PaymentId == paymentId).Select(s => (c.Charge.Period, s.Amount)))
            .ToList();
        var details = (await DetailsOfAsync(input.Household, input.PaidOn, ct))!;
        return new ReceiptModel(paymentId, input, row.CommunityName, row.OperatorName, details, settled,
            input.Amount - Money.Sum(settled.Select(s => s.Amount)), position.Balance, row.Reversed)
        {
            OperatorCode = row.OperatorCode,
            CommunityCode = row.CommunityCode,
        };
    }

    /// <summary>
    /// Checks that every household's ledger balance equals what its statements, payments and
    /// reversals say, and that the operator's ledger adds up.
    /// </summary>
    public async Task<LedgerCheck> CheckAsync(string operatorCode, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<LedgerCheckRow>(
            """
            with households as (
                select h.code from household h join community c on c.code = h.community_code where c.operator_code = @op),
            ledger as (
                select household_code, sum(amount) as total from ledger_entry group by household_code),
            statements as (
                select household_code, sum(total) as total from statement group by household_code),
            paid as (
                select household_code, sum(amount) as total from payment group by household_code),
            reversed as (
                select p.household_code, sum(p.amount) as total from payment_reversal r join payment p on p.id = r.payment_id group by p.household_code)
            select h.code as household_code, coalesce(l.total, 0) as ledger, coalesce(s.total, 0) as statements, coalesce(p.total, 0) as paid, coalesce(r.total, 0) as reversed
            from households h
            left join ledger l on l.household_code = h.code left join statements s on s.household_code = h.code
            left join paid p on p.household_code = h.code left join reversed r on r.household_code = h.code
            order by h.code
            """,
            new { op = operatorCode },
            ct);
        var mismatches = new List<string>();
        decimal ledger = 0, charges = 0, payments = 0, reversals = 0;
        foreach (var (household, l, s, p, r) in rows)
        {
            if (l != s - p + r)
            {
                mismatches.Add($"{household}: ledger {l:0.00} but statements {s:0.00} − payments {p:0.00} + reversals {r:0.00} = {s - p + r:0.00}");
            }

            (ledger, charges, payments, reversals) = (ledger + l, charges + s, payments + p, reversals + r);
        }

        return new LedgerCheck(rows.Count, mismatches, new Money(ledger), new Money(charges), new Money(payments), new Money(reversals));
    }

    private async Task<Dictionary<string, LedgerPosition>> PositionsAsync(LedgerOf of, string key, LocalDate? asOf, CancellationToken ct)
    {
        var (charges, payments) = await LedgerAsync(of, key, ct);
        return charges.Keys.Union(payments.Keys)
            .ToDictionary(h => h, h => Allocation.Fifo(
                charges.GetValueOrDefault(h, []).Where(c => asOf is null || c.IssueDate <= asOf),
                payments.GetValueOrDefault(h, []), asOf));
    }

    /// <summary>
    /// The charges and payments of one household or of every household of a community, by household.
    /// The condition is chosen here from <paramref name="of"/>, never passed in as SQL; <paramref name="key"/> is a parameter.
    /// </summary>
    private async Task<(Dictionary<string, List<Charge>> Charges, Dictionary<string, List<Payment>> Payments)> LedgerAsync(LedgerOf of, string key, CancellationToken ct)
    {
        var where = of switch
        {
            LedgerOf.Household => "h.code = @key",
            LedgerOf.Community => "h.community_code = @key",
            _ => throw new ArgumentOutOfRangeException(nameof(of), of, "A ledger is read for a household or a community."),
        };
        var charges = new Dictionary<string, List<Charge>>(StringComparer.Ordinal);
        foreach (var row in await dataSource.QueryRowsAsync<ChargeRow>(
                     $"""
                     select h.code as household_code, e.id, s.period, s.issue_date, s.due_date, e.amount
                     from ledger_entry e join statement s on s.id = e.statement_id join household h on h.code = e.household_code
                     where e.kind = 'charge' and {where}
                     """,
                     new { key },
                     ct))
        {
            Add(charges, row.HouseholdCode, row.ToCharge());
        }

        var payments = new Dictionary<string, List<Payment>>(StringComparer.Ordinal);
        foreach (var row in await dataSource.QueryRowsAsync<LedgerPaymentRow>(
                     $"""
                     select h.code as household_code, p.id, p.channel, p.reference, p.paid_on, p.amount, (r.payment_id is not null) as reversed
                     from payment p join household h on h.code = p.household_code left join payment_reversal r on r.payment_id = p.id
                     where {where}
                     """,
                     new { key },
                     ct))
        {
            Add(payments, row.HouseholdCode, row.ToPayment());
        }

        return (charges, payments);
    }

    private async Task<Dictionary<string, HouseholdDetails>> DetailsAsync(string community, LocalDate asOf, CancellationToken ct)
    {
        var households = await new Register.RegisterStore(dataSource).HouseholdsAsync(new CommunityCode(community), ct);
        return households.ToDictionary(h => h.Code.Value, h => h.DetailsOn(asOf));
    }

    private async Task<HouseholdDetails?> DetailsOfAsync(string household, LocalDate asOf, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select community_code from household where code = @h");
        cmd.Parameters.AddWithValue("h", household);
        return await cmd.ExecuteScalarAsync(ct) is string community ? (await DetailsAsync(community, asOf, ct)).GetValueOrDefault(household) : null;
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>Whose ledger is read: one household's, or every household's of a community.</summary>
    private enum LedgerOf
    {
        Household,
        Community,
    }

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record RecordedPaymentRow(long Id, string HouseholdCode, decimal Amount, LocalDate PaidOn);

    private sealed record PaymentAmountRow(string HouseholdCode, decimal Amount);

    private sealed record ReceiptPaymentRow(
        string HouseholdCode, string Channel, string Reference, decimal Amount, LocalDate PaidOn, string CommunityName, string OperatorName,
        bool Reversed, string CommunityCode, string OperatorCode)
    {
        public PaymentInput ToInput() => new(HouseholdCode, StoredValues.Channel(Channel, "payment.channel"), Reference, new Money(Amount), PaidOn);
    }

    private sealed record LedgerCheckRow(string HouseholdCode, decimal Ledger, decimal Statements, decimal Paid, decimal Reversed);

    private sealed record ChargeRow(string HouseholdCode, long Id, LocalDate Period, LocalDate IssueDate, LocalDate DueDate, decimal Amount)
    {
        public Charge ToCharge() => new(Id, Period.ToYearMonth(), IssueDate, DueDate, new Money(Amount));
    }

    private sealed record LedgerPaymentRow(string HouseholdCode, long Id, string Channel, string Reference, LocalDate PaidOn, decimal Amount, bool Reversed)
    {
        public Payment ToPayment() => new(Id, StoredValues.Channel(Channel, "payment.channel"), Reference, PaidOn, new Money(Amount), Reversed);
    }
}

/// <summary>"2" before "10", as building and room numbers are read.</summary>
internal sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y) =>
        int.TryParse(x, out var a) && int.TryParse(y, out var b) ? a.CompareTo(b) : string.CompareOrdinal(x, y);
}

/// <summary>A payment action the current state forbids (already reversed): an HTTP 409.</summary>
public sealed class PaymentConflictException(string message) : Exception(message);

/// <summary>No such payment: an HTTP 404.</summary>
public sealed class PaymentNotFoundException(string message) : Exception(message);
