using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using MiniExcelLibs;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>
/// The channels' daily statements (对账单) read and set against our recorded payments: WeChat Pay's
/// trade bill (CSV whose every value starts with a backquote, a summary block at the end) and
/// Alipay's business-detail bill (CSV between '#' comment lines, values padded with tabs).
/// </summary>
public sealed class ChannelStatements(NpgsqlDataSource db)
{
    private static readonly LocalDateTimePattern TradeTime = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm:ss");

    static ChannelStatements() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads a statement file's bytes: UTF-8 (with or without BOM) or, as Alipay sends it, GB18030.</summary>
    public static string Decode(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    public static IReadOnlyList<ChannelBillLine> Parse(PaymentChannel channel, string text, string source) => Read(channel, text, source).Payments;

    /// <summary>A channel's daily statement: its payments and its refunds.</summary>
    public static ChannelBill Read(PaymentChannel channel, string text, string source) => channel switch
    {
        PaymentChannel.WeChatPay => ReadWeChatTradeBill(text, source),
        PaymentChannel.Alipay => ReadAlipayBill(text, source),
        _ => throw new ArgumentException($"{channel.Name()} has no daily statement", nameof(channel)),
    };

    /// <summary>WeChat Pay's trade bill: successful payments (交易状态 SUCCESS) with 微信订单号, 商户订单号 and 应结订单金额.</summary>
    public static IReadOnlyList<ChannelBillLine> ParseWeChatTradeBill(string text, string source) => ReadWeChatTradeBill(text, source).Payments;

    /// <summary>
    /// WeChat Pay's trade bill (type ALL): payments (交易状态 SUCCESS) and refunds (交易状态 REFUND,
    /// counted when 退款状态 is SUCCESS) with 商户退款单号 and 退款金额.
    /// </summary>
    public static ChannelBill ReadWeChatTradeBill(string text, string source)
    {
        var rows = ReadCsv(text, source);
        var errors = new List<InputError>();
        var result = new List<ChannelBillLine>();
        var refunds = new List<ChannelBillRefund>();
        if (rows.Count == 0)
        {
            throw new InputRejectedException([new InputError(source, 1, null, "bill.empty", "the file is empty")]);
        }

        var header = rows[0].Fields.Select(Clean).ToList();
        int Column(string name)
        {
            var i = header.IndexOf(name);
            if (i < 0)
            {
                errors.Add(new InputError(source, 1, name, "bill.column.missing", $"the header has no '{name}' column: is this a WeChat Pay trade bill?"));
            }

            return i;
        }

        var (time, transaction, order, state, amount) = (Column("交易时间"), Column("微信订单号"), Column("商户订单号"), Column("交易状态"), Column("应结订单金额"));
        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        // A bill of successful payments only (type SUCCESS) has no refund columns.
        var (refundNo, refundAmount, refundState) = (header.IndexOf("商户退款单号"), header.IndexOf("退款金额"), header.IndexOf("退款状态"));

        foreach (var (fields, row) in rows.Skip(1))
        {
            if (Clean(fields[0]) == "总交易单数")
            {
                break; // the summary block
            }

            if (fields.Length < header.Count)
            {
                errors.Add(new InputError(source, row, null, "bill.row.short", $"{fields.Length} values where the header has {header.Count}"));
                continue;
            }

            var status = Clean(fields[state]);
            if (status == "REFUND" && refundNo >= 0 && refundAmount >= 0)
            {
                if (refundState >= 0 && Clean(fields[refundState]) != "SUCCESS")
                {
                    continue; // a refund still processing, or one that failed, returned nothing
                }

                if (Refund(source, row, Clean(fields[refundNo]), "商户退款单号", Clean(fields[transaction]), Clean(fields[order]), Clean(fields[refundAmount]), "退款金额", Clean(fields[time]), "交易时间", errors) is { } refund)
                {
                    refunds.Add(refund);
                }

                continue;
            }

            if (status != "SUCCESS")
            {
                continue; // revoked trades are not payments
            }

            if (Line(source, row, Clean(fields[transaction]), Clean(fields[order]), Clean(fields[amount]), "应结订单金额", Clean(fields[time]), "交易时间", errors) is { } line)
            {
                result.Add(line);
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new ChannelBill(result, refunds);
    }

    /// <summary>Alipay's business-detail bill: 交易 rows with 支付宝交易号, 商户订单号, 订单金额（元） and 完成时间.</summary>
    public static IReadOnlyList<ChannelBillLine> ParseAlipayBill(string text, string source) => ReadAlipayBill(text, source).Payments;

    /// <summary>
    /// Alipay's business-detail bill: 交易 rows are payments; 退款 rows are refunds, named by
    /// 退款批次号/请求号 (our refund request number), their amount written negative.
    /// </summary>
    public static ChannelBill ReadAlipayBill(string text, string source)
    {
        var rows = ReadCsv(text, source);
        var errors = new List<InputError>();
        var result = new List<ChannelBillLine>();
        var refunds = new List<ChannelBillRefund>();
        var headerAt = rows.FindIndex(r => Clean(r.Fields[0]) == "支付宝交易号");
        if (headerAt < 0)
        {
            throw new InputRejectedException([new InputError(source, null, "支付宝交易号", "bill.column.missing", "no header row starting with 支付宝交易号: is this an Alipay business-detail bill?")]);
        }

        var header = rows[headerAt].Fields.Select(Clean).ToList();
        int Column(string name)
        {
            var i = header.IndexOf(name);
            if (i < 0)
            {
                errors.Add(new InputError(source, rows[headerAt].Row, name, "bill.column.missing", $"the header has no '{name}' column"));
            }

            return i;
        }

        var (transaction, order, kind, finished, amount) = (Column("支付宝交易号"), Column("商户订单号"), Column("业务类型"), Column("完成时间"), Column("订单金额（元）"));
        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        var refundNo = header.IndexOf("退款批次号/请求号");

        foreach (var (fields, row) in rows.Skip(headerAt + 1))
        {
            if (fields[0].StartsWith('#'))
            {
                break; // 业务明细列表结束 and the totals
            }

            if (fields.Length < header.Count)
            {
                errors.Add(new InputError(source, row, null, "bill.row.short", $"{fields.Length} values where the header has {header.Count}"));
                continue;
            }

            var business = Clean(fields[kind]);
            if (business == "退款" && refundNo >= 0)
            {
                if (Refund(source, row, Clean(fields[refundNo]), "退款批次号/请求号", Clean(fields[transaction]), Clean(fields[order]), Clean(fields[amount]).TrimStart('-'), "订单金额（元）", Clean(fields[finished]), "完成时间", errors) is { } refund)
                {
                    refunds.Add(refund);
                }

                continue;
            }

            if (business != "交易")
            {
                continue;
            }

            if (Line(source, row, Clean(fields[transaction]), Clean(fields[order]), Clean(fields[amount]), "订单金额（元）", Clean(fields[finished]), "完成时间", errors) is { } line)
            {
                result.Add(line);
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new ChannelBill(result, refunds);
    }

    /// <summary>Reconciles a channel's statement for a day with the payments an operator's households made through it.</summary>
    public Task<ChannelReconciliationResult> ReconcileAsync(
        PaymentChannel channel, LocalDate date, IReadOnlyList<ChannelBillLine> theirs, string operatorCode, CancellationToken ct = default) =>
        ReconcileAsync(channel, date, new ChannelBill(theirs, []), operatorCode, ct);

    /// <summary>
    /// Reconciles a channel's statement for a day, payments and refunds, with what an operator's
    /// households paid through it and the refunds recorded as reversals.
    /// </summary>
    public async Task<ChannelReconciliationResult> ReconcileAsync(
        PaymentChannel channel, LocalDate date, ChannelBill theirs, string operatorCode, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var payments = await connection.QueryAsync<PaymentRow>(new CommandDefinition(
            """
            select p.id as PaymentId, p.reference as TransactionId, p.household_code as Household, p.amount as Amount, p.paid_on::text as PaidOn
            from payment p join household h on h.code = p.household_code join community c on c.code = h.community_code
            where p.channel = @channel and c.operator_code = @operatorCode and (p.paid_on = @day::date or p.reference = any(@references))
            """,
            new { channel = channel.Name(), operatorCode, day, references = theirs.Payments.Select(t => t.TransactionId).ToArray() }, cancellationToken: ct));
        var refunds = await connection.QueryAsync<RefundRow>(new CommandDefinition(
            """
            select r.refund_no as RefundNo, s.transaction_id as TransactionId, s.payment_id as PaymentId, o.household_code as Household,
                   x.amount as Amount, (x.refunded_at at time zone 'Asia/Shanghai')::date::text as RefundedOn
            from payment_order_refund r
            join payment_order_refund_outcome x on x.refund_no = r.refund_no and x.succeeded
            join payment_order o on o.order_no = r.order_no
            join payment_order_settlement s on s.order_no = r.order_no
            join household h on h.code = o.household_code join community c on c.code = h.community_code
            where o.channel = @channel and c.operator_code = @operatorCode
              and ((x.refunded_at at time zone 'Asia/Shanghai')::date = @day::date or r.refund_no = any(@refundNos))
            """,
            new { channel = channel.Name(), operatorCode, day, refundNos = theirs.Refunds.Select(t => t.RefundNo).ToArray() }, cancellationToken: ct));
        return ChannelReconciliation.Reconcile(channel, date, theirs, payments.Select(p => p.ToRecorded()), refunds.Select(r => r.ToRecorded()));
    }

    /// <summary>A recorded channel payment, mapped by column name.</summary>
    private sealed record PaymentRow(long PaymentId, string TransactionId, string Household, decimal Amount, string PaidOn)
    {
        public RecordedChannelPayment ToRecorded() => new(PaymentId, TransactionId, Household, new Money(Amount), LocalDatePattern.Iso.Parse(PaidOn).Value);
    }

    /// <summary>A refund the channel reported done, mapped by column name.</summary>
    private sealed record RefundRow(string RefundNo, string TransactionId, long PaymentId, string Household, decimal Amount, string RefundedOn)
    {
        public RecordedChannelRefund ToRecorded() => new(RefundNo, TransactionId, PaymentId, Household, new Money(Amount), LocalDatePattern.Iso.Parse(RefundedOn).Value);
    }

    /// <summary>The reconciliation as a workbook: a summary sheet and one row per transaction, in Chinese for finance staff.</summary>
    public static byte[] Excel(ChannelReconciliationResult result)
    {
        var summary = new List<Dictionary<string, object?>>
        {
            Row(("项目", "渠道"), ("值", result.Channel.Display())),
            Row(("项目", "日期"), ("值", result.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            Row(("项目", "相符"), ("值", result.Count(ReconciliationOutcome.Matched))),
            Row(("项目", "我方缺少（渠道有、我方无）"), ("值", result.Count(ReconciliationOutcome.MissingOnOurSide))),
            Row(("项目", "渠道缺少（我方有、渠道无）"), ("值", result.Count(ReconciliationOutcome.MissingOnTheirs))),
            Row(("项目", "金额不符"), ("值", result.Count(ReconciliationOutcome.AmountDiffers))),
            Row(("项目", "渠道合计（元）"), ("值", result.TheirTotal.Yuan)),
            Row(("项目", "我方合计（元）"), ("值", result.OurTotal.Yuan)),
            Row(("项目", "渠道退款合计（元）"), ("值", result.TheirRefundTotal.Yuan)),
            Row(("项目", "我方退款合计（元）"), ("值", result.OurRefundTotal.Yuan)),
        };
        var lines = result.Lines.Select(l => Row(
            ("类别", l.Kind == ReconciliationKind.Refund ? "退款" : "收款"), ("结果", Outcome(l.Outcome)), ("交易号", l.TransactionId), ("商户订单号", l.OrderNo),
            ("退款单号", l.RefundNo), ("对账单行", l.Row),
            ("渠道金额（元）", l.TheirAmount?.Yuan), ("我方收款编号", l.PaymentId), ("户号", l.Household), ("我方金额（元）", l.OurAmount?.Yuan))).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["汇总"] = summary, ["明细"] = lines });
        return stream.ToArray();
    }

    public static string Outcome(ReconciliationOutcome outcome) => outcome switch
    {
        ReconciliationOutcome.Matched => "相符",
        ReconciliationOutcome.MissingOnOurSide => "我方缺少",
        ReconciliationOutcome.MissingOnTheirs => "渠道缺少",
        _ => "金额不符",
    };

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] cells) => cells.ToDictionary(c => c.Key, c => c.Value);

    private static ChannelBillRefund? Refund(
        string source, int row, string refundNo, string refundField, string transaction, string order, string amountText, string amountField, string timeText, string timeField, List<InputError> errors)
    {
        var before = errors.Count;
        if (refundNo.Length == 0)
        {
            errors.Add(new InputError(source, row, refundField, "bill.refund.missing", "a refund row without our refund number"));
        }

        if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan) || decimal.Round(yuan, 2) != yuan || yuan <= 0m)
        {
            errors.Add(new InputError(source, row, amountField, "bill.amount.invalid", $"'{amountText}' is not a refunded amount in yuan"));
        }

        var time = TradeTime.Parse(timeText);
        if (!time.Success)
        {
            errors.Add(new InputError(source, row, timeField, "bill.time.invalid", $"'{timeText}' is not yyyy-MM-dd HH:mm:ss"));
        }

        return errors.Count > before ? null : new ChannelBillRefund(refundNo, transaction, order, new Money(yuan), time.Value, row);
    }

    private static ChannelBillLine? Line(string source, int row, string transaction, string order, string amountText, string amountField, string timeText, string timeField, List<InputError> errors)
    {
        var before = errors.Count;
        if (transaction.Length == 0)
        {
            errors.Add(new InputError(source, row, "transaction_id", "bill.transaction.missing", "the channel's transaction number is empty"));
        }

        if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan) || decimal.Round(yuan, 2) != yuan)
        {
            errors.Add(new InputError(source, row, amountField, "bill.amount.invalid", $"'{amountText}' is not an amount in yuan"));
        }

