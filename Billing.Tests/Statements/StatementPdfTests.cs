using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Statements;

public class StatementPdfTests
{
    private static StatementModel FirstSampleStatement()
    {
        var community = SampleRegister.Communities().Single(c => c.Code.Value == "HZ-FXY");
        var households = SampleRegister.Households();
        var bill = BillingEngine.BillCommunity(community, households, SampleRegister.Rates(), new YearMonth(2026, 10), StatementCalendar.Default);
        return bill.Statements.Single(s => s.Household.Code.Value == "HZ-FXY-01-1-101");
    }

    [Fact]
    public void A_rendered_statement_shows_the_community_the_line_and_the_amount_in_Chinese()
    {
        var pdf = new StatementPdfRenderer().Render(FirstSampleStatement());

        using var document = PdfDocument.Open(pdf);
        var page = Assert.Single(document.GetPages());
        var text = PdfReadBack.TextOf(page);

        Assert.Contains("物业服务费对账单", text, StringComparison.Ordinal);
        Assert.Contains("丰鑫园小区", text, StringComparison.Ordinal);
        Assert.Contains("物业服务费（2星级）", text, StringComparison.Ordinal);
        Assert.Contains("69.81m²×0.48元/m²/月×31/31天", text, StringComparison.Ordinal);
        Assert.Contains("33.51", text, StringComparison.Ordinal);
        Assert.Contains("本期应缴合计", text, StringComparison.Ordinal);
        Assert.Contains("依据：菏泽开发区老旧小区物业服务收费标准（星级）", text, StringComparison.Ordinal);
        Assert.DoesNotContain("heze-kaifaqu@2022-01-01", text, StringComparison.Ordinal);
        Assert.Contains("2026年10月", text, StringComparison.Ordinal);
        Assert.Contains("第1页/共1页", text, StringComparison.Ordinal);
        Assert.Contains("人民币（大写）：叁拾叁元伍角壹分", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_line_of_a_split_month_is_printed_with_its_formula_and_the_total_is_their_sum()
    {
        var rates = SampleRegister.Rates();
        var levels = TestRegister.Changes(
            (TestRegister.Start, new LevelAssignment(ServiceLevel.Stars(2))),
            (new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(3))));
        var community = TestRegister.Community("example-city-benchmark", levels: levels);
        var household = TestRegister.Household(100.00m, permits: 1);
        var inputs = new HouseholdMonthInputs(new Dictionary<string, decimal> { ["shared-water"] = 12.5m });
        var bill = BillingEngine.BillCommunity(community, [household], rates, new YearMonth(2026, 10), StatementCalendar.Default, _ => inputs);
        var statement = Assert.Single(bill.Statements);

        var pdf = new StatementPdfRenderer().Render(statement);
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "redproperty-split-month-statement.pdf"), pdf);

        var text = PdfReadBack.TextOf(pdf);
        // 100 × 0.40 × 15/31 = 19.35; 100 × 0.50 × 16/31 = 25.81; waste 5.00 × 15/31 = 2.42 and × 16/31 = 2.58; water 12.5 × 3.20 = 40.00
        foreach (var expected in new[] { "物业服务费（2星级）", "物业服务费（3星级）", "×15/31天（10月1日–10月15日）", "19.35", "25.81", "生活垃圾清运费", "2.42", "2.58", "12.50m³×3.20元/m³", "40.00", "¥90.16" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        Assert.Equal(90.16m, statement.Total.Yuan);
    }

    [Fact]
    public void A_long_statement_runs_over_several_pages_with_page_numbers_and_the_total_on_the_last()
    {
        // The household's details are recorded anew every day of October: 31 segments, 31 fee lines.
        var details = new Core.Timeline<HouseholdDetails>(Enumerable.Range(1, 31).Select(d =>
            new Core.Dated<HouseholdDetails>(new LocalDate(2026, 10, d), new HouseholdDetails("1", "1", "101", new SquareMetres(80m + d), "王芳"))));
        var household = TestRegister.Household(0m, details: details);
        var bill = BillingEngine.BillCommunity(TestRegister.Community(), [household], TestRegister.Catalog(TestRegister.Book()), new YearMonth(2026, 10), StatementCalendar.Default);
        var statement = Assert.Single(bill.Statements);

        using var document = PdfDocument.Open(new StatementPdfRenderer().Render(statement));
        var pages = document.GetPages().Select(PdfReadBack.TextOf).ToList();

        Assert.Equal(31, statement.Lines.Count);
        Assert.True(pages.Count >= 2, $"{pages.Count} page(s)");
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Contains($"第{i + 1}页/共{pages.Count}页", pages[i], StringComparison.Ordinal);
        }

        Assert.Contains("物业服务费对账单（续）", pages[1], StringComparison.Ordinal);
        Assert.Contains($"¥{statement.Total.ToFenString()}", pages[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("本期应缴合计", string.Concat(pages.Take(pages.Count - 1)), StringComparison.Ordinal);
        Assert.Equal(31, pages.Sum(p => CountOccurrences(p, "物业服务费（2星级）")));
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void The_font_is_embedded_as_a_subset_so_statements_look_the_same_everywhere()
    {
        var pdf = new StatementPdfRenderer().Render(FirstSampleStatement());

        using var document = PdfDocument.Open(pdf);
        var font = document.GetPage(1).Letters.Select(l => l.FontName).Distinct().Single();

        // A subset font's name carries a six-letter tag. An everyday statement needs only the
        // common face, which is what keeps it small: the whole WenQuanYi font made it 62 KB.
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei Common$", font);
        // The payment QR code adds about 2 KB of rectangles.
        Assert.InRange(pdf.Length, 1_000, 40_000);
    }
}
