using MiniExcelLibs;
using RedProperty.Billing.Infrastructure.Excel;

namespace RedProperty.Billing.Tests.Web;

public sealed class SpreadsheetsTests
{
    [Fact]
    public void Exports_keep_amounts_as_numbers_under_Chinese_headers_and_defuse_text_a_spreadsheet_would_run()
    {
        var xlsx = Spreadsheets.Write("欠费", ["户号", "业主", "欠费（元）"],
        [
            ["HZ-FXY-01-1-101", "=HYPERLINK(\"http://x\")", 12.30m],
            ["HZ-FXY-01-1-102", "+86 155", -1.50m],
            ["HZ-FXY-01-1-103", "@SUM(A1)", 0m],
            ["HZ-FXY-01-1-104", "-2", 7m],
        ]);

        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        Assert.Equal(["'=HYPERLINK(\"http://x\")", "'+86 155", "'@SUM(A1)", "'-2"], rows.Select(r => (string)r["业主"]));
        Assert.Equal([12.30m, -1.50m, 0m, 7m], rows.Select(r => Convert.ToDecimal(r["欠费（元）"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_uploaded_sheet_becomes_the_csv_the_parsers_read_with_the_same_row_numbers()
    {
        var xlsx = Spreadsheets.Write("payments", ["channel", "reference", "household_code", "amount", "paid_on"],
            [["wechat", "4200000001", "HZ-FXY-01-1-101", 50.00m, "2026-11-14"], ["cash", "X-2", "HZ-FXY-01-1-102", 26.5m, "2026-11-15"]]);

        var csv = Spreadsheets.ToCsv(xlsx).ReplaceLineEndings("\n");

        Assert.Equal("channel,reference,household_code,amount,paid_on\nwechat,4200000001,HZ-FXY-01-1-101,50,2026-11-14\ncash,X-2,HZ-FXY-01-1-102,26.5,2026-11-15\n", csv);
    }
}