        var time = TradeTime.Parse(timeText);
        if (!time.Success)
        {
            errors.Add(new InputError(source, row, timeField, "bill.time.invalid", $"'{timeText}' is not yyyy-MM-dd HH:mm:ss"));
        }

        return errors.Count > before ? null : new ChannelBillLine(transaction, order, new Money(yuan), time.Value, row);
    }

    /// <summary>The values WeChat writes with a leading backquote (so spreadsheets keep long numbers as text) and Alipay pads with tabs.</summary>
    private static string Clean(string value) => value.Trim().TrimStart('`').Trim();

    /// <summary>
    /// The bill's rows. A stray or unclosed quote shifts every later field onto the wrong column, so
    /// such rows are refused with their row number rather than read as whatever the parser guessed.
    /// </summary>
    private static List<(string[] Fields, int Row)> ReadCsv(string text, string source)
    {
        var rows = new List<(string[], int)>();
        var bad = new List<InputError>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Mode = CsvMode.RFC4180,
            BadDataFound = data => bad.Add(new InputError(source, data.Context.Parser?.Row, null, "csv.quote.invalid",
                $"bad quoting near '{(data.Field.Length > 40 ? data.Field[..40] + "…" : data.Field)}': a field with a quote must be quoted as a whole, with the quote doubled (\"\")")),
        };
        using var parser = new CsvParser(new StringReader(text), config);
        while (parser.Read())
        {
            var fields = parser.Record ?? [];
            if (fields.Length == 0 || fields.All(f => f.Trim().Length == 0))
            {
                continue;
            }

            rows.Add((fields, parser.Row));
        }

        if (bad.Count > 0)
        {
            throw new InputRejectedException(bad);
        }

        return rows;
    }
}
