using System.IO.Compression;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>A community's statements of one run in one zip, for the print shop or the liaison leaders.</summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class RunPdfsModel(NpgsqlDataSource db, ConsoleQueries queries) : ConsolePageModel
{
    public async Task<IActionResult> OnGetAsync(long id, string code, CancellationToken ct)
    {
        var run = await RunModel.OwnRunAsync(db, id, Operator, ct);
        if (run is null || run.Communities.All(c => c.Community != code))
        {
            return NotFound();
        }

        var pdfs = await queries.RunPdfsAsync(id, code, ct);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (statementNo, pdf) in pdfs)
            {
                // PDFs are compressed already; storing them keeps the zip quick to make.
                await using var entry = zip.CreateEntry(statementNo + ".pdf", CompressionLevel.NoCompression).Open();
                await entry.WriteAsync(pdf, ct);
            }
        }

        return File(buffer.ToArray(), "application/zip", $"{code}-{Core.Runs.BillingPeriod.Format(run.Period)}-对账单.zip");
    }
}
