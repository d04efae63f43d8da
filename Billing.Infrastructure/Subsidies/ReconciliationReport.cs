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
    /// <summary>Column heads in Chinese: the CSV is read by district and company finance staff in a spreadsheet.</summary>
    public static readonly string[] CsvColumns =
    [
        "区县", "小区编号", "小区名称", "账期", "户数", "计费面积（m²）", "标准物业费", "居民承担",
        "区财政承担", "补贴政策版本", "考核得分", "考核期", "拨付比例", "申报金额", "物业公司承担", "调整", "合计申报", "状态",
        "校验：居民承担+区财政承担=标准物业费", "校验：补贴明细与对账单一致", "校验：申报金额=明细合计×拨付比例", "校验：申报金额+物业公司承担=区财政承担",
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
                string Check(string code) => r.Checks.FirstOrDefault(c => c.Code == code) is { } c ? (c.Passed ? "通过" : "未通过") : "不适用（待评分）";
                foreach (var field in new object?[]
                {
                    Documents.CsvCells.Text(r.District), r.CommunityCode, Documents.CsvCells.Text(r.CommunityName), Period(r), r.Households, r.BilledArea.ToString("0.00", CultureInfo.InvariantCulture),
                    r.StandardFee.ToFenString(), r.ResidentShare.ToFenString(), r.DistrictShare.ToFenString(), r.PolicyVersion,
                    r.Score?.ToString("0.##", CultureInfo.InvariantCulture), r.ScorePeriod is { } sp ? $"{sp.Year:D4}-{sp.Month:D2}" : null,
                    r.Factor?.ToString("0.####", CultureInfo.InvariantCulture), r.Claim?.ToFenString(), r.Shortfall?.ToFenString(),
                    (r.Submitted?.Adjustments ?? r.Adjustments).ToFenString(), r.TotalClaim?.ToFenString(), StatusText(r),
                    Check("resident-plus-district-equals-standard"), Check("district-lines-match-statements"), Check("claim-equals-lines-times-factor"),
                    Check("claim-plus-shortfall-equals-district-share"),
                })
                {
                    csv.WriteField(Exports.SpreadsheetCell.Safe(field?.ToString()));
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    public static string StatusText(ReconciliationRow r) => r.Status switch { "submitted" => "已申报", "draft" => "待申报", _ => "待评分" };

    /// <summary>The reconciliation without an operator heading or sign-off, as older callers draw it.</summary>
    public static byte[] Pdf(string district, NodaTime.YearMonth period, IReadOnlyList<ReconciliationRow> rows) =>
        Pdf(new ReconciliationHeading(district, period, string.Empty, [], null, 6), rows);

    /// <summary>
    /// The reconciliation PDF district finance files: per community the figures and the score
    /// period used (flagged when older than the heading's limit), submitted and pending claims
    /// totalled apart, every check the JSON has, and signature, seal and date lines for both
    /// sides with district finance's recorded decision. A district with no communities is refused.
    /// </summary>
    public static byte[] Pdf(ReconciliationHeading heading, IReadOnlyList<ReconciliationRow> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException($"district '{heading.District}' has no communities: there is nothing to reconcile, and an empty report must not read 通过", nameof(rows));
        }

        var (district, period) = (heading.District, heading.Period);
        var (title, body, bold, note) = (PdfText.Font(15, bold: true), PdfText.Font(7.5), PdfText.Font(7.5, bold: true), PdfText.Font(7));

        using var document = new PdfDocument();
        document.Info.Title = $"{district} 物业服务补贴对账表 {period.Year}年{period.Month}月";
        document.Info.Creator = "RedProperty.Billing";
        var headers = new[] { "小区", "户数", "计费面积m²", "标准物业费", "居民承担", "区财政承担", "考核得分", "考核期", "拨付比例", "申报金额", "物业公司承担", "调整", "合计申报", "状态", "校验" };
        var widths = new double[] { 84, 28, 50, 52, 52, 52, 38, 46, 38, 52, 52, 40, 52, 40, 36 };
        const double margin = 36;
        const int rowsPerPage = 18;
        var pages = Math.Max(1, (rows.Count + rowsPerPage - 1) / rowsPerPage) + 1; // the last page holds the checks and the sign-off
        for (var pageIndex = 0; pageIndex < pages; pageIndex++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(841.89);
            page.Height = XUnit.FromPoint(595.28);
            using var gfx = XGraphics.FromPdfPage(page);
            var y = margin;
            gfx.DrawText($"{district} 老旧小区物业服务财政补贴对账表（{period.Year}年{period.Month}月）", title, XBrushes.Black,
                new XRect(margin, y, page.Width.Point - 2 * margin, 20), XStringFormats.TopCenter);
            y += 24;
            if (heading.OperatorName.Length > 0)
            {
                gfx.DrawText($"物业服务企业：{heading.OperatorName}", PdfText.Font(9), XBrushes.Black, new XRect(margin, y, page.Width.Point - 2 * margin, 12), XStringFormats.TopCenter);
            }

            y += 18;
            if (pageIndex == pages - 1)
            {
                ComposeClosing(gfx, heading, rows, margin, page.Width.Point - margin, y);
                gfx.DrawText($"第 {pageIndex + 1} 页 / 共 {pages} 页", note, XBrushes.DimGray, page.Width.Point - margin, page.Height.Point - margin, XStringFormats.BottomRight);
                continue;
            }

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
                    r.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "未评",
                    r.ScorePeriod is { } sp ? $"{sp.Year}年{sp.Month}月" + (heading.IsStale(sp) ? "（旧）" : string.Empty) : "—",
                    r.Factor is { } f ? $"{f * 100m:0.##}%" : "—",
                    r.Claim?.ToFenString() ?? "—", r.Shortfall?.ToFenString() ?? "—", (r.Submitted?.Adjustments ?? r.Adjustments).ToFenString(),
                    r.TotalClaim?.ToFenString() ?? "—", StatusText(r),
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

            if (pageIndex == pages - 2)
            {
                gfx.DrawLine(XPens.Black, margin, y, margin + widths.Sum(), y);
                y += 4;
                var totals = new[]
                {
                    "合计", rows.Sum(r => r.Households).ToString(CultureInfo.InvariantCulture), rows.Sum(r => r.BilledArea).ToString("0.00", CultureInfo.InvariantCulture),
                    Money.Sum(rows.Select(r => r.StandardFee)).ToFenString(), Money.Sum(rows.Select(r => r.ResidentShare)).ToFenString(),
                    Money.Sum(rows.Select(r => r.DistrictShare)).ToFenString(), string.Empty, string.Empty, string.Empty,
                    string.Empty, string.Empty, string.Empty, string.Empty,
                    string.Empty, rows.All(r => r.AllPassed) ? "通过" : "未通过",
                };
                x = margin;
                for (var i = 0; i < totals.Length; i++)
                {
                    gfx.DrawText(totals[i], bold, XBrushes.Black, i == 0 ? x : x + widths[i] - 2, y, i == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                    x += widths[i];
                }

                y += 24;
                gfx.DrawText("申报金额按考核得分对应的拨付比例计算，区财政未拨付的差额由物业公司承担，不向居民收取。已申报与待申报的金额分列于末页，不相加。", note, XBrushes.DimGray, margin, y, XStringFormats.TopLeft);
            }

            gfx.DrawText($"第 {pageIndex + 1} 页 / 共 {pages} 页", note, XBrushes.DimGray, page.Width.Point - margin, page.Height.Point - margin, XStringFormats.BottomRight);
        }

        return PdfText.Save(document);
    }

    private static string Period(ReconciliationRow r) => $"{r.Period.Year:D4}-{r.Period.Month:D2}";

    /// <summary>The last page: claims by status, every check, stale scores, and both sides' signature and seal lines.</summary>
    private static void ComposeClosing(XGraphics gfx, ReconciliationHeading heading, IReadOnlyList<ReconciliationRow> rows, double left, double right, double y)
    {
        var (bold, body, note) = (PdfText.Font(10, bold: true), PdfText.Font(9), PdfText.Font(8));
        void Line(string text, XFont font, XBrush? brush = null)
        {
            gfx.DrawText(text, font, brush ?? XBrushes.Black, left, y, XStringFormats.TopLeft);
            y += font.Size + 5;
        }

        var submitted = rows.Where(r => r.Status == "submitted").ToList();
        var pending = rows.Where(r => r.Status == "draft").ToList();
        var unscored = rows.Where(r => r.Status == "awaiting-score").ToList();
        Line("一、申报情况（已申报与待申报分列，不相加）", bold);
        Line($"已申报（金额已冻结）：{submitted.Count} 个小区，合计申报 {Money.Sum(submitted.Select(r => r.TotalClaim ?? Money.Zero)).ToFenString()} 元" +
            (submitted.Count > 0 ? $"（{string.Join("、", submitted.Select(r => r.CommunityName))}）" : string.Empty), body);
        Line($"待申报（按现行得分测算，尚未冻结）：{pending.Count} 个小区，测算 {Money.Sum(pending.Select(r => r.TotalClaim ?? Money.Zero)).ToFenString()} 元" +
            (pending.Count > 0 ? $"（{string.Join("、", pending.Select(r => r.CommunityName))}）" : string.Empty), body);
        Line($"待评分（无考核得分，不计申报）：{unscored.Count} 个小区" + (unscored.Count > 0 ? $"（{string.Join("、", unscored.Select(r => r.CommunityName))}）" : string.Empty), body);
        y += 4;
        Line("二、校验（与接口数据的校验项一一对应）", bold);
        var codes = rows.SelectMany(r => r.Checks).Select(c => (c.Code, c.Name)).Distinct().ToList();
        foreach (var (code, name) in codes)
        {
            var applicable = rows.Where(r => r.Checks.Any(c => c.Code == code)).ToList();
            var failed = applicable.Where(r => !r.Checks.First(c => c.Code == code).Passed).ToList();
            Line($"{name}：{applicable.Count} 个小区校验，" + (failed.Count == 0 ? "全部通过" : $"未通过 {failed.Count} 个（{string.Join("、", failed.Select(r => r.CommunityName))}）"),
                body, failed.Count == 0 ? XBrushes.Black : XBrushes.DarkRed);
        }

        if (unscored.Count > 0)
        {
            Line($"待评分的小区不做申报金额校验（{unscored.Count} 个）。", note, XBrushes.DimGray);
        }

        y += 4;
        Line("三、考核得分所属期", bold);
        var stale = rows.Where(r => r.ScorePeriod is { } sp && heading.IsStale(sp)).ToList();
        foreach (var r in rows.Where(r => r.ScorePeriod is not null))
        {
            var sp = r.ScorePeriod!.Value;
            var months = ((heading.Period.Year - sp.Year) * 12) + heading.Period.Month - sp.Month;
            Line($"{r.CommunityName}：采用 {sp.Year}年{sp.Month}月 的考核得分 {r.Score:0.##}" + (heading.IsStale(sp) ? $"　！已是 {months} 个月前的得分（超过 {heading.StaleAfterMonths} 个月），请核实是否有新的考核结果" : string.Empty),
                body, heading.IsStale(sp) ? XBrushes.DarkRed : XBrushes.Black);
        }

        if (stale.Count == 0)
        {
            Line($"所有得分均在 {heading.StaleAfterMonths} 个月以内。", note, XBrushes.DimGray);
        }

        y += 6;
        Line("四、审核意见", bold);
        if (heading.SignOffs.Count == 0)
        {
            Line("区财政尚未审核。", body);
        }

        foreach (var s in heading.SignOffs)
        {
            var at = s.SignedAt.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);
            Line($"{s.DecisionText}" + (s.Reason is { Length: > 0 } reason ? $"，理由：{reason}" : string.Empty) +
                $"　审核人：{s.SignedBy}　时间：{at.Year}年{at.Month}月{at.Day}日 {at.Hour:D2}:{at.Minute:D2}", body, s.Decision == DistrictSignOff.Approved ? XBrushes.Black : XBrushes.DarkRed);
        }

        y += 10;
        var half = (right - left) / 2;
        var latest = heading.SignOffs.LastOrDefault();
        var signedOn = latest?.SignedAt.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date;
        Documents.DocumentBlocks.SignatureLines(gfx, "物业服务企业（盖章）", left, y);
        Documents.DocumentBlocks.SignatureLines(gfx, "区财政部门（盖章）", left + half, y, latest?.SignedBy, signedOn is { } d ? $"{d.Year}年{d.Month}月{d.Day}日" : null);
        Documents.DocumentBlocks.SealBox(gfx, left + half - 90, y, 60, null, "企业公章");
        Documents.DocumentBlocks.SealBox(gfx, right - 80, y, 60, null, "财政部门公章");
    }
}

/// <summary>What the reconciliation is headed with: whose communities, the decisions on it, and when a score counts as old.</summary>
/// <param name="StaleAfterMonths">A score older than this many months before the period is flagged.</param>
public sealed record ReconciliationHeading(
    string District, NodaTime.YearMonth Period, string OperatorName, IReadOnlyList<DistrictSignOff> SignOffs, NodaTime.LocalDate? Today, int StaleAfterMonths)
{
    public bool IsStale(NodaTime.YearMonth scorePeriod) =>
        ((Period.Year - scorePeriod.Year) * 12) + Period.Month - scorePeriod.Month > StaleAfterMonths;
}
