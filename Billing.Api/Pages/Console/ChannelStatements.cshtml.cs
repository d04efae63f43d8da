using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// Cashiers, managers and administrators upload a channel's daily statement (the CSV WeChat Pay or
/// Alipay sends) and see it set against the payments and refunds recorded. The file is checked
/// before anything is stored; a good one is kept as sent and its reconciliation opened.
/// </summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class ChannelStatementsModel(NpgsqlDataSource db, StaffAudit audit, IClock clock) : ConsolePageModel
{
    private const int MaxUploadBytes = 20 * 1024 * 1024;

    /// <summary>Who may reconcile the channels' money: the people who take it, check it, or run the office.</summary>
    public static bool MayReconcile(ConsolePageModel page) => page.Has(StaffRole.Cashier) || page.Has(StaffRole.Manager) || page.Has(StaffRole.Admin);

    [BindProperty]
    public string Channel { get; set; } = "wechat";

    [BindProperty]
    public string? Date { get; set; }

    public IReadOnlyList<ChannelStatementImport> Recent { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayReconcile(this))
        {
            return Forbid();
        }

        Date ??= ConsoleText.Today(clock).PlusDays(-1).ToString("yyyy-MM-dd", null);
        Recent = await new ChannelStatementImports(db).RecentAsync(Operator, ct: ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (!MayReconcile(this))
        {
            return Forbid();
        }

        var name = file is null ? "文件" : Path.GetFileName(file.FileName);
        if (!PaymentChannels.TryParse(Channel, out var channel) || channel is not (PaymentChannel.WeChatPay or PaymentChannel.Alipay))
        {
            Errors.Add(new InputError(name, null, "channel", "statement.channel", "请选择微信支付或支付宝"));
        }

        var day = LocalDatePattern.Iso.Parse(Date ?? string.Empty);
        if (!day.Success)
        {
            Errors.Add(new InputError(name, null, "date", "statement.date", "请填写对账日期（yyyy-MM-dd）"));
        }

        if (file is null || file.Length == 0 || file.Length > MaxUploadBytes)
        {
            Errors.Add(new InputError(name, null, "file", "statement.file", file is null || file.Length == 0 ? "请选择渠道下载的对账单 CSV 文件" : "文件不能超过 20 MB"));
        }

        if (Errors.Count > 0)
        {
            return await AgainAsync(ct);
        }

        using var buffer = new MemoryStream();
        await file!.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        try
        {
            // Checked in full before anything is stored: a bad row is named and nothing is kept.
            var bill = ChannelStatements.Read(channel, ChannelStatements.Decode(bytes), name);
            var id = await new ChannelStatementImports(db).SaveAsync(Operator, channel, day.Value, name, bytes, Person.Signature, ct);
            await audit.RecordAsync(Person, "上传对账单", $"{channel.Display()} {Date} {name}", $"收款 {bill.Payments.Count} 笔，退款 {bill.Refunds.Count} 笔", ct);
            return Redirect($"/console/channel-statements/{id}");
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            return await AgainAsync(ct);
        }
    }

    private async Task<IActionResult> AgainAsync(CancellationToken ct)
    {
        Recent = await new ChannelStatementImports(db).RecentAsync(Operator, ct: ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
