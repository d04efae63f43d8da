using Microsoft.Extensions.Configuration;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Documents;

/// <summary>Statements read back as a resident would: who to call, how to pay, why an amount is what it is, and no internal ids.</summary>
public class StatementDocumentTests
{
    private static readonly YearMonth October = new(2026, 10);

    /// <summary>Ids, keys and table names that must never reach a resident's page.</summary>
    public static readonly string[] InternalWords =
    [
        "heze-kaifaqu@", "tcjy-", "volunteer-points", "#", "adjustment", "statement_", "ledger_entry", "district_invoice_line",
        "community_account_entry", "parking_pool", "subsidy_claim", "property_fee", "points_credit",
    ];

    private static StatementModel Sample(string household, ParkingMonth? parking = null)
    {
        var register = SampleRegister.Households();
        var community = SampleRegister.Communities().Single(c => household.StartsWith(c.Code.Value + "-", StringComparison.Ordinal));
        var bill = BillingEngine.BillCommunity(community, register, SampleRegister.Rates(), October, StatementCalendar.Default,
            subsidies: RateDirectory.LoadSubsidies(RepositoryPaths.Rates), parking: parking);
        return bill.Statements.Single(s => s.Household.Code.Value == household);
    }

    private static string Text(byte[] pdf) => PdfReadBack.TextOf(pdf);

    [Fact]
    public void A_statement_names_the_operator_the_service_centre_phone_the_complaint_line_the_due_date_and_how_to_pay()
    {
        var pdf = Keep.Document("statement-HZ-FXY-01-1-101.pdf", new StatementPdfRenderer().Render(Sample("HZ-FXY-01-1-101")));
        var text = Text(pdf);

        foreach (var expected in new[]
        {
            "菏泽天创金源物业服务有限公司", "91371700MA3C8K2D59", "丰鑫园小区物业服务中心", "电话0530-5311001", "服务投诉电话0530-5310000",
            "请于2026年11月16日前缴纳", "缴费方式", "银行转账", "账号：1543010104001234 5", "扫码缴费对账单号202610-HZ-FXY-01-1-101",
            "依据：菏泽开发区老旧小区物业服务收费标准（星级）", "依据：菏泽开发区老旧小区物业服务财政补贴",
        })
        {
            Assert.Contains(expected.Replace(" ", string.Empty, StringComparison.Ordinal), text, StringComparison.Ordinal);
        }

        Assert.All(InternalWords, w => Assert.DoesNotContain(w, text, StringComparison.Ordinal));
    }

    [Fact]
    public void The_payment_QR_code_decodes_to_the_operators_payment_link_with_the_statement_number()
    {
        var pdf = new StatementPdfRenderer().Render(Sample("HZ-FXY-01-1-101"));

        Assert.Equal("https://pay.tcjy.example/bill?statement=202610-HZ-FXY-01-1-101", QrReadBack.Decode(pdf));
    }

    [Fact]
    public void Another_payment_link_can_be_plugged_in_without_touching_the_renderer()
    {
        var context = DocumentContext.Default.WithPaymentLink(new FixedLink());
        var pdf = new StatementPdfRenderer(context).Render(Sample("HZ-FXY-01-1-101"));

        Assert.Equal("https://example.test/r/HZ-FXY-01-1-101/202610-HZ-FXY-01-1-101", QrReadBack.Decode(pdf));
    }

    [Fact]
    public void With_the_residents_page_configured_the_QR_code_is_a_signed_link_to_the_households_own_page()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2026, 11, 1, 2, 0));
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Residents:LinkKey"] = "a-resident-link-key-of-at-least-32-bytes" })
            .Build();
        var pdf = new StatementPdfRenderer(Infrastructure.Residents.ResidentPaymentLink.Documents(configuration, clock)).Render(Sample("HZ-FXY-01-1-101"));

        var link = QrReadBack.Decode(pdf) ?? throw new Xunit.Sdk.XunitException("the statement has no readable QR code");
        Assert.StartsWith("https://pay.tcjy.example/bill/r/", link, StringComparison.Ordinal);
        var read = Infrastructure.Residents.ResidentLinks.FromConfiguration(configuration, clock).Read(link["https://pay.tcjy.example/bill/r/".Length..]);
        Assert.Equal(new Infrastructure.Residents.ResidentLink("HZ-FXY-01-1-101", "202610-HZ-FXY-01-1-101", Instant.FromUtc(2026, 11, 1, 2, 0) + Duration.FromDays(92)), read);
    }

    [Fact]
    public void The_rule_version_ids_stay_in_the_PDF_metadata_for_auditors()
    {
        using var document = UglyToad.PdfPig.PdfDocument.Open(new StatementPdfRenderer().Render(Sample("HZ-FXY-01-1-101")));

        Assert.Contains("heze-kaifaqu@2022-01-01", document.Information.Keywords, StringComparison.Ordinal);
        Assert.Equal("菏泽天创金源物业服务有限公司", document.Information.Author);
    }

    [Theory]
    [InlineData("HZ-FXY-06-2-602", "10月10日至10月31日计22天，房屋于10月10日交付入住，按22/31个月计费。")]
    [InlineData("HZ-SWJSY-04-2-501", "10月1日至10月20日计20天，10月21日起已迁出，按20/31个月计费。")]
    [InlineData("HZ-SWJSY-04-2-502", "本小区收费标准未设空置房优惠，空置期间物业服务费按全额计收。")]
    public void Part_months_and_vacancy_say_why(string household, string expected)
    {
        var text = Text(Keep.Document($"statement-{household}.pdf", new StatementPdfRenderer().Render(Sample(household))));

        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pool_line_says_why_the_reduction_stops_at_the_floor_and_where_the_rest_goes()
    {
        // 3,000.00 of lease income over 2 permits: each could take 100.00 off its 150.00 permit, the rest is carried.
        var permits = new Dictionary<HouseholdCode, IReadOnlyList<PermitMonth>>
        {
            [new HouseholdCode("HZ-FXY-01-1-101")] = [new PermitMonth("A-001#17", new Money(150m), new Money(50m), 1m)],
            [new HouseholdCode("HZ-FXY-01-1-102")] = [new PermitMonth("A-002#18", new Money(150m), new Money(50m), 1m)],
        };
        var statement = Sample("HZ-FXY-01-1-101", new ParkingMonth(new Money(3000m), permits, "tcjy-parking@2022-01-01"));

        var text = Text(Keep.Document("statement-parking.pdf", new StatementPdfRenderer().Render(statement)));

        Assert.Contains("A-001车位居民月卡：150.00元/月", text, StringComparison.Ordinal);
        Assert.Contains("A-001车位月卡减100.00元", text, StringComparison.Ordinal);
        Assert.Contains("每张月卡最多降到50.00元/月的保底价，保底价以下不再减免，用不完的收益结转下月继续抵扣", text, StringComparison.Ordinal);
        Assert.Contains("依据：天创金源物业共享停车收费标准", text, StringComparison.Ordinal);
        Assert.All(InternalWords, w => Assert.DoesNotContain(w, text, StringComparison.Ordinal));
    }

    private sealed class FixedLink : IStatementPaymentLink
    {
        public string For(OperatorProfile profile, string householdCode, string statementNo) => $"https://example.test/r/{householdCode}/{statementNo}";
    }
}
