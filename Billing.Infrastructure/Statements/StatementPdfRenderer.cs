using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Lays out a <see cref="StatementModel"/> as an A4 PDF in Chinese. It decides nothing about
/// amounts: every figure comes from the model, so the PDF and the stored lines cannot disagree.
/// </summary>
public sealed class StatementPdfRenderer
{
    private const double Margin = 50;
    private const double PageWidth = 595.28; // A4 in points
    private const double PageHeight = 841.89;
    private const double RightEdge = PageWidth - Margin;
    private const double AmountColumn = RightEdge;
    private const double FormulaColumn = Margin + 150;
    private const double FormulaLineHeight = 14;
    private const double FormulaWidth = AmountColumn - 70 - FormulaColumn;
    private const double TotalBlockHeight = 150;
    private const double NoteLineHeight = 11;
    private const double ContentBottom = PageHeight - Margin - 24;

    private readonly DocumentContext context;

    /// <param name="context">Operator profiles, rule names and the payment link; the checkout's rates/ when not given.</param>
    public StatementPdfRenderer(DocumentContext? context = null)
    {
        StatementFonts.EnsureConfigured();
        this.context = context ?? DocumentContext.Default;
    }

    public byte[] Render(StatementModel statement)
    {
        using var document = new PdfDocument();
        CompactText.Attach(document);
        var profile = context.Profile(statement.Community.OperatorCode);
        document.Info.Title = $"物业服务费对账单 {statement.Household.Code} {ChineseDates.Month(statement.Period)}";
        document.Info.Author = profile?.LegalName ?? statement.Community.OperatorName;
        document.Info.Creator = "RedProperty.Billing";

        // The rule versions that priced the lines, for staff and auditors; residents read their names.
        document.Info.Keywords = string.Join(" ", statement.Lines.Select(l => l.RateVersion).Distinct(StringComparer.Ordinal));
        var notes = StatementNotes.For(statement);

        // Pages are filled first and their footers drawn last, once the page count is known.
        var pages = new List<XGraphics>();
        XGraphics NewPage()
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            var gfx = XGraphics.FromPdfPage(page);
            pages.Add(gfx);
            return gfx;
        }

        try
        {
            var gfx = NewPage();
            var y = ComposeHeader(gfx, statement, profile?.LegalName ?? statement.Community.OperatorName);
            foreach (var line in statement.Lines)
            {
                var formula = gfx.Wrap(line.Formula, Typography.Body, FormulaWidth);
                if (y + LineHeight(formula) > ContentBottom)
                {
                    gfx = NewPage();
                    y = ComposeContinuationHeader(gfx, statement);
                }

                y = ComposeLine(gfx, line, formula, context.Titles.Of(line, statement.Community.OperatorCode, statement.IssueDate), y);
            }

            gfx.DrawLine(Typography.Rule, Margin, y, RightEdge, y);
            y += 10;
            var wrappedNotes = notes.SelectMany(n => gfx.Wrap("※ " + n, Typography.Note, RightEdge - Margin)).ToList();
            var closing = TotalBlockHeight + (wrappedNotes.Count * NoteLineHeight) + (profile is null ? 0 : DocumentBlocks.PaymentHeight + 10);
            if (y + closing > ContentBottom)
            {
                gfx = NewPage();
                y = ComposeContinuationHeader(gfx, statement);
            }

            y = ComposeTotal(gfx, statement, y);
            foreach (var note in wrappedNotes)
            {
                gfx.DrawText(note, Typography.Note, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += NoteLineHeight;
            }

            if (profile is not null)
            {
                y += 6;
                var link = context.PaymentLink.For(profile, statement.Household.Code.Value, statement.Number);
                DocumentBlocks.Payment(gfx, profile, link, $"对账单号 {statement.Number}", Margin, RightEdge, y);
            }

            for (var i = 0; i < pages.Count; i++)
            {
                ComposeFooter(pages[i], statement, profile, i + 1, pages.Count);
            }
        }
        finally
        {
            foreach (var page in pages)
            {
                page.Dispose();
            }
        }

        return PdfText.Save(document);
    }

