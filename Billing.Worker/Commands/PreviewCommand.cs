using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`preview`: a dry run of a month, line by line; nothing is stored.</summary>
public sealed class PreviewCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _community = CommandOptions.Code("--community", "only this community (default: every community)");

    public PreviewCommand()
        : base("preview", "dry run: show what the month would charge, store nothing")
    {
        Options.Add(_period);
        Options.Add(_community);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var period = parse.GetValue(_period);
        var only = parse.GetValue(_community) is { } code ? new[] { (await KnownCodes.CommunityAsync(services, code, ct)).Code } : null;
        var rates = services.GetRequiredService<Core.Rates.RateCatalog>();
        RunPrinter.Rates(rates);
        var billing = new StoredRegisterBilling(
            new RegisterStore(services.GetRequiredService<NpgsqlDataSource>()),
            rates,
            services.GetRequiredService<Core.Subsidies.SubsidyCatalog>(),
            services.GetRequiredService<Core.Statements.StatementCalendar>(),
            services.GetRequiredService<Core.Parking.ParkingRateBook>());
        var bills = await billing.BillAsync(period, only).ToListAsync(ct);
        Console.WriteLine($"Dry run for {BillingPeriod.Format(period)}: nothing is stored.");
        foreach (var bill in bills)
        {
            Console.WriteLine();
            Console.WriteLine($"{bill.Community.Code} {bill.Community.Name}: {(bill.NotYetBilled ? "not billed yet (billing starts " + bill.Community.BillingStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : bill.Succeeded ? $"{bill.Statements.Count} statements, {bill.Total.ToFenString()} yuan" : "REFUSED")}");
            foreach (var problem in bill.Problems)
            {
                Console.WriteLine($"  ! {problem}");
            }

            foreach (var statement in bill.Statements)
            {
                foreach (var line in statement.Lines)
                {
                    Console.WriteLine($"  {statement.Household.Code,-20} {line.Label,-14} {line.Formula,-52} {line.Amount.ToFenString(),9}  {line.RateVersion}");
                }
            }
        }

        return bills.All(b => b.Succeeded) ? 0 : 1;
    }
}
