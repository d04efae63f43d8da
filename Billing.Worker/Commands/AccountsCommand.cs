using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Accounts;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`accounts`: the community accounts (明白账) of a month, as the notice-board PDF.</summary>
public sealed class AccountsCommand : BillingCommand
{
    private readonly Option<string> _community = CommandOptions.Code("--community", "the community code", required: true);
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _out = CommandOptions.OutDirectory("accounts");

    public AccountsCommand()
        : base("accounts", "the community accounts (明白账) of a month as a PDF notice, with income by source, spending and balance printed")
    {
        Options.Add(_community);
        Options.Add(_period);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var community = (await KnownCodes.CommunityAsync(services, parse.GetRequiredValue(_community), ct)).Code.Value;
        var period = parse.GetValue(_period);
        var outDir = parse.GetRequiredValue(_out);
        var accounts = await new CommunityAccountsStore(services.GetRequiredService<NpgsqlDataSource>()).ReadAsync(community, period, ct)
            ?? throw new CommandException($"Community '{community}' is not in the register.");
        Directory.CreateDirectory(outDir);
        var file = Path.Combine(outDir, $"{community}-{BillingPeriod.Format(period)}-accounts.pdf");
        await File.WriteAllBytesAsync(file, CommunityAccountsPdf.Render(accounts), ct);
        Console.WriteLine($"{accounts.Input.CommunityName} ({community}) {BillingPeriod.Format(period)}");
        foreach (var line in accounts.Income)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  income   {line.Label,-10} {line.Amount.Yuan,12:0.00}"));
        }

        foreach (var line in accounts.Spending.Where(l => l.Entries.Count > 0))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  spending {line.Category.Label,-10} {line.Amount.Yuan,12:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  income {accounts.TotalIncome.Yuan:0.00} − spending {accounts.TotalSpending.Yuan:0.00} = balance {accounts.Balance.Yuan:0.00}; parking carried to next month {accounts.CarriedToNextMonth.Yuan:0.00}"));
        Console.WriteLine($"  -> {file}");
        return 0;
    }
}
