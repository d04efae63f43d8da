using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>A payment order as stored, with what became of it.</summary>
/// <param name="RefundSucceeded">The refund's outcome as the channel reported it; null while a refund asked for is pending.</param>
public sealed record PaymentOrder(
    string OrderNo, string Household, PaymentChannel Channel, OrderMode Mode, Money Amount, Instant CreatedAt,
    string? TransactionId, long? PaymentId, string? RefundNo, bool? RefundSucceeded = null)
{
    /// <summary>created, paid, refund-pending (asked and accepted, no result yet), refunded, or refund-failed (the payment stands).</summary>
    public string State => RefundNo is not null
        ? RefundSucceeded switch { true => "refunded", false => "refund-failed", null => "refund-pending" }
        : PaymentId is not null ? "paid" : "created";
}

/// <summary>What handling a refund notification did: the refund's outcome, and whether it was already recorded.</summary>
public sealed record AppliedRefund(string OrderNo, string RefundNo, bool Succeeded, bool Duplicate);

/// <summary>A new order and how the resident pays it.</summary>
public sealed record CreatedOrder(PaymentOrder Order, ChannelOrder Start);

/// <summary>What handling a notification (or a query answer) did.</summary>
public sealed record AppliedPayment(string OrderNo, long PaymentId, bool Duplicate);

/// <summary>An order cannot be made or acted on (nothing due, no such channel, not paid yet): a 409 or 404 in the Api.</summary>
public sealed class PaymentOrderException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// Online payments end to end: creates an order for the household's amount due through a
/// channel, turns a verified notification or query answer into a payment in the same ledger as the
/// counter's (settled oldest first, with a receipt), refuses amounts that are not the order's,
/// queries orders whose notification never came, and refunds as reversals.
/// </summary>
public sealed class OnlinePayments(NpgsqlDataSource db, IEnumerable<IPaymentChannel> channels, IClock clock, ILogger<OnlinePayments> log)
{
    private static readonly DateTimeZone Beijing = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private readonly PaymentStore _payments = new(db);

    public IPaymentChannel? ChannelFor(PaymentChannel channel) => channels.FirstOrDefault(c => c.Channel == channel);

    public IReadOnlyList<PaymentChannel> Available => channels.Select(c => c.Channel).ToList();

