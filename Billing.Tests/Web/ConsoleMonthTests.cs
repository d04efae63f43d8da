using System.Text;
using MiniExcelLibs;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>A month walked through the console by three people in their own browsers, with a worker doing the jobs.</summary>
[Collection(HangfireServerCollection.Name)]
public sealed class ConsoleMonthTests : ConsoleHost
{
    [Fact]
    public async Task A_clerk_imports_and_drafts_a_manager_approves_the_run_is_issued_and_a_cashier_takes_cash_with_a_receipt_and_close_out()
    {
        await StaffAsync();
        var storage = BillingHangfire.CreateStorage(Db.ConnectionString);
        await using var services = SampleRegister.JobServicesWithRepositoryRules(Db, storage);
        using var server = BillingHangfire.StartServer(storage, services, "console-worker");

        // The clerk uploads a register file with a bad area: every bad row is listed and nothing is stored.
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/imports");
        await clerk.SelectOptionAsync("#kind", "households");
        await clerk.SetInputFilesAsync("#file", new Microsoft.Playwright.FilePayload
        {
            Name = "households.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(
                "household_code,community_code,building,unit,room,building_area_m2,owner_name\nHZ-FXY-09-1-101,HZ-FXY,9,1,101,88.00,王芳\nHZ-FXY-09-1-102,HZ-FXY,9,1,102,abc,李伟\n"),
        });
        await clerk.ClickAsync("#upload");
        var errors = await clerk.InnerTextAsync(".problem table");
        await ScreenshotAsync(clerk, "console-import-errors");
        Assert.Contains("building_area_m2", errors, StringComparison.Ordinal);
        Assert.Contains("3", await clerk.InnerTextAsync(".problem table tbody tr td.num"), StringComparison.Ordinal);
        Assert.Equal(304, await Db.CountAsync("select count(*) from household"));

