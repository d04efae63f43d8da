using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>A payment order as stored, with what became of it.</summary>
public sealed record PaymentOrder(
    string OrderNo, string Household, PaymentChannel Channel, OrderMode Mode, Money Amount, Instant CreatedAt,
    string? TransactionId, long? PaymentId, string? RefundNo)
{
    public string State => RefundNo is not null ? "refunded" : PaymentId is not null ? "paid" : "created";
}

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
        var pending = new List<string>();
        await using (var cmd = db.CreateCommand(
            """
            select o.order_no from payment_order o
            where not exists (select 1 from payment_order_settlement s where s.order_no = o.order_no)
              and o.created_at <= @until and o.created_at >= @from
            order by o.created_at
            """))
        {
            cmd.Parameters.AddWithValue("until", now - olderThan);
            cmd.Parameters.AddWithValue("from", now - notBefore);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                pending.Add(reader.GetString(0));
            }
        }

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

    /// <summary>Refunds a paid order in full through its channel and records the payment's reversal.</summary>
    public async Task<PaymentOrder> RefundAsync(string orderNo, string reason, string requestedBy, CancellationToken ct = default)
    {
        var order = await OrderAsync(orderNo, ct) ?? throw new PaymentOrderException("order.unknown", $"no order {orderNo}");
        if (order.PaymentId is not { } paymentId || order.TransactionId is not { } transactionId)
        {
            throw new PaymentOrderException("order.unpaid", $"order {orderNo} is not paid");
        }

        if (order.RefundNo is not null)
        {
            return order;
        }

        var channel = ChannelFor(order.Channel) ?? throw new PaymentOrderException("channel.unavailable", $"{order.Channel.Display()} is not set up");
        // The refund number is the order's, so asking again (after a lost answer) cannot refund twice at the channel.
        var refundNo = "RF" + orderNo;
        var refund = await channel.RefundAsync(orderNo, transactionId, refundNo, order.Amount, order.Amount, reason, ct);
        if (!refund.Accepted)
        {
            throw new PaymentOrderException("refund.refused", $"{order.Channel.Display()} refused the refund of {orderNo}: {refund.State}");
        }

        await using (var insert = db.CreateCommand(
            """
            insert into payment_order_refund (order_no, refund_no, channel_refund_id, amount, reason, requested_by)
            values (@o, @r, @c, @a, @why, @by) on conflict do nothing
            """))
        {
            insert.Parameters.AddWithValue("o", orderNo);
            insert.Parameters.AddWithValue("r", refundNo);
            insert.Parameters.AddWithValue("c", (object?)refund.ChannelRefundId ?? DBNull.Value);
            insert.Parameters.AddWithValue("a", order.Amount.Yuan);
            insert.Parameters.AddWithValue("why", reason);
            insert.Parameters.AddWithValue("by", requestedBy);
            await insert.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await _payments.ReverseAsync(paymentId, $"{order.Channel.Display()}退款 {refundNo}：{reason}", clock.GetCurrentInstant().InZone(Beijing).Date, ct);
        }
        catch (PaymentConflictException)
        {
            // Already reversed (a refund asked again): the ledger holds one reversal.
        }

        return (await OrderAsync(orderNo, ct))!;
    }

    public async Task<PaymentOrder?> OrderAsync(string orderNo, CancellationToken ct = default)
    {
        var orders = await OrdersAsync("o.order_no = @k", orderNo, ct);
        return orders.Count == 0 ? null : orders[0];
    }

    public Task<IReadOnlyList<PaymentOrder>> OrdersOfAsync(string household, CancellationToken ct = default) =>
        OrdersAsync("o.household_code = @k", household, ct);

    private async Task<IReadOnlyList<PaymentOrder>> OrdersAsync(string where, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"""
            select o.order_no, o.household_code, o.channel, o.mode, o.amount, o.created_at, s.transaction_id, s.payment_id, r.refund_no
            from payment_order o left join payment_order_settlement s on s.order_no = o.order_no left join payment_order_refund r on r.order_no = o.order_no
            where {where} order by o.created_at desc
            """);
        cmd.Parameters.AddWithValue("k", key);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<PaymentOrder>();
        while (await reader.ReadAsync(ct))
        {
            PaymentChannels.TryParse(reader.GetString(reader.GetOrdinal("channel")), out var channel);
            result.Add(new PaymentOrder(
                reader.GetString(reader.GetOrdinal("order_no")), reader.GetString(reader.GetOrdinal("household_code")), channel,
                OrderModes.Parse(reader.GetString(reader.GetOrdinal("mode"))), new Money(reader.GetDecimal(reader.GetOrdinal("amount"))),
                reader.GetFieldValue<Instant>(reader.GetOrdinal("created_at")),
                reader.IsDBNull(reader.GetOrdinal("transaction_id")) ? null : reader.GetString(reader.GetOrdinal("transaction_id")),
                reader.IsDBNull(reader.GetOrdinal("payment_id")) ? null : reader.GetInt64(reader.GetOrdinal("payment_id")),
                reader.IsDBNull(reader.GetOrdinal("refund_no")) ? null : reader.GetString(reader.GetOrdinal("refund_no"))));
        }

        return result;
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