    private static double ComposeHeader(XGraphics gfx, StatementModel s, string operatorName)
    {
        var y = Margin;
        gfx.DrawText("物业服务费对账单", Typography.Title, XBrushes.Black, new XRect(Margin, y, RightEdge - Margin, 24), XStringFormats.TopCenter);
        y += 34;
        gfx.DrawText($"{operatorName} · {s.Community.Name}", Typography.Heading, XBrushes.Black, new XRect(Margin, y, RightEdge - Margin, 16), XStringFormats.TopCenter);
        y += 30;

        var rows = new (string Label, string Value, string Label2, string Value2)[]
        {
            ("账期", ChineseDates.Month(s.Period), "对账单号", s.Number),
            ("户号", s.Household.Code.Value, "房屋", s.Details.Address),
            ("业主", s.Details.OwnerName, "建筑面积", $"{s.Details.Area} m²"),
            ("出具日期", ChineseDates.Day(s.IssueDate), "缴费截止日期", ChineseDates.Day(s.DueDate)),
        };
        foreach (var (label, value, label2, value2) in rows)
        {
            gfx.DrawText($"{label}：{value}", Typography.Body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            gfx.DrawText($"{label2}：{value2}", Typography.Body, XBrushes.Black, Margin + 260, y, XStringFormats.TopLeft);
            y += 18;
        }

        y += 8;
        return ComposeTableHead(gfx, y);
    }

    private static double ComposeTableHead(XGraphics gfx, double y)
    {
        gfx.DrawLine(Typography.Rule, Margin, y, RightEdge, y);
        y += 8;
        gfx.DrawText("项目", Typography.BodyBold, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        gfx.DrawText("计算方式", Typography.BodyBold, XBrushes.Black, FormulaColumn, y, XStringFormats.TopLeft);
        gfx.DrawText("金额（元）", Typography.BodyBold, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
        y += 20;
        gfx.DrawLine(Typography.ThinRule, Margin, y, RightEdge, y);
        return y + 8;
    }

    private static double LineHeight(IReadOnlyList<string> formula) => (formula.Count * FormulaLineHeight) + 22;

    private static double ComposeLine(XGraphics gfx, ChargeLine line, IReadOnlyList<string> formula, string source, double y)
    {
        gfx.DrawText(line.Label, Typography.Body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        for (var i = 0; i < formula.Count; i++)
        {
            gfx.DrawText(formula[i], Typography.Body, XBrushes.Black, FormulaColumn, y + (i * FormulaLineHeight), XStringFormats.TopLeft);
        }

        gfx.DrawText(line.Amount.ToFenString(), Typography.Body, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
        y += (formula.Count - 1) * FormulaLineHeight;
        var rounding = line.Basis.Rounding.Name == "half-to-even" ? "银行家舍入到分" : "四舍五入到分";
        gfx.DrawText($"依据：{source}（{rounding}）", Typography.Note, XBrushes.DimGray, FormulaColumn, y + 16, XStringFormats.TopLeft);
        return y + 36;
    }

    /// <summary>Later pages repeat who and when the statement is for, and the table's column heads.</summary>
    private static double ComposeContinuationHeader(XGraphics gfx, StatementModel s)
    {
        var y = Margin;
        gfx.DrawText($"物业服务费对账单（续）　{s.Details.Address}　{ChineseDates.Month(s.Period)}　{s.Number}", Typography.Heading, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        y += 26;
        return ComposeTableHead(gfx, y);
    }

    private static double ComposeTotal(XGraphics gfx, StatementModel s, double y)
    {
        if (s.Account is { } account)
        {
            y = ComposeAccount(gfx, s, account, y);
        }
        else
        {
            gfx.DrawText("本期应缴合计", Typography.Heading, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            gfx.DrawText($"¥ {s.Total.ToFenString()}", Typography.Heading, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
            y += 18;
            gfx.DrawText($"人民币（大写）：{ChineseAmount.Capital(s.Total)}", Typography.Body, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
            y += 20;
        }

        if (s.DistrictShare > Core.Money.Zero)
        {
            gfx.DrawText(
                $"标准物业服务费 {s.StandardFee.ToFenString()} 元，其中区财政代付 {s.DistrictShare.ToFenString()} 元，您承担 {s.ResidentShare.ToFenString()} 元。"
                + "补贴按考核结果拨付，未拨付部分由物业公司承担，不向居民收取。",
                Typography.Note, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            y += 14;
        }

        if (s.Points is { } points)
        {
            gfx.DrawText($"志愿积分：本月获得 {points.EarnedInMonth} 分，使用 {points.UsedInMonth} 分，月末结余 {points.Balance} 分。", Typography.Note, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            y += 14;
        }

        gfx.DrawText($"请于 {ChineseDates.Day(s.DueDate)} 前缴纳。", Typography.BodyBold, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        y += 18;
        gfx.DrawText(
            "说明：物业服务费 = 建筑面积 × 服务等级单价 × 计费天数 / 当月天数，每行金额四舍五入到分，合计为各行之和。",
            Typography.Note, XBrushes.DimGray, Margin, y, XStringFormats.TopLeft);
        return y + NoteLineHeight + 2;
    }

    /// <summary>The account block of an issued statement: this month's charges, then how the amount due is reached.</summary>
    private static double ComposeAccount(XGraphics gfx, StatementModel s, AccountPosition account, double y)
    {
        var rows = new (string Label, Core.Money Amount)[]
        {
            ("本期费用合计", s.Total),
            ("上期账单应缴", account.PreviousBalance),
            ("上期以来缴费及调整（缴费为负）", account.PaymentsSince),
        };
        foreach (var (label, amount) in rows)
        {
            gfx.DrawText(label, Typography.Body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            gfx.DrawText(amount.ToFenString(), Typography.Body, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
            y += 16;
        }

        gfx.DrawLine(Typography.ThinRule, Margin, y, RightEdge, y);
        y += 6;
        gfx.DrawText("本期应缴总额", Typography.Heading, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
        gfx.DrawText($"¥ {account.ToPay.ToFenString()}", Typography.Heading, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
        y += 18;
        gfx.DrawText($"人民币（大写）：{ChineseAmount.Capital(account.ToPay)}", Typography.Body, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
        y += 16;
        if (account.Credit > Core.Money.Zero)
        {
            gfx.DrawText($"预存余额 {account.Credit.ToFenString()} 元，将抵扣以后各期费用。", Typography.Body, XBrushes.Black, AmountColumn, y, XStringFormats.TopRight);
            y += 16;
        }

        return y + 4;
    }

    private static void ComposeFooter(XGraphics gfx, StatementModel s, OperatorProfile? profile, int pageNumber, int pageCount)
    {
        var y = PageHeight - Margin;
        gfx.DrawLine(Typography.ThinRule, Margin, y - 14, RightEdge, y - 14);
        if (profile is null)
        {
            gfx.DrawText($"{s.Community.OperatorName}　如有疑问请联系物业服务中心", Typography.Note, XBrushes.DimGray, Margin, y - 10, XStringFormats.TopLeft);
        }
        else
        {
            gfx.DrawText($"如有疑问请联系：{DocumentBlocks.ContactLine(profile, s.Community.Code.Value)}", Typography.Note, XBrushes.Black, Margin, y - 10, XStringFormats.TopLeft);
            gfx.DrawText($"{profile.LegalName}（统一社会信用代码 {profile.CreditCode}）　{DocumentBlocks.ComplaintLine(profile)}", Typography.Note, XBrushes.DimGray, Margin, y + 1, XStringFormats.TopLeft);
        }

        gfx.DrawText($"第 {pageNumber} 页 / 共 {pageCount} 页", Typography.Note, XBrushes.DimGray, RightEdge, y - 10, XStringFormats.TopRight);
    }

    /// <summary>Text styles in one place, as in a style sheet.</summary>
    private static class Typography
    {
        // Unicode encoding with an embedded subset is what makes Chinese text both render and extract.
        private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

        public static readonly XFont Title = new(StatementFonts.Family, 18, XFontStyleEx.Bold, Unicode);
        public static readonly XFont Heading = new(StatementFonts.Family, 12, XFontStyleEx.Bold, Unicode);
        public static readonly XFont Body = new(StatementFonts.Family, 10, XFontStyleEx.Regular, Unicode);
        public static readonly XFont BodyBold = new(StatementFonts.Family, 10, XFontStyleEx.Bold, Unicode);
        public static readonly XFont Note = new(StatementFonts.Family, 8, XFontStyleEx.Regular, Unicode);
        public static readonly XPen Rule = new(XColors.Black, 0.8);
        public static readonly XPen ThinRule = new(XColors.Gray, 0.4);

        // An explicit static constructor makes the fonts load on first use, after the resolver is set.
        static Typography() => StatementFonts.EnsureConfigured();
    }
}
