using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`collection`: how much of a month's billing has been paid, per community and per operator.</summary>
public sealed class CollectionCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<LocalDate?> _asOf = CommandOptions.Date("--as-of", "count payments up to this day (default: today)");

    public CollectionCommand()
        : base("collection", "collection rate per community and for the operator")
    {
        Options.Add(_period);
        Options.Add(_asOf);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        await PrintAsync(services, parse.GetValue(_period), parse.GetValue(_asOf) ?? BillingDay.Today(services.GetRequiredService<IClock>()), ct);
        return 0;
    }

    public static async Task PrintAsync(IServiceProvider services, YearMonth period, LocalDate asOf, CancellationToken ct)
    {
        var store = new PaymentStore(services.GetRequiredService<NpgsqlDataSource>());
        var communities = await KnownCodes.CommunitiesAsync(services, ct);
        Console.WriteLine();
        Console.WriteLine($"Collection rate for {BillingPeriod.Format(period)} as of {asOf:yyyy-MM-dd}");
        foreach (var group in communities.GroupBy(c => (c.OperatorCode, c.OperatorName)))
        {
            foreach (var c in group)
            {
                var rate = await store.CollectionRateAsync([c.Code.Value], period, asOf, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Code.Value,-12} billed {rate.Billed.Yuan,10:0.00} collected {rate.Collected.Yuan,10:0.00}  {rate.Percent,6}"));
            }

            var all = await store.CollectionRateAsync(group.Select(c => c.Code.Value), period, asOf, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key.OperatorCode,-12} billed {all.Billed.Yuan,10:0.00} collected {all.Collected.Yuan,10:0.00}  {all.Percent,6}  ({group.Key.OperatorName})"));
        }
    }
}
