using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Counter;
using RedProperty.Billing.Infrastructure.Excel;

namespace RedProperty.Billing.Api.Pages.Console;

[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class CloseOutModel(NpgsqlDataSource db, ConsoleQueries queries, IClock clock) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Date { get; set; }

    public LocalDate Day { get; private set; }

    public CloseOut? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Report = await LoadAsync(ct);

    public async Task<IActionResult> OnGetPdfAsync(CancellationToken ct)
    {
        var report = await LoadAsync(ct);
        return File(report.Pdf(), "application/pdf");
    }

    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken ct)
    {
        var report = await LoadAsync(ct);
        return File(report.Xlsx(), Spreadsheets.ContentType, $"日结-{Day:yyyy-MM-dd}.xlsx");
    }

    private async Task<CloseOut> LoadAsync(CancellationToken ct)
    {
        Day = LocalDatePattern.Iso.Parse(Date ?? string.Empty) is { Success: true } parsed ? parsed.Value : ConsoleText.Today(clock);
        var rows = await queries.CounterPaymentsAsync(Operator, Day, ct);
        await using var cmd = db.CreateCommand("select name from operator where code = @o");
        cmd.Parameters.AddWithValue("o", Operator);
        var name = await cmd.ExecuteScalarAsync(ct) as string ?? Operator;
        return new CloseOut(name, Day, rows.Select(r =>
        {
            PaymentChannels.TryParse(r.Channel, out var channel);
            return new CounterPayment(r.PaymentId, r.ReceiptNo, r.TakenAt, r.UserName, r.DisplayName, channel, r.Reference, r.Household, r.Amount);
        }).ToList());
    }
}