        // The same household as an Excel sheet is stored.
        var xlsx = Spreadsheets.Write("households", ["household_code", "community_code", "building", "unit", "room", "building_area_m2", "owner_name"],
            [["HZ-FXY-09-1-101", "HZ-FXY", "9", "1", "101", 88.00m, "王芳"]]);
        await clerk.SelectOptionAsync("#kind", "households");
        await clerk.SetInputFilesAsync("#file", new Microsoft.Playwright.FilePayload { Name = "households.xlsx", MimeType = Spreadsheets.ContentType, Buffer = xlsx });
        await clerk.ClickAsync("#upload");
        Assert.Contains("已导入 households.xlsx", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(305, await Db.CountAsync("select count(*) from household"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from household_version where household_code = 'HZ-FXY-09-1-101' and building_area = 88.00 and owner_name = '王芳'"));

        // The clerk drafts October for every community; a clerk has no approve button.
        await clerk.GotoAsync("/console/month");
        await clerk.FillAsync("#period", "2026-10");
        await ScreenshotAsync(clerk, "console-month");
        await clerk.ClickAsync("text=生成草稿");
        Assert.Matches("/console/runs/[0-9]+$", clerk.Url);
        var runUrl = new Uri(clerk.Url).AbsolutePath;
        await WaitForRunStatusAsync(clerk, "待审核");
        Assert.Equal(0, await clerk.Locator("#approve").CountAsync());
        await ScreenshotAsync(clerk, "console-run-draft-clerk");

        // The manager reviews the totals beside last month, drills into a household's lines, and approves.
        var manager = await SignInAsync("shenhe");
        await manager.GotoAsync(runUrl);
        var totals = await manager.InnerTextAsync("#community-totals");
        foreach (var name in new[] { "丰鑫园小区", "市委家属院", "市工会家属院", "农行家属院" })
        {
            Assert.Contains(name, totals, StringComparison.Ordinal);
        }

        Assert.Contains("305 户", await manager.InnerTextAsync("#approve"), StringComparison.Ordinal);
        await ScreenshotAsync(manager, "console-run-draft-manager");
        await manager.GotoAsync(runUrl + "/communities/HZ-FXY");
        await manager.ClickAsync("#households a:text-is('HZ-FXY-09-1-101')");
        var lines = await manager.InnerTextAsync("#lines");
        await ScreenshotAsync(manager, "console-run-household-lines");
        // 88.00 m² × 0.48 yuan (2-star Heze price) = 42.24 yuan for a whole month.
        Assert.Contains("42.24", lines, StringComparison.Ordinal);
        Assert.Contains("88", lines, StringComparison.Ordinal);

        await manager.GotoAsync(runUrl);
        await manager.ClickAsync("#approve");
        await WaitForRunStatusAsync(manager, "已发布");
        await ScreenshotAsync(manager, "console-run-issued");
        Assert.Equal(305, await Db.CountAsync("select count(*) from statement"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from billing_run where status = 'issued' and requested_by = '王制单 (zhidan)' and approved_by = '李审核 (shenhe)'"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from billing_run_drafter where user_name = 'zhidan'"));
        var zip = await DownloadAsync(manager, runUrl + "/communities/HZ-FXY/pdfs.zip");
        Assert.Equal(200, zip.Status);
        using (var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip.Body)))
        {
            Assert.Equal(await Db.CountAsync("select count(*) from statement where community_code = 'HZ-FXY'"), archive.Entries.Count);
        }

        // The clerk opens a household's statement PDF from its page.
        await clerk.GotoAsync("/console/households?q=HZ-FXY-09-1-101");
        await clerk.ClickAsync("#found a");
        await ScreenshotAsync(clerk, "console-household");
        var pdfLink = await clerk.GetAttributeAsync("#statements a", "href");
        var statement = await DownloadAsync(clerk, pdfLink!);
        Assert.Equal(200, statement.Status);
        Assert.Equal("application/pdf", statement.ContentType);
        var statementText = PdfReadBack.TextOf(statement.Body);
        Assert.Contains("HZ-FXY-09-1-101", statementText, StringComparison.Ordinal);
        Assert.Contains("42.24", statementText, StringComparison.Ordinal);

        // Three months on, the new household is in arrears for its whole statement, in the list, the export and the notices.
        var due = (decimal)(await Db.DataSource.CreateCommand("select total from statement where household_code = 'HZ-FXY-09-1-101'").ExecuteScalarAsync())!;
        var dueText = due.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        await clerk.GotoAsync("/console/arrears?community=HZ-FXY&building=9&asOf=2027-03-01");
        await ScreenshotAsync(clerk, "console-arrears");
        Assert.Equal(dueText, await clerk.InnerTextAsync("#arrears-households tr:has-text('HZ-FXY-09-1-101') td.num >> nth=0"));
        Assert.Equal(dueText, await clerk.InnerTextAsync("#arrears-total"));
        var arrearsSheet = (await DownloadAsync(clerk, (await clerk.GetAttributeAsync("#arrears-xlsx", "href"))!)).Body;
        var arrearsRow = Assert.Single(new MemoryStream(arrearsSheet).Query(useHeaderRow: true).Cast<IDictionary<string, object>>());
        Assert.Equal("HZ-FXY-09-1-101", arrearsRow["户号"]);
        Assert.Equal(due, Convert.ToDecimal(arrearsRow["逾期合计（元）"], System.Globalization.CultureInfo.InvariantCulture));
        var notices = PdfReadBack.TextOf((await DownloadAsync(clerk, (await clerk.GetAttributeAsync("#arrears-notices", "href"))!)).Body);
        Assert.Contains("王芳", notices, StringComparison.Ordinal);

        // A cashier takes 123.45 yuan in cash; the receipt shows it in figures and in capitals.
        var cashier = await SignInAsync("shoufei");
        await cashier.GotoAsync("/console/counter?q=HZ-FXY-09-1-101");
        Assert.Contains("2026年10月", await cashier.InnerTextAsync("#open-items"), StringComparison.Ordinal);
        Assert.Equal(dueText, await cashier.InnerTextAsync("#open-total"));
        await cashier.FillAsync("#amount", "123.45");
        await cashier.SelectOptionAsync("#channel", "cash");
        await cashier.ClickAsync("#pay");
        Assert.Contains("已收款 ¥123.45（现金）", await cashier.InnerTextAsync("#paid"), StringComparison.Ordinal);
        await ScreenshotAsync(cashier, "console-counter");
        var receipt = await DownloadAsync(cashier, (await cashier.GetAttributeAsync("#receipt", "href"))!);
        var receiptText = PdfReadBack.TextOf(receipt.Body);
        Assert.Contains("123.45", receiptText, StringComparison.Ordinal);
        Assert.Contains("壹佰贰拾叁元肆角伍分", receiptText, StringComparison.Ordinal);
        Assert.Contains("HZ-FXY-09-1-101", receiptText, StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync(
            "select count(*) from payment p join counter_payment c on c.payment_id = p.id where p.household_code = 'HZ-FXY-09-1-101' and p.amount = 123.45 and p.channel = 'cash' and c.user_name = 'shoufei'"));

        // The day's close-out shows it under the cashier and channel, on the page, in the PDF and in Excel.
        await cashier.GotoAsync("/console/counter/close-out");
        var closeOut = await cashier.InnerTextAsync("#close-out");
        await ScreenshotAsync(cashier, "console-close-out");
        Assert.Contains("张收费（shoufei）", closeOut, StringComparison.Ordinal);
        Assert.Contains("现金", closeOut, StringComparison.Ordinal);
        Assert.Equal("123.45", await cashier.InnerTextAsync("#close-out-total"));
        var closeOutPdf = PdfReadBack.TextOf((await DownloadAsync(cashier, (await cashier.GetAttributeAsync("#close-out-pdf", "href"))!)).Body);
        Assert.Contains("123.45", closeOutPdf, StringComparison.Ordinal);
        Assert.Contains("壹佰贰拾叁元肆角伍分", closeOutPdf, StringComparison.Ordinal);
        var sheet = (await DownloadAsync(cashier, (await cashier.GetAttributeAsync("#close-out-xlsx", "href"))!)).Body;
        var rows = new MemoryStream(sheet).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal("张收费", rows[0]["收费员"]);
        Assert.Equal("现金", rows[0]["支付方式"]);
        Assert.Equal(123.45m, Convert.ToDecimal(rows[0]["金额（元）"], System.Globalization.CultureInfo.InvariantCulture));

        // The audit trail names each person and what they did.
        var admin = await SignInAsync("admin");
        await admin.GotoAsync("/console/audit");
        var audit = await admin.InnerTextAsync("table");
        await ScreenshotAsync(admin, "console-audit");
        Assert.Contains("王制单（zhidan）", audit, StringComparison.Ordinal);
        Assert.Contains("生成草稿", audit, StringComparison.Ordinal);
        Assert.Contains("李审核（shenhe）", audit, StringComparison.Ordinal);
        Assert.Contains("批准发布", audit, StringComparison.Ordinal);
        Assert.Contains("张收费（shoufei）", audit, StringComparison.Ordinal);
        Assert.Contains("现金 123.45 元", audit, StringComparison.Ordinal);
    }
}
