using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`arrears`: who owes what in a community, by building and unit, as CSV and reminder notices.</summary>
public sealed class ArrearsCommand : BillingCommand
{
    private readonly Option<string> _community = CommandOptions.Code("--community", "the community code", required: true);
    private readonly Option<LocalDate?> _asOf = CommandOptions.Date("--as-of", "the day to count arrears on (default: today)");
    private readonly Option<string> _out = CommandOptions.OutDirectory("arrears");
    private readonly Option<string> _minOverdue = CommandOptions.Text("--min-overdue", "the least overdue amount in yuan that gets a reminder notice (default: Reminders:MinimumOverdue, or 1.00)");

    public ArrearsCommand()
        : base("arrears", "arrears by building and unit, as CSV and reminder notices (PDF)")
    {
        Options.Add(_community);
        Options.Add(_asOf);
        Options.Add(_out);
        Options.Add(_minOverdue);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var community = await KnownCodes.CommunityAsync(services, parse.GetRequiredValue(_community), ct);
        var asOf = parse.GetValue(_asOf) ?? BillingDay.Today(services.GetRequiredService<IClock>());
        var reminders = Core.Payments.ReminderRule.FromSetting(parse.GetValue(_minOverdue) ?? services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Reminders:MinimumOverdue"]);
        await WriteAsync(services, community, asOf, parse.GetRequiredValue(_out), ct, reminders);
        return 0;
    }

    public static async Task WriteAsync(IServiceProvider services, Community community, LocalDate asOf, string outDir, CancellationToken ct, Core.Payments.ReminderRule? reminders = null)
    {
        var code = community.Code.Value;
        var arrears = await ArrearsFiles.WriteAsync(services.GetRequiredService<NpgsqlDataSource>(), code, asOf, outDir, ct, reminders);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {code,-12} {arrears.Count,4} households overdue, {Core.Money.Sum(arrears.Select(a => a.Position.Open)).Yuan,10:0.00} yuan open -> {outDir}/{code}-arrears.csv, -reminders.pdf"));
    }
}