    /// <summary>Creates an order for what the household owes now and asks the channel to collect it.</summary>
    public async Task<CreatedOrder> CreateOrderAsync(string household, OrderMode mode, Uri notifyUrl, Uri? returnUrl, string? payerId = null, CancellationToken ct = default)
    {
        var channel = ChannelFor(mode.Channel()) ?? throw new PaymentOrderException("channel.unavailable", $"{mode.Channel().Display()} is not set up");
        var position = await _payments.PositionAsync(household, ct: ct);
        if (position.Balance <= Money.Zero)
        {
            throw new PaymentOrderException("order.nothing_due", $"household {household} owes nothing");
        }

        var orderNo = NewOrderNo();
        await using (var insert = db.CreateCommand(
            "insert into payment_order (order_no, household_code, channel, mode, amount) values (@o, @h, @c, @m, @a) returning created_at"))
        {
            insert.Parameters.AddWithValue("o", orderNo);
            insert.Parameters.AddWithValue("h", household);
            insert.Parameters.AddWithValue("c", channel.Channel.Name());
            insert.Parameters.AddWithValue("m", mode.Name());
            insert.Parameters.AddWithValue("a", position.Balance.Yuan);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var start = await channel.CreateOrderAsync(
            new OrderRequest(orderNo, mode, position.Balance, $"物业服务费 {household}", notifyUrl, returnUrl, payerId), ct);
        return new CreatedOrder((await OrderAsync(orderNo, ct))!, start);
    }

    /// <summary>
    /// Checks a notification and records what it reports. Throws <see cref="NotificationRejectedException"/>
    /// for anything refused, after logging it; the caller answers the channel accordingly.
    /// </summary>
    public async Task<AppliedPayment?> HandleNotificationAsync(PaymentChannel channelName, InboundNotification notification, CancellationToken ct = default)
    {
        var channel = ChannelFor(channelName) ?? throw new NotificationRejectedException("channel.unavailable", $"{channelName.Name()} is not set up");
        try
        {
            var verified = channel.VerifyNotification(notification);
            if (verified.Refund is { } refund)
            {
                await ApplyRefundAsync(refund, ct);
                return null;
            }

            return verified.Payment is null ? null : await ApplyAsync(verified.Payment, "notification", ct);
        }
        catch (NotificationRejectedException e)
        {
            await RejectAsync(channelName, e, notification.Body, ct);
            throw;
        }
    }

    /// <summary>
    /// Records a payment the channel vouches for against its order, once: the channel's
    /// transaction id is the payment's reference, so copies and concurrent arrivals find it recorded.
    /// </summary>
    public async Task<AppliedPayment> ApplyAsync(ChannelPayment payment, string settledBy, CancellationToken ct = default)
    {
        var order = await OrderAsync(payment.OrderNo, ct)
            ?? throw new NotificationRejectedException("order.unknown", $"no order {payment.OrderNo}", payment.OrderNo, payment.TransactionId);
        if (order.Channel != payment.Channel)
        {
            throw new NotificationRejectedException("order.channel", $"order {order.OrderNo} was made with {order.Channel.Name()}, not {payment.Channel.Name()}", order.OrderNo, payment.TransactionId);
        }

        if (payment.Amount != order.Amount)
        {
            throw new NotificationRejectedException("amount.mismatch",
                $"order {order.OrderNo} is for {order.Amount.ToFenString()} yuan but the channel reports {payment.Amount.ToFenString()}", order.OrderNo, payment.TransactionId);
        }

        if (order.TransactionId is { } known && known != payment.TransactionId)
        {
            throw new NotificationRejectedException("order.paid_twice", $"order {order.OrderNo} is already paid by transaction {known}", order.OrderNo, payment.TransactionId);
        }

        RecordedPayment recorded;
        try
        {
            var paidOn = payment.PaidAt.InZone(Beijing).Date;
            recorded = (await _payments.RecordAsync(
                [(new PaymentInput(order.Household, payment.Channel, payment.TransactionId, payment.Amount, paidOn), order.OrderNo, 1)],
                $"{payment.Channel.Name()} {settledBy}", ct))[0];
        }
        catch (InputRejectedException e)
        {
            throw new NotificationRejectedException("payment.conflict", string.Join("; ", e.Errors.Select(x => x.Message)), order.OrderNo, payment.TransactionId);
        }

        await using (var settle = db.CreateCommand(
            """
            insert into payment_order_settlement (order_no, transaction_id, payment_id, settled_by) values (@o, @t, @p, @s)
            on conflict do nothing
            """))
        {
            settle.Parameters.AddWithValue("o", order.OrderNo);
            settle.Parameters.AddWithValue("t", payment.TransactionId);
            settle.Parameters.AddWithValue("p", recorded.Id);
            settle.Parameters.AddWithValue("s", settledBy);
            await settle.ExecuteNonQueryAsync(ct);
        }

        if (!recorded.Duplicate)
        {
            log.LogInformation("{Channel} transaction {Transaction} paid order {Order}: {Amount} yuan for {Household} recorded as payment {Payment}",
                payment.Channel.Name(), payment.TransactionId, order.OrderNo, payment.Amount.ToFenString(), order.Household, recorded.Id);
        }

        return new AppliedPayment(order.OrderNo, recorded.Id, recorded.Duplicate);
    }

    /// <summary>Asks the channel where an unpaid order stands and records the payment if it was made.</summary>
    public async Task<PaymentOrder> QueryAsync(string orderNo, CancellationToken ct = default)
    {
        var order = await OrderAsync(orderNo, ct) ?? throw new PaymentOrderException("order.unknown", $"no order {orderNo}");
        if (order.PaymentId is not null)
        {
            return order;
        }

        var channel = ChannelFor(order.Channel) ?? throw new PaymentOrderException("channel.unavailable", $"{order.Channel.Display()} is not set up");
        var trade = await channel.QueryAsync(orderNo, ct);
        if (trade.Payment is { } paid)
        {
            try
            {
                await ApplyAsync(paid, "query", ct);
            }
            catch (NotificationRejectedException e)
            {
                await RejectAsync(order.Channel, e, $"query answer: {trade.State}", ct);
                throw;
            }
        }

        return (await OrderAsync(orderNo, ct))!;
    }

    /// <summary>The recurring job's id: one schedule however many workers register it.</summary>
    public const string QueryJobId = "payment-order-query";

    /// <summary>
    /// What the workers run every few minutes: orders over 10 minutes old whose notification never
    /// came are asked about, for two days; a paid one is then recorded as if notified.
    /// </summary>
    [Hangfire.JobDisplayName("Query unanswered payment orders")]
    public Task<int> QueryUnansweredAsync(CancellationToken ct) => QueryPendingAsync(Duration.FromMinutes(10), Duration.FromDays(2), ct);

    /// <summary>
    /// Queries every unpaid order made between <paramref name="olderThan"/> and <paramref name="notBefore"/> ago:
    /// the recurring job for notifications that never came. Returns how many turned out paid.
    /// </summary>
    public async Task<int> QueryPendingAsync(Duration olderThan, Duration notBefore, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        var pending = await db.QueryRowsAsync<string>(
            """
            select o.order_no from payment_order o
            where not exists (select 1 from payment_order_settlement s where s.order_no = o.order_no)
              and o.created_at <= @until and o.created_at >= @from
            order by o.created_at
            """,
            new { until = now - olderThan, from = now - notBefore },
            ct);

        var paid = 0;
        foreach (var orderNo in pending)
        {
            try
            {
                if ((await QueryAsync(orderNo, ct)).PaymentId is not null)
                {
                    paid++;
                }
            }
            catch (Exception e) when (e is ChannelException or NotificationRejectedException or HttpRequestException or PaymentOrderException)
            {
                // One order the channel cannot answer for must not stop the others; it is tried again next time.
                log.LogWarning("Query of order {Order} failed: {Message}", orderNo, e.Message);
            }
        }

        return paid;
    }

    /// <summary>
    /// Asks the channel to refund a paid order in full. The request is stored first under a number
    /// derived from the order, so asking again (after a lost answer) is the same refund at the
    /// channel. An accepted refund is pending: the payment's reversal is recorded when the channel's
    /// refund notification reports the money returned (<see cref="ApplyRefundAsync"/>).
    /// </summary>
    public async Task<PaymentOrder> RefundAsync(string orderNo, string reason, string requestedBy, Uri? notifyUrl = null, CancellationToken ct = default)
    {
        var order = await OrderAsync(orderNo, ct) ?? throw new PaymentOrderException("order.unknown", $"no order {orderNo}");
        if (order.PaymentId is null || order.TransactionId is not { } transactionId)
        {
            throw new PaymentOrderException("order.unpaid", $"order {orderNo} is not paid");
        }

        if (order.RefundSucceeded is not null)
        {
            return order; // the channel has already said how it ended
        }

        var channel = ChannelFor(order.Channel) ?? throw new PaymentOrderException("channel.unavailable", $"{order.Channel.Display()} is not set up");
        var refundNo = order.RefundNo ?? RefundNoOf(orderNo);
        await using (var insert = db.CreateCommand(
            """
            insert into payment_order_refund (order_no, refund_no, amount, reason, requested_by)
            values (@o, @r, @a, @why, @by) on conflict do nothing
            """))
        {
            insert.Parameters.AddWithValue("o", orderNo);
            insert.Parameters.AddWithValue("r", refundNo);
            insert.Parameters.AddWithValue("a", order.Amount.Yuan);
            insert.Parameters.AddWithValue("why", reason);
            insert.Parameters.AddWithValue("by", requestedBy);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var refund = await channel.RefundAsync(orderNo, transactionId, refundNo, order.Amount, order.Amount, reason, notifyUrl, ct);
        if (!refund.Accepted)
        {
            await RecordRefundOutcomeAsync(refundNo, false, refund.State, refund.ChannelRefundId, order.Amount, null, "answer", ct);
            throw new PaymentOrderException("refund.refused", $"{order.Channel.Display()} refused the refund of {orderNo}: {refund.State}");
        }

        log.LogInformation("{Channel} accepted refund {Refund} of order {Order} ({State}); pending its refund notification", order.Channel.Name(), refundNo, orderNo, refund.State);
        return (await OrderAsync(orderNo, ct))!;
    }

    /// <summary>Our refund number for an order: one full refund per order.</summary>
    public static string RefundNoOf(string orderNo) => "RF" + orderNo;

    /// <summary>
    /// Records how a refund ended, once per refund number. A refund done reverses the payment (the
    /// household owes it again); a failed one leaves the payment in force. A refund we have no
    /// request for (made in the channel's merchant platform) is recorded as the channel reports it,
    /// because the money has gone back either way. A refund reported before the payment it returns
    /// is recorded is refused, so the channel sends it again later.
    /// </summary>
    public async Task<AppliedRefund> ApplyRefundAsync(ChannelRefundNotice notice, CancellationToken ct = default)
    {
        var order = await OrderAsync(notice.OrderNo, ct)
            ?? throw new NotificationRejectedException("order.unknown", $"no order {notice.OrderNo}", notice.OrderNo);
        if (order.Channel != notice.Channel)
        {
            throw new NotificationRejectedException("order.channel", $"order {order.OrderNo} was made with {order.Channel.Name()}, not {notice.Channel.Name()}", order.OrderNo);
        }

        if (order.PaymentId is not { } paymentId)
        {
            throw new NotificationRejectedException("refund.unpaid", $"refund {notice.RefundNo} of order {order.OrderNo}, whose payment is not recorded yet", order.OrderNo, order.TransactionId);
        }

        if (notice.Amount != order.Amount)
        {
            throw new NotificationRejectedException("amount.mismatch",
                $"refund {notice.RefundNo} of order {order.OrderNo} reports {notice.Amount.ToFenString()} yuan; the order was {order.Amount.ToFenString()}", order.OrderNo, order.TransactionId);
        }

        if (order.RefundNo is { } asked && asked != notice.RefundNo)
        {
            throw new NotificationRejectedException("refund.other", $"order {order.OrderNo} was refunded as {asked}, not {notice.RefundNo}", order.OrderNo, order.TransactionId);
        }

        if (order.RefundNo is null)
        {
            await using var insert = db.CreateCommand(
                """
                insert into payment_order_refund (order_no, refund_no, channel_refund_id, amount, reason, requested_by)
                values (@o, @r, @c, @a, '渠道商户平台发起的退款', @by) on conflict do nothing
                """);
            insert.Parameters.AddWithValue("o", order.OrderNo);
            insert.Parameters.AddWithValue("r", notice.RefundNo);
            insert.Parameters.AddWithValue("c", (object?)notice.ChannelRefundId ?? DBNull.Value);
            insert.Parameters.AddWithValue("a", notice.Amount.Yuan);
            insert.Parameters.AddWithValue("by", $"{notice.Channel.Name()} notification");
            await insert.ExecuteNonQueryAsync(ct);
        }

        var fresh = await RecordRefundOutcomeAsync(notice.RefundNo, notice.Succeeded, notice.State, notice.ChannelRefundId, notice.Amount, notice.RefundedAt, "notification", ct);
        var stored = await RefundOutcomeAsync(notice.RefundNo, ct);
        if (stored != notice.Succeeded)
        {
            throw new NotificationRejectedException("refund.contradicts",
                $"refund {notice.RefundNo} is already recorded as {(stored ? "done" : "failed")}; the channel now reports {notice.State}", order.OrderNo, order.TransactionId);
        }

        if (notice.Succeeded)
        {
            try
            {
                var on = notice.RefundedAt!.Value.InZone(Beijing).Date;
                await using var connection = await db.OpenConnectionAsync(ct);
                var reason = await connection.QuerySingleAsync<string>(new CommandDefinition(
                    "select reason from payment_order_refund where refund_no = @refundNo", new { refundNo = notice.RefundNo }, cancellationToken: ct));
                await _payments.ReverseAsync(paymentId, $"{order.Channel.Display()}退款 {notice.RefundNo}：{reason}", on, ct);
            }
            catch (PaymentConflictException)
            {
                // Reversed by an earlier copy of this notification: the ledger holds one reversal.
            }
        }

        if (fresh)
        {
            log.LogInformation("{Channel} refund {Refund} of order {Order} ended {State}", notice.Channel.Name(), notice.RefundNo, order.OrderNo, notice.State);
        }

        return new AppliedRefund(order.OrderNo, notice.RefundNo, notice.Succeeded, !fresh);
    }

    private async Task<bool> RecordRefundOutcomeAsync(string refundNo, bool succeeded, string state, string? channelRefundId, Money amount, Instant? refundedAt, string settledBy, CancellationToken ct)
    {
        await using var insert = db.CreateCommand(
            """
            insert into payment_order_refund_outcome (refund_no, succeeded, channel_state, channel_refund_id, amount, refunded_at, settled_by)
            values (@r, @s, @state, @c, @a, @at, @by) on conflict do nothing
            """);
        insert.Parameters.AddWithValue("r", refundNo);
        insert.Parameters.AddWithValue("s", succeeded);
        insert.Parameters.AddWithValue("state", state.Length > 200 ? state[..200] : state);
        insert.Parameters.AddWithValue("c", (object?)channelRefundId ?? DBNull.Value);
        insert.Parameters.AddWithValue("a", amount.Yuan);
        insert.Parameters.AddWithValue("at", refundedAt is { } at ? at : DBNull.Value);
        insert.Parameters.AddWithValue("by", settledBy);
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<bool> RefundOutcomeAsync(string refundNo, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<bool>(
            new CommandDefinition("select succeeded from payment_order_refund_outcome where refund_no = @refundNo", new { refundNo }, cancellationToken: ct));
    }

    public async Task<PaymentOrder?> OrderAsync(string orderNo, CancellationToken ct = default)
    {
        var orders = await OrdersAsync(orderNo, null, ct);
        return orders.Count == 0 ? null : orders[0];
    }

    public Task<IReadOnlyList<PaymentOrder>> OrdersOfAsync(string household, CancellationToken ct = default) =>
        OrdersAsync(null, household, ct);

    private async Task<IReadOnlyList<PaymentOrder>> OrdersAsync(string? orderNo, string? household, CancellationToken ct)
    {
        var rows = await db.QueryRowsAsync<OrderRow>(
            """
            select o.order_no as OrderNo, o.household_code as Household, o.channel as Channel, o.mode as Mode, o.amount as Amount,
                   o.created_at as CreatedAt, s.transaction_id as TransactionId, s.payment_id as PaymentId, r.refund_no as RefundNo,
                   x.succeeded as RefundSucceeded
            from payment_order o
            left join payment_order_settlement s on s.order_no = o.order_no
            left join payment_order_refund r on r.order_no = o.order_no
            left join payment_order_refund_outcome x on x.refund_no = r.refund_no
            where (@orderNo::text is null or o.order_no = @orderNo) and (@household::text is null or o.household_code = @household)
            order by o.created_at desc
            """,
            new { orderNo, household },
            ct);
        return rows.Select(r => r.ToOrder()).ToList();
    }

    /// <summary>A payment order row, mapped by column name.</summary>
    private sealed record OrderRow(
        string OrderNo, string Household, string Channel, string Mode, decimal Amount, Instant CreatedAt,
        string? TransactionId, long? PaymentId, string? RefundNo, bool? RefundSucceeded)
    {
        public PaymentOrder ToOrder() => new(
            OrderNo, Household,
            StoredValues.Channel(Channel, "payment_order.channel"),
            StoredValues.Read<OrderMode>(Mode, TryParseMode, "an order mode", "payment_order.mode"),
            new Money(Amount), CreatedAt, TransactionId, PaymentId, RefundNo, RefundSucceeded);

        private static bool TryParseMode(string? text, out OrderMode mode)
        {
            foreach (var known in Enum.GetValues<OrderMode>())
            {
                if (known.Name() == text)
                {
                    mode = known;
                    return true;
                }
            }

            mode = default;
            return false;
        }
    }

    private async Task RejectAsync(PaymentChannel channel, NotificationRejectedException e, string detail, CancellationToken ct)
    {
        log.LogWarning("{Channel} notification refused ({Code}): {Message}", channel.Name(), e.Code, e.Message);
        await using var cmd = db.CreateCommand(
            "insert into payment_notification_rejection (channel, order_no, transaction_id, reason, detail) values (@c, @o, @t, @r, @d)");
        cmd.Parameters.AddWithValue("c", channel.Name());
        cmd.Parameters.AddWithValue("o", (object?)e.OrderNo ?? DBNull.Value);
        cmd.Parameters.AddWithValue("t", (object?)e.TransactionId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("r", $"{e.Code}: {e.Message}");
        cmd.Parameters.AddWithValue("d", detail.Length > 8000 ? detail[..8000] : detail);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private string NewOrderNo() =>
        $"RP{clock.GetCurrentInstant().InZone(Beijing).LocalDateTime:yyyyMMddHHmmss}{RandomNumberGenerator.GetInt32(0, 100_000_000):D8}";
}
