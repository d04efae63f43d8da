using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`pay`: one payment taken at the counter or seen on a statement; a repeated reference is ignored.</summary>
public sealed class PayCommand : BillingCommand
{
    private readonly Option<string> _household = CommandOptions.Code("--household", "the household code", required: true);
    private readonly Option<Core.Payments.PaymentChannel?> _channel = ChoiceOptions.Channel(required: true);
    private readonly Option<string> _reference = CommandOptions.Text("--reference", "the channel's reference (a receipt or transaction number)", required: true);
    private readonly Option<decimal> _amount = CommandOptions.Yuan("--amount", "the amount paid in yuan, e.g. 42.96", allowNegative: false);
    private readonly Option<LocalDate?> _date = CommandOptions.Date("--date", "the day it was paid, e.g. 2026-11-05", required: true);

    public PayCommand()
        : base("pay", "record one payment (a repeated reference is ignored)")
    {
        Options.Add(_household);
        Options.Add(_channel);
        Options.Add(_reference);
        Options.Add(_amount);
        Options.Add(_date);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var input = new PaymentInput(
            parse.GetRequiredValue(_household), parse.GetValue(_channel)!.Value, parse.GetRequiredValue(_reference), new Core.Money(parse.GetValue(_amount)), parse.GetValue(_date)!.Value);
        var result = (await new PaymentStore(services.GetRequiredService<NpgsqlDataSource>()).RecordAsync([(input, "command line", 1)], "command line", ct))[0];
        Console.WriteLine(result.Duplicate ? $"Already recorded as payment {result.Id}; nothing changed." : $"Recorded payment {result.Id}.");
        return 0;
    }
}
