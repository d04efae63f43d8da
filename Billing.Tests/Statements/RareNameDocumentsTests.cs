using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>
/// Every document that shows a name or text someone typed draws the characters the main font
/// lacks in the fallback face, and they read back as typed: receipts, reminder notices, the
/// district reconciliation, business parking invoices and the community accounts notice.
/// </summary>
public class RareNameDocumentsTests
{
    private static readonly string Owner = RareNames.Owner;
    private static readonly YearMonth October = new(2026, 10);
    private static readonly HouseholdDetails Details = new("3", "2", "301", new SquareMetres(80m), Owner);

    [Fact]
    public void A_receipt_shows_the_owner_as_registered()
    {
        var payment = new PaymentInput("HZ-FXY-03-2-301", PaymentChannel.WeChatPay, "4200001234", Money.Of(42.96m), new LocalDate(2026, 11, 5));
        var receipt = new ReceiptModel(7, payment, $"{Owner}小区", "天创金源物业公司", Details, [(October, Money.Of(42.96m))], Money.Zero, Money.Zero, false);

        var pdf = PaymentDocuments.Receipt(receipt);

        RareNames.AssertDrawnWithFallback(pdf, $"业主：{Owner}");
        RareNames.AssertDrawnWithFallback(pdf, $"天创金源物业公司·{Owner}小区");
    }

    [Fact]
    public void A_reminder_notice_greets_the_owner_as_registered()
    {
        var charge = new Charge(1, October, new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 15), Money.Of(42.96m));
        var asOf = new LocalDate(2026, 12, 20);
        var position = Core.Payments.Allocation.Fifo([charge], [], asOf);
        var arrears = new HouseholdArrears("HZ-FXY-03-2-301", Details, position, AgingBuckets.Of(position, asOf));

        var pdf = PaymentDocuments.ReminderNotices($"{Owner}小区", "天创金源物业公司", asOf, [arrears]);

        RareNames.AssertDrawnWithFallback(pdf, $"3号楼2单元301室（户号HZ-FXY-03-2-301）{Owner}您好：");
        RareNames.AssertDrawnWithFallback(pdf, $"天创金源物业公司{Owner}小区物业服务中心");
    }

    [Fact]
    public void The_district_reconciliation_shows_the_community_name_as_registered()
    {
        var row = new ReconciliationRow(
            "开发区", "HZ-RARE", $"{Owner}小区", October, 1, 80m, Money.Of(38.40m), Money.Of(19.20m), Money.Of(19.20m), Money.Of(38.40m), 0,
            "heze-kaifaqu@2022-01-01", 92m, October, 1m, Money.Zero, null, FenRounding.HalfAwayFromZero);

        var pdf = ReconciliationReport.Pdf("开发区", October, [row]);

        RareNames.AssertDrawnWithFallback(pdf, $"{Owner}小区1");
    }

    [Fact]
    public void A_business_invoice_shows_the_business_and_the_space_as_registered()
    {
        var line = new BusinessInvoiceLine(11, "𠮷-01", true, 22, 220m, Money.Of(300.00m), Money.Of(300.00m), "车位 𠮷-01 包月 2026年10月（22 个时段，220 小时）：300.00 元/月", "tcjy-parking@2022-01-01");
        var invoice = new BusinessInvoiceModel(
            "TC-2026-10-0001", 3, $"{Owner}便利店", "91350100M000100Y43", "HZ-FXY", "丰鑫园小区", "天创金源物业公司",
            October, new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 15), [line]);

        var pdf = BusinessInvoiceDocument.Render(invoice);

        RareNames.AssertDrawnWithFallback(pdf, $"承租单位：{Owner}便利店");
        RareNames.AssertDrawnWithFallback(pdf, "𠮷-01车位𠮷-01包月");
    }

    [Fact]
    public void The_accounts_notice_shows_what_staff_typed_as_typed()
    {
        var entry = new AccountsEntry(1, AccountsCategory.Repairs, Money.Of(500.00m), "WX-10", $"{Owner}家水管维修", new LocalDate(2026, 10, 20), null);
        var input = new CommunityAccountsInput(
            new CommunityCode("HZ-RARE"), $"{Owner}小区", "天创金源物业公司", October,
            new ResidentFeeFigures(1, Money.Of(38.40m), 1, Money.Of(38.40m), 0, Money.Zero),
            new SubsidyFigures(1, Money.Of(38.40m), Money.Of(19.20m), null), null, [entry]);

        var pdf = CommunityAccountsPdf.Render(CommunityAccounts.Assemble(input));

        RareNames.AssertDrawnWithFallback(pdf, $"{Owner}小区收支明白账");
        RareNames.AssertDrawnWithFallback(pdf, $"{Owner}家水管维修（凭证WX-10");
    }

    [Fact]
    public void Documents_draw_text_only_through_the_fallback()
    {
        // PDFsharp's own DrawString has no fallback and draws a missing character as an empty box,
        // so a new document that calls it would print a rare name wrongly without any test noticing.
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "Billing.Infrastructure"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "FallbackText.cs");

        Assert.All(sources, file => Assert.DoesNotContain(".DrawString(", File.ReadAllText(file), StringComparison.Ordinal));
    }
}
