using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Infrastructure.Demo;

/// <summary>
/// The month the sample tells (samples/&lt;name&gt;/story.json): which month is billed, on which day
/// arrears are drawn, and which payments get their receipts. Fixed in the sample, so the demo shows
/// the same part months, payments and arrears whatever day it is run.
/// </summary>
public sealed record DemoStory(YearMonth Period, LocalDate AsOf, string Cashier, IReadOnlyList<string> Receipts)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static DemoStory Load(string sampleFolder)
    {
        var file = Path.Combine(sampleFolder, "story.json");
        var dto = JsonSerializer.Deserialize<Dto>(File.ReadAllText(file), Json) ?? throw new InvalidDataException($"{file} is empty");
        var period = YearMonthPattern.Iso.Parse(dto.Period ?? string.Empty);
        var asOf = LocalDatePattern.Iso.Parse(dto.AsOf ?? string.Empty);
        if (!period.Success || !asOf.Success)
        {
            throw new InvalidDataException($"{file}: period is yyyy-MM and asOf is yyyy-MM-dd");
        }

        return new DemoStory(period.Value, asOf.Value, dto.Cashier ?? "收费员", dto.Receipts ?? []);
    }

    /// <summary>
    /// Everything the story produces besides the statements, each in its own folder under
    /// <paramref name="outRoot"/>: receipts (issued once, by payment reference), arrears lists and
    /// reminders, the parking invoices, the community accounts and the district reconciliation.
    /// </summary>
    public async Task WriteDocumentsAsync(NpgsqlDataSource db, Core.Subsidies.SubsidyCatalog policies, string outRoot, TextWriter log, CancellationToken ct = default)
    {
        var documents = DocumentContext.Default;
        var communities = await new Register.RegisterStore(db).CommunitiesAsync(ct);

        var receiptsDir = Directory.CreateDirectory(Path.Combine(outRoot, "receipts")).FullName;
        foreach (var reference in Receipts)
        {
            await using var cmd = db.CreateCommand("select id from payment where reference = @r");
            cmd.Parameters.AddWithValue("r", reference);
            if (await cmd.ExecuteScalarAsync(ct) is long id && await new ReceiptStore(db, documents).IssueAsync(id, Cashier, ct) is { } receipt)
            {
                await File.WriteAllBytesAsync(Path.Combine(receiptsDir, $"{receipt.ReceiptNo}.pdf"), receipt.Pdf, ct);
                log.WriteLine($"  receipt {receipt.ReceiptNo} for payment {reference} -> {receiptsDir}");
            }
        }

        var arrearsDir = Path.Combine(outRoot, "arrears");
        foreach (var c in communities)
        {
            var arrears = await ArrearsFiles.WriteAsync(db, c.Code.Value, AsOf, arrearsDir, ct);
            log.WriteLine($"  arrears {c.Code.Value}: {arrears.Count} households overdue on {AsOf:yyyy-MM-dd} -> {arrearsDir}");
        }

        var parkingDir = Directory.CreateDirectory(Path.Combine(outRoot, "parking-invoices")).FullName;
        foreach (var c in communities)
        {
            foreach (var (number, total, pdf) in await new Parking.BusinessInvoiceStore(db).MonthAsync(c.Code.Value, Period, ct))
            {
                await File.WriteAllBytesAsync(Path.Combine(parkingDir, $"{number}.pdf"), pdf, ct);
                log.WriteLine($"  parking invoice {number}: {total.ToFenString()} yuan -> {parkingDir}");
            }
        }

        var accountsDir = Directory.CreateDirectory(Path.Combine(outRoot, "accounts")).FullName;
        var accountsStore = new Accounts.CommunityAccountsStore(db, policies);
        foreach (var c in communities)
        {
            var accounts = (await accountsStore.ReadAsync(c.Code.Value, Period, AsOf, ct))!;
            await File.WriteAllBytesAsync(Path.Combine(accountsDir, $"{c.Code.Value}-{Core.Runs.BillingPeriod.Format(Period)}-accounts.pdf"), Accounts.CommunityAccountsPdf.Render(accounts), ct);
        }

        log.WriteLine($"  community accounts (明白账) of {Core.Runs.BillingPeriod.Format(Period)} -> {accountsDir}");
        var reconciliationDir = Directory.CreateDirectory(Path.Combine(outRoot, "reconciliation")).FullName;
        foreach (var district in communities.Select(c => c.District).Distinct())
        {
            var pdf = await DistrictReconciliation.PdfAsync(db, policies, district, Period, documents, 6, ct);
            await File.WriteAllBytesAsync(Path.Combine(reconciliationDir, $"{district}-{Core.Runs.BillingPeriod.Format(Period)}.pdf"), pdf, ct);
        }

        log.WriteLine($"  district reconciliation -> {reconciliationDir}");
    }

    private sealed record Dto(string? Period, string? AsOf, string? Cashier, IReadOnlyList<string>? Receipts);
}
