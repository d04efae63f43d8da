-- Refunds end when the channel says so. A channel that accepts a refund request has only started
-- it (WeChat Pay answers PROCESSING; the money may still bounce off a closed card), so a refund is
-- pending until the channel's refund notification reports it done or failed. The outcome is kept
-- once per refund number: copies and concurrent arrivals of the notification find it recorded, and
-- the payment's reversal is made only for an outcome that succeeded, so a failed refund leaves the
-- payment in force. The refund request itself is now stored before the channel is asked, so a
-- lost answer can be asked again under the same number, which the channels treat as one refund.

create table payment_order_refund_outcome (
    refund_no         text primary key references payment_order_refund (refund_no),
    succeeded         boolean not null,
    -- The channel's words: SUCCESS / ABNORMAL / CLOSED (WeChat Pay), TRADE_CLOSED (Alipay), or its refusal.
    channel_state     text not null,
    channel_refund_id text,
    amount            numeric(12, 2) not null check (amount > 0),
    refunded_at       timestamptz,
    -- notification: the channel's refund notification; answer: the channel refused the request outright.
    settled_by        text not null check (settled_by in ('notification', 'answer', 'before-notifications')),
    created_at        timestamptz not null default now(),
    check (not succeeded or refunded_at is not null)
);

-- Refunds recorded before this change were reversed when the channel accepted them: they stand as done.
insert into payment_order_refund_outcome (refund_no, succeeded, channel_state, channel_refund_id, amount, refunded_at, settled_by)
select r.refund_no, true, 'accepted', r.channel_refund_id, r.amount, r.created_at, 'before-notifications'
from payment_order_refund r
where exists (select 1 from payment_order_settlement s join payment_reversal v on v.payment_id = s.payment_id where s.order_no = r.order_no);

create trigger payment_order_refund_outcome_is_immutable before update or delete on payment_order_refund_outcome
    for each row execute function refuse_statement_change();
