using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Channels;

namespace RedProperty.Billing.Api;

/// <summary>
/// Finance staff upload a channel's daily statement (对账单) and get it reconciled against the
/// payments their households made through that channel: JSON, or an Excel workbook.
/// </summary>
public static class ChannelStatementsApi
{
    public static ApiAudiences MapChannelStatementsApi(this ApiAudiences audiences)
    {
        audiences.FinanceStaff.MapPost("/api/payment-channels/{channel}/statements/{date}/reconciliation", Reconcile)
            .DisableAntiforgery();
        return audiences;
    }

    private static async Task<IResult> Reconcile(string channel, string date, string? format, HttpRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!PaymentChannels.TryParse(channel, out var parsed) || parsed is not (PaymentChannel.WeChatPay or PaymentChannel.Alipay))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Unknown channel", $"'{channel}' is not wechat or alipay.", "channel");
        }

        var day = LocalDatePattern.Iso.Parse(date);
        if (!day.Success)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", $"'{date}' is not a date (yyyy-MM-dd).", "date");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "No statement", "Send the channel's statement file as the request body.", "body");
        }

        var source = $"{parsed.Name()} statement {date}";
        try
        {
            var bill = ChannelStatements.Read(parsed, ChannelStatements.Decode(buffer.ToArray()), source);
            var result = await new ChannelStatements(db).ReconcileAsync(parsed, day.Value, bill, request.HttpContext.User.Grant().Scope, ct);
            if (format == "xlsx")
            {
                return TypedResults.File(ChannelStatements.Excel(result), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"reconciliation-{parsed.Name()}-{date}.xlsx");
            }

            return TypedResults.Ok(new
            {
                channel = parsed.Name(),
                date,
                matched = result.Count(ReconciliationKind.Payment, ReconciliationOutcome.Matched),
                missingOnOurSide = result.Count(ReconciliationKind.Payment, ReconciliationOutcome.MissingOnOurSide),
                missingOnTheirs = result.Count(ReconciliationKind.Payment, ReconciliationOutcome.MissingOnTheirs),
                amountDiffers = result.Count(ReconciliationKind.Payment, ReconciliationOutcome.AmountDiffers),
                theirTotal = result.TheirTotal.Yuan,
                ourTotal = result.OurTotal.Yuan,
                refunds = new
                {
                    matched = result.Count(ReconciliationKind.Refund, ReconciliationOutcome.Matched),
                    missingOnOurSide = result.Count(ReconciliationKind.Refund, ReconciliationOutcome.MissingOnOurSide),
                    missingOnTheirs = result.Count(ReconciliationKind.Refund, ReconciliationOutcome.MissingOnTheirs),
                    amountDiffers = result.Count(ReconciliationKind.Refund, ReconciliationOutcome.AmountDiffers),
                    theirTotal = result.TheirRefundTotal.Yuan,
                    ourTotal = result.OurRefundTotal.Yuan,
                },
                lines = result.Lines.Select(l => new
                {
                    kind = l.Kind == ReconciliationKind.Refund ? "refund" : "payment",
                    refundNo = l.RefundNo,
                    outcome = l.Outcome switch
                    {
                        ReconciliationOutcome.Matched => "matched",
                        ReconciliationOutcome.MissingOnOurSide => "missing-on-our-side",
                        ReconciliationOutcome.MissingOnTheirs => "missing-on-theirs",
                        _ => "amount-differs",
                    },
                    transactionId = l.TransactionId,
                    orderNo = l.OrderNo,
                    row = l.Row,
                    theirAmount = l.TheirAmount?.Yuan,
                    paymentId = l.PaymentId,
                    household = l.Household,
                    ourAmount = l.OurAmount?.Yuan,
                }),
            });
        }
        catch (InputRejectedException e)
        {
            return Problems.Rejected(e);
        }
    }
}
