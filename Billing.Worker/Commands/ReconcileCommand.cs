using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `reconcile`: a district's subsidy reconciliation for a month, as CSV and PDF. The PDF is the same
/// document the demo writes and the district desk downloads: headed with the operators' names,
/// submitted and pending claims apart, every check, old scores flagged, and the district's sign-off.
/// </summary>
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
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var policies = services.GetRequiredService<SubsidyCatalog>();
        var documents = services.GetRequiredService<DocumentContext>();
        var staleAfter = DistrictDeskSettings.StaleScoreMonths(services.GetRequiredService<IConfiguration>());
        var rows = await new SubsidyStore(db, policies).ReconcileAsync(district, period);
        Directory.CreateDirectory(outDir);
        var name = $"{district}-{BillingPeriod.Format(period)}";
        await File.WriteAllTextAsync(Path.Combine(outDir, name + ".csv"), ReconciliationReport.Csv(rows), new System.Text.UTF8Encoding(true));
        await File.WriteAllBytesAsync(Path.Combine(outDir, name + ".pdf"), await DistrictReconciliation.PdfAsync(db, policies, district, period, documents, staleAfter));
        var desk = new DistrictDesk(db);
        Console.WriteLine();
        Console.WriteLine($"Subsidy reconciliation {district} {BillingPeriod.Format(period)} (written to {Path.Combine(outDir, name)}.csv/.pdf)");
        Console.WriteLine($"  operator: {await desk.OperatorNamesAsync(district, documents)}");
        Console.WriteLine($"  {"community",-12} {"standard",10} {"resident",10} {"district",10} {"score",6} {"factor",7} {"claim",10} {"shortfall",10}  checks");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.CommunityCode,-12} {r.StandardFee.Yuan,10:0.00} {r.ResidentShare.Yuan,10:0.00} {r.DistrictShare.Yuan,10:0.00} {r.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-",6} {r.Factor?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",7} {r.Claim?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10} {r.Shortfall?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10}  {(r.AllPassed ? "passed" : "FAILED")}"));
        }

        var submitted = rows.Where(r => r.Status == "submitted").ToList();
        var pending = rows.Where(r => r.Status == "draft").ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  submitted: {submitted.Count} communities, {Core.Money.Sum(submitted.Select(r => r.TotalClaim ?? Core.Money.Zero)).Yuan:0.00}; pending (not added): {pending.Count}, {Core.Money.Sum(pending.Select(r => r.TotalClaim ?? Core.Money.Zero)).Yuan:0.00}; awaiting a score: {rows.Count(r => r.Status == "awaiting-score")}"));
        var signOffs = await desk.SignOffsAsync(district, period);
        Console.WriteLine(signOffs.LastOrDefault() is { } last
            ? $"  district sign-off: {last.DecisionText} by {last.SignedBy} at {InstantPattern.General.Format(last.SignedAt)}{(last.Reason is { } reason ? $" ({reason})" : string.Empty)}"
            : "  district sign-off: not yet");
        return rows;
    }
}
