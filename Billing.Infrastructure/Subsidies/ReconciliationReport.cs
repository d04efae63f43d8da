using System.Globalization;
using CsvHelper;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>The district reconciliation (补贴对账) as CSV for spreadsheets and as a PDF in Chinese for the file.</summary>
public static class ReconciliationReport
{
    public static readonly string[] CsvColumns =
    [
        "district", "community_code", "community_name", "period", "households", "billed_area_m2", "standard_fee", "resident_share",
        "district_share", "policy_version", "score", "score_period", "factor", "claim", "shortfall", "adjustments", "total_claim", "status",
        "check_resident_plus_district_equals_standard", "check_district_lines_match_statements", "check_claim_equals_lines_times_factor",
    ];

    public static string Csv(IReadOnlyList<ReconciliationRow> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var column in CsvColumns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            foreach (var r in rows)
            {
                string Check(string code) => r.Checks.FirstOrDefault(c => c.Code == code) is { } c ? (c.Passed ? "passed" : "FAILED") : "n/a";
                foreach (var field in new object?[]
                {
                    r.District, r.CommunityCode, r.CommunityName, Period(r), r.Households, r.BilledArea.ToString("0.00", CultureInfo.InvariantCulture),
                    r.StandardFee.ToFenString(), r.ResidentShare.ToFenString(), r.DistrictShare.ToFenString(), r.PolicyVersion,
                    r.Score?.ToString("0.##", CultureInfo.InvariantCulture), r.ScorePeriod is { } sp ? $"{sp.Year:D4}-{sp.Month:D2}" : null,
                    r.Factor?.ToString("0.####", CultureInfo.InvariantCulture), r.Claim?.ToFenString(), r.Shortfall?.ToFenString(),
                    (r.Submitted?.Adjustments ?? r.Adjustments).ToFenString(), r.TotalClaim?.ToFenString(), r.Status,
                    Check("resident-plus-district-equals-standard"), Check("district-lines-match-statements"), Check("claim-equals-lines-times-factor"),
                })
                {
                    csv.WriteField(Exports.SpreadsheetCell.Safe(field?.ToString()));
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    public static byte[] Pdf(string district, NodaTime.YearMonth period, IReadOnlyList<ReconciliationRow> rows)
    {
        var (title, body, bold, note) = (PdfText.Font(15, bold: true), PdfText.Font(7.5), PdfText.Font(7.5, bold: true), PdfText.Font(7));

        using var document = new PdfDocument();
        document.Info.Title = $"{district} 物业服务补贴对账表 {period.Year}年{period.Month}月";
        document.Info.Creator = "RedProperty.Billing";
        var headers = new[] { "小区", "户数", "计费面积m²", "标准物业费", "居民承担", "区财政承担", "考核得分", "拨付比例", "申报金额", "物业公司承担", "调整", "合计申报", "状态", "校验" };
        var widths = new double[] { 90, 30, 52, 56, 56, 56, 40, 40, 56, 56, 44, 56, 44, 40 };
        const double margin = 36;
        const int rowsPerPage = 28;
        var pages = Math.Max(1, (rows.Count + rowsPerPage - 1) / rowsPerPage);
        for (var pageIndex = 0; pageIndex < pages; pageIndex++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(841.89);
            page.Height = XUnit.FromPoint(595.28);
            using var gfx = XGraphics.FromPdfPage(page);
            var y = margin;
            gfx.DrawText($"{district} 老旧小区物业服务财政补贴对账表（{period.Year}年{period.Month}月）", title, XBrushes.Black,
                new XRect(margin, y, page.Width.Point - 2 * margin, 20), XStringFormats.TopCenter);
            y += 30;
            var x = margin;
            for (var i = 0; i < headers.Length; i++)
            {
                gfx.DrawText(headers[i], bold, XBrushes.Black, i == 0 ? x : x + widths[i] - 2, y, i == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                x += widths[i];
            }

            y += 14;
            gfx.DrawLine(XPens.Black, margin, y, margin + widths.Sum(), y);
            y += 4;
            foreach (var r in rows.Skip(pageIndex * rowsPerPage).Take(rowsPerPage))
            {
                var cells = new[]
                {
                    r.CommunityName, r.Households.ToString(CultureInfo.InvariantCulture), r.BilledArea.ToString("0.00", CultureInfo.InvariantCulture),
                    r.StandardFee.ToFenString(), r.ResidentShare.ToFenString(), r.DistrictShare.ToFenString(),
                    r.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "未评", r.Factor is { } f ? $"{f * 100m:0.##}%" : "—",
                    r.Claim?.ToFenString() ?? "—", r.Shortfall?.ToFenString() ?? "—", (r.Submitted?.Adjustments ?? r.Adjustments).ToFenString(),
                    r.TotalClaim?.ToFenString() ?? "—", r.Status switch { "submitted" => "已申报", "draft" => "待申报", _ => "待评分" },
                    r.AllPassed ? "通过" : "未通过",
                };
                x = margin;
                for (var i = 0; i < cells.Length; i++)
                {
                    gfx.DrawText(cells[i], body, XBrushes.Black, i == 0 ? x : x + widths[i] - 2, y, i == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                    x += widths[i];
                }

                y += 13;
            }

            if (pageIndex == pages - 1)
            {
                gfx.DrawLine(XPens.Black, margin, y, margin + widths.Sum(), y);
                y += 4;
                var totals = new[]
                {
                    "合计", rows.Sum(r => r.Households).ToString(CultureInfo.InvariantCulture), rows.Sum(r => r.BilledArea).ToString("0.00", CultureInfo.InvariantCulture),
                    Money.Sum(rows.Select(r => r.StandardFee)).ToFenString(), Money.Sum(rows.Select(r => r.ResidentShare)).ToFenString(),
                    Money.Sum(rows.Select(r => r.DistrictShare)).ToFenString(), string.Empty, string.Empty,
                    Money.Sum(rows.Select(r => r.Claim ?? Money.Zero)).ToFenString(), Money.Sum(rows.Select(r => r.Shortfall ?? Money.Zero)).ToFenString(),
                    Money.Sum(rows.Select(r => r.Submitted?.Adjustments ?? r.Adjustments)).ToFenString(), Money.Sum(rows.Select(r => r.TotalClaim ?? Money.Zero)).ToFenString(),
                    string.Empty, rows.All(r => r.AllPassed) ? "通过" : "未通过",
                };
                x = margin;
                for (var i = 0; i < totals.Length; i++)
                {
                    gfx.DrawText(totals[i], bold, XBrushes.Black, i == 0 ? x : x + widths[i] - 2, y, i == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                    x += widths[i];
                }

                y += 24;
                foreach (var line in new[]
                {
                    "校验：① 居民承担 + 区财政承担 = 标准物业费（精确到分）；② 补贴明细与居民对账单物业费逐行一致；③ 申报金额 = 补贴明细合计 × 拨付比例，整体舍入一次。",
                    "申报金额按考核得分对应的拨付比例计算，区财政未拨付的差额由物业公司承担，不向居民收取。已申报的金额不再修改，更正在以后月份以调整项列示。",
                })
                {
                    gfx.DrawText(line, note, XBrushes.DimGray, margin, y, XStringFormats.TopLeft);
                    y += 12;
                }
            }

            gfx.DrawText($"第 {pageIndex + 1} 页 / 共 {pages} 页", note, XBrushes.DimGray, page.Width.Point - margin, page.Height.Point - margin, XStringFormats.BottomRight);
        }

        return PdfText.Save(document);
    }

    private static string Period(ReconciliationRow r) => $"{r.Period.Year:D4}-{r.Period.Month:D2}";
}
