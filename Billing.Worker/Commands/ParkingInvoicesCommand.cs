using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Parking;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>Issues a month's business invoices per community and shows that they add up to the lease income the pool uses.</summary>
public sealed class ParkingInvoicesCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _community = CommandOptions.Code("--community", "only this community (default: every community)");
    private readonly Option<string> _out = CommandOptions.OutDirectory("parking-invoices");

    public ParkingInvoicesCommand()
        : base("parking-invoices", "issue the month's shared-parking invoices to businesses (idempotent), check them against the pool's lease income, and write their PDFs")
    {
        Options.Add(_period);
        Options.Add(_community);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var period = parse.GetValue(_period);
        var outDir = parse.GetRequiredValue(_out);
        var communities = parse.GetValue(_community) is { } only
            ? [await KnownCodes.CommunityAsync(services, only, ct)]
            : await KnownCodes.CommunitiesAsync(services, ct);
        var book = services.GetRequiredService<Core.Parking.ParkingRateBook>();
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var invoices = new BusinessInvoiceStore(dataSource);
        var leases = new LeaseStore(dataSource);
        Directory.CreateDirectory(outDir);
        var agree = true;
        Console.WriteLine($"Shared-parking invoices for {BillingPeriod.Format(period)} (PDFs in {outDir})");
        foreach (var c in communities)
        {
            var issue = await invoices.IssueAsync(c.Code.Value, period, book, zone);
            var month = await invoices.MonthAsync(c.Code.Value, period);
            foreach (var (number, _, pdf) in month)
            {
                await File.WriteAllBytesAsync(Path.Combine(outDir, number + ".pdf"), pdf, ct);
            }

            var invoiced = Core.Money.Sum(month.Select(m => m.Total));
            var income = (await leases.MonthAsync(c.Code.Value, c.OperatorCode, period, book, zone))?.LeaseIncome ?? Core.Money.Zero;
            agree &= invoiced == income;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Code.Value,-12} {issue.Issued,3} issued, {issue.Existing,3} already issued; invoiced {invoiced.Yuan,10:0.00} = lease income {income.Yuan,10:0.00}: {(invoiced == income ? "agrees" : "DOES NOT AGREE")}"));
        }

        return agree ? 0 : 1;
    }
}
