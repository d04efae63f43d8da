using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`ledger-check`: every household balance of an operator checked against its ledger.</summary>
public sealed class LedgerCheckCommand : BillingCommand
{
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "the operator code", required: true);

    public LedgerCheckCommand()
        : base("ledger-check", "check every balance against the ledger")
    {
        Options.Add(_operator);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var operatorCode = await KnownCodes.OperatorAsync(services, parse.GetRequiredValue(_operator), ct);
        var check = await new PaymentStore(services.GetRequiredService<NpgsqlDataSource>()).CheckAsync(operatorCode, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{check.Households} households; ledger {check.LedgerTotal.Yuan:0.00} = charges {check.ChargesTotal.Yuan:0.00} − payments {check.PaymentsTotal.Yuan:0.00} + reversals {check.ReversalsTotal.Yuan:0.00}: {(check.Balances ? "balances" : "DOES NOT BALANCE")}"));
        foreach (var m in check.Mismatches)
        {
            Console.WriteLine("  " + m);
        }

        return check.Balances ? 0 : 1;
    }
}
