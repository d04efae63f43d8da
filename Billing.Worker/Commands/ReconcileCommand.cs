using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`reconcile`: a district's subsidy reconciliation for a month, as CSV and PDF.</summary>
public sealed class ReconcileCommand : BillingCommand
{
    private readonly Option<string> _district = CommandOptions.Code("--district", "the district, as named in the register", required: true);
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _out = CommandOptions.OutDirectory("reconciliation");

    public ReconcileCommand()
        : base("reconcile", "the district subsidy reconciliation as CSV and PDF")
    {
        Options.Add(_district);
        Options.Add(_period);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var district = await KnownCodes.DistrictAsync(services, parse.GetRequiredValue(_district), ct);
        var rows = await WriteAsync(services, district, parse.GetValue(_period), parse.GetRequiredValue(_out));
        return rows.All(r => r.AllPassed) ? 0 : 1;
    }

    public static async Task<IReadOnlyList<ReconciliationRow>> WriteAsync(IServiceProvider services, string district, YearMonth period, string outDir)
    {
        var store = new SubsidyStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<SubsidyCatalog>());
        var rows = await store.ReconcileAsync(district, period);
        Directory.CreateDirectory(outDir);
        var name = $"{district}-{BillingPeriod.Format(period)}";
        await File.WriteAllTextAsync(Path.Combine(outDir, name + ".csv"), ReconciliationReport.Csv(rows), new System.Text.UTF8Encoding(true));
        await File.WriteAllBytesAsync(Path.Combine(outDir, name + ".pdf"), ReconciliationReport.Pdf(district, period, rows));
        Console.WriteLine();
        Console.WriteLine($"Subsidy reconciliation {district} {BillingPeriod.Format(period)} (written to {Path.Combine(outDir, name)}.csv/.pdf)");
        Console.WriteLine($"  {"community",-12} {"standard",10} {"resident",10} {"district",10} {"score",6} {"factor",7} {"claim",10} {"shortfall",10}  checks");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.CommunityCode,-12} {r.StandardFee.Yuan,10:0.00} {r.ResidentShare.Yuan,10:0.00} {r.DistrictShare.Yuan,10:0.00} {r.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-",6} {r.Factor?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",7} {r.Claim?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10} {r.Shortfall?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10}  {(r.AllPassed ? "passed" : "FAILED")}"));
        }

        return rows;
    }
}
