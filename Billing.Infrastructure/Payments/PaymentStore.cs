using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

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

            await using var existing = new NpgsqlCommand(
                """
                select id, household_code, amount, paid_on from payment
                where channel = @c and reference = @r
                  and operator_code = (select c.operator_code from household h join community c on c.code = h.community_code where h.code = @h)
                """, connection, tx);
            existing.Parameters.AddWithValue("h", input.Household);
            existing.Parameters.AddWithValue("c", input.Channel.Name());
            existing.Parameters.AddWithValue("r", input.Reference);
            await using var reader = await existing.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var same = reader.GetString(1) == input.Household && reader.GetDecimal(2) == input.Amount.Yuan && reader.GetFieldValue<LocalDate>(3) == input.PaidOn;
            if (same)
            {
                results.Add(new RecordedPayment(reader.GetInt64(0), true, input));
            }
            else
            {
                errors.Add(new InputError(file, row, "reference", "payment.reference.conflict",
                    $"{input.Channel.Name()} reference {input.Reference} is already recorded for {reader.GetString(1)}, {reader.GetDecimal(2):0.00} yuan on {reader.GetFieldValue<LocalDate>(3):yyyy-MM-dd}"));
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
        string household;
        decimal amount;
        await using (var find = new NpgsqlCommand("select household_code, amount from payment where id = @id for update", connection, tx))
        {
            find.Parameters.AddWithValue("id", paymentId);
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new PaymentNotFoundException($"payment {paymentId} does not exist");
            }

            (household, amount) = (reader.GetString(0), reader.GetDecimal(1));
        }

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
        (await PositionsAsync("h.code = @key", household, asOf, ct)).GetValueOrDefault(household) ?? Allocation.Fifo([], []);

    /// <summary>Positions of every household of a community, from two queries.</summary>
    public Task<Dictionary<string, LedgerPosition>> CommunityPositionsAsync(string community, LocalDate? asOf = null, CancellationToken ct = default) =>
        PositionsAsync("h.community_code = @key", community, asOf, ct);

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
        await using var cmd = dataSource.CreateCommand(
            """
            select p.household_code, p.channel, p.reference, p.amount, p.paid_on, c.name, o.name, (r.payment_id is not null), c.code, o.code
            from payment p join household h on h.code = p.household_code join community c on c.code = h.community_code
            join operator o on o.code = c.operator_code left join payment_reversal r on r.payment_id = p.id
            where p.id = @id
            """);
        cmd.Parameters.AddWithValue("id", paymentId);
        PaymentInput input;
        string communityName, operatorName, communityCode, operatorCode;
        bool reversed;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            var channel = Database.StoredValues.Channel(reader.GetString(1));
            input = new PaymentInput(reader.GetString(0), channel, reader.GetString(2), new Money(reader.GetDecimal(3)), reader.GetFieldValue<LocalDate>(4));
            (communityName, operatorName, reversed) = (reader.GetString(5), reader.GetString(6), reader.GetBoolean(7));
            (communityCode, operatorCode) = (reader.GetString(8), reader.GetString(9));
        }

        // The receipt shows the ledger as it stood once this payment was made, on its date: statements
        // issued later and payments made later are not part of it, so it is the same whenever it is drawn.
        var (charges, payments) = await LedgerAsync("h.code = @key", input.Household, ct);
        var before = payments.GetValueOrDefault(input.Household, []).Where(p => p.Id == paymentId || (p.PaidOn, p.Id).CompareTo((input.PaidOn, paymentId)) < 0).Select(p => p with { Reversed = false });
        var position = Allocation.Fifo(charges.GetValueOrDefault(input.Household, []).Where(c => c.IssueDate <= input.PaidOn), before);
        var settled = position.Charges
            .SelectMany(c => c.SettledBy.Where(s => s.PaymentId == paymentId).Select(s => (c.Charge.Period, s.Amount)))
            .ToList();
        var details = (await DetailsOfAsync(input.Household, input.PaidOn, ct))!;
        return new ReceiptModel(paymentId, input, communityName, operatorName, details, settled,
            input.Amount - Money.Sum(settled.Select(s => s.Amount)), position.Balance, reversed)
        {
            OperatorCode = operatorCode,
            CommunityCode = communityCode,
        };
    }

    /// <summary>
    /// Checks that every household's ledger balance equals what its statements, payments and
    /// reversals say, and that the operator's ledger adds up.
    /// </summary>
    public async Task<LedgerCheck> CheckAsync(string operatorCode, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
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
            select h.code, coalesce(l.total, 0), coalesce(s.total, 0), coalesce(p.total, 0), coalesce(r.total, 0)
            from households h
            left join ledger l on l.household_code = h.code left join statements s on s.household_code = h.code
            left join paid p on p.household_code = h.code left join reversed r on r.household_code = h.code
            order by h.code
            """);
        cmd.Parameters.AddWithValue("op", operatorCode);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var mismatches = new List<string>();
        decimal ledger = 0, charges = 0, payments = 0, reversals = 0;
        var households = 0;
        while (await reader.ReadAsync(ct))
        {
            households++;
            var (l, s, p, r) = (reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4));
            if (l != s - p + r)
            {
                mismatches.Add($"{reader.GetString(0)}: ledger {l:0.00} but statements {s:0.00} − payments {p:0.00} + reversals {r:0.00} = {s - p + r:0.00}");
            }

            (ledger, charges, payments, reversals) = (ledger + l, charges + s, payments + p, reversals + r);
        }

        return new LedgerCheck(households, mismatches, new Money(ledger), new Money(charges), new Money(payments), new Money(reversals));
    }

    private async Task<Dictionary<string, LedgerPosition>> PositionsAsync(string where, string key, LocalDate? asOf, CancellationToken ct)
    {
        var (charges, payments) = await LedgerAsync(where, key, ct);
        return charges.Keys.Union(payments.Keys)
            .ToDictionary(h => h, h => Allocation.Fifo(
                charges.GetValueOrDefault(h, []).Where(c => asOf is null || c.IssueDate <= asOf),
                payments.GetValueOrDefault(h, []), asOf));
    }

    private async Task<(Dictionary<string, List<Charge>> Charges, Dictionary<string, List<Payment>> Payments)> LedgerAsync(string where, string key, CancellationToken ct)
    {
        var charges = new Dictionary<string, List<Charge>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select h.code, e.id, s.period, s.issue_date, s.due_date, e.amount
            from ledger_entry e join statement s on s.id = e.statement_id join household h on h.code = e.household_code
            where e.kind = 'charge' and {where}
            """))
        {
            cmd.Parameters.AddWithValue("key", key);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(charges, reader.GetString(0), new Charge(reader.GetInt64(1), reader.GetFieldValue<LocalDate>(2).ToYearMonth(),
                    reader.GetFieldValue<LocalDate>(3), reader.GetFieldValue<LocalDate>(4), new Money(reader.GetDecimal(5))));
            }
        }

        var payments = new Dictionary<string, List<Payment>>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select h.code, p.id, p.channel, p.reference, p.paid_on, p.amount, (r.payment_id is not null)
            from payment p join household h on h.code = p.household_code left join payment_reversal r on r.payment_id = p.id
            where {where}
            """))
        {
            cmd.Parameters.AddWithValue("key", key);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var channel = Database.StoredValues.Channel(reader.GetString(2));
                Add(payments, reader.GetString(0), new Payment(reader.GetInt64(1), channel, reader.GetString(3), reader.GetFieldValue<LocalDate>(4),
                    new Money(reader.GetDecimal(5)), reader.GetBoolean(6)));
            }
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
