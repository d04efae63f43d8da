using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Counter;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>The cashier's desk: find a household, see what is open oldest first, take a payment, print its receipt.</summary>
[Authorize(Policy = ConsoleAccess.Cashier)]
public sealed class CounterModel(NpgsqlDataSource db, ConsoleQueries queries, StaffAudit audit, IClock clock) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "household")]
    public string? HouseholdCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "paid")]
    public long? PaidId { get; set; }

    public IReadOnlyList<HouseholdRow> Found { get; private set; } = [];

    public HouseholdRow? Household { get; private set; }

    public LedgerPosition? Position { get; private set; }

    public IReadOnlyList<LedgerRow> Payments { get; private set; } = [];

    public ReceiptModel? Paid { get; private set; }

    /// <summary>The receipt of the payment just taken, as issued in the operator's series.</summary>
    public IssuedReceipt? PaidReceipt { get; private set; }

    /// <summary>Receipt numbers of the household's payments, by payment.</summary>
    public IReadOnlyDictionary<long, string> ReceiptNumbers { get; private set; } = new Dictionary<long, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Q is { Length: > 0 } q)
        {
            Found = await queries.SearchHouseholdsAsync(Operator, q, 50, ct);
            if (Found.Count == 1)
            {
                return Redirect($"/console/counter?household={Uri.EscapeDataString(Found[0].Code)}");
            }
        }

        if (HouseholdCode is { Length: > 0 } code)
        {
            Household = await queries.HouseholdAsync(Operator, code, ct);
            if (Household is null)
            {
                Q = code;
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
            }

            Position = await new PaymentStore(db).PositionAsync(code, ct: ct);
            Payments = (await queries.LedgerAsync(code, ct)).Where(l => l.Kind == "payment").Reverse().ToList();
            ReceiptNumbers = await new CounterPayments(db).ReceiptNumbersAsync(Payments.Select(p => p.PaymentId).OfType<long>().ToList(), ct);
            if (PaidId is { } id && await new PaymentStore(db).ReceiptAsync(id, ct) is { } receipt && receipt.Payment.Household == code)
            {
                Paid = receipt;
                PaidReceipt = await new ReceiptStore(db).GetAsync(id, ct);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostPayAsync(string? household, string? amount, string? channel, string? reference, CancellationToken ct)
    {
        HouseholdCode = household;
        if (household is null || await queries.HouseholdAsync(Operator, household, ct) is null)
        {
            return NotFound();
        }

        if (!decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var yuan) || yuan <= 0 || decimal.Round(yuan, 2) != yuan)
        {
            Errors.Add(new InputError("收款", null, "amount", "payment.amount.invalid", "金额为正数，最多两位小数"));
        }

        if (!PaymentChannels.TryParse(channel, out var parsedChannel))
        {
            Errors.Add(new InputError("收款", null, "channel", "payment.channel.invalid", "请选择支付方式"));
        }

        var now = clock.GetCurrentInstant();
        var today = now.InZone(ConsoleText.Shanghai).Date;
        var reference1 = reference?.Trim();
        if (string.IsNullOrEmpty(reference1))
        {
            if (parsedChannel == PaymentChannel.Cash)
            {
                // Cash has no transaction number: the counter makes one, unique per cashier and moment.
                reference1 = $"XJ-{now.InZone(ConsoleText.Shanghai):yyyyMMddHHmmssfff}-{Person.UserName}";
            }
            else
            {
                Errors.Add(new InputError("收款", null, "reference", "payment.reference.required", "微信、支付宝、银行转账请填写交易号"));
            }
        }

        if (Errors.Count > 0)
        {
            return await OnGetAsync(ct);
        }

        try
        {
            var input = new PaymentInput(household, parsedChannel, reference1!, new Money(yuan), today);
            var (recorded, receipt) = await new CounterPayments(db).TakeAsync(input, Person, ct);
            if (!recorded.Duplicate)
            {
                await audit.RecordAsync(Person, "收款", $"住户 {household}", $"{parsedChannel.Display()} {input.Amount.ToFenString()} 元，收据号 {receipt.ReceiptNo}", ct);
            }

            return Redirect($"/console/counter?household={Uri.EscapeDataString(household)}&paid={recorded.Id}");
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            return await OnGetAsync(ct);
        }
    }
}
