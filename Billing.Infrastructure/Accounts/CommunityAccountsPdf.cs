using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Accounts;

/// <summary>
/// Lays out a month's community accounts (明白账) as an A4 notice for the notice board. Every
/// figure and sentence comes from the <see cref="CommunityAccountsModel"/>; this only places them.
/// </summary>
public static class CommunityAccountsPdf
{
    private const double Margin = 50;
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Right = PageWidth - Margin;
    private const double DetailColumn = Margin + 110;
    private const double Bottom = PageHeight - Margin - 24;

    public static byte[] Render(CommunityAccountsModel accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);

        // PDFsharp refuses to create a document before the licence choice, which this makes.
        StatementFonts.EnsureConfigured();
        var input = accounts.Input;
        using var document = new PdfDocument();
        document.Info.Title = $"{input.CommunityName} {ChineseDates.Month(input.Period)} 收支明白账";
        document.Info.Author = input.OperatorName;
        document.Info.Creator = "RedProperty.Billing";
        var layout = new Layout(document, accounts);
        try
        {
            ComposeHeader(layout, accounts);
            ComposeIncome(layout, accounts);
            ComposeSpending(layout, accounts);
            ComposeBalance(layout, accounts);
            ComposeCollection(layout, accounts);
            layout.Finish();
        }
        finally
        {
            layout.Dispose();
        }

        return PdfText.Save(document);
    }

    private static void ComposeHeader(Layout l, CommunityAccountsModel a)
    {
        var input = a.Input;
        l.Gfx.DrawText($"{input.CommunityName}收支明白账", Typography.Title, XBrushes.Black, new XRect(Margin, l.Y, Right - Margin, 24), XStringFormats.TopCenter);
        l.Y += 30;
        l.Gfx.DrawText($"{ChineseDates.Month(input.Period)}　{input.OperatorName}　晒晒咱家明白账", Typography.Heading, XBrushes.Black, new XRect(Margin, l.Y, Right - Margin, 16), XStringFormats.TopCenter);
        l.Y += 26;
        l.Gfx.DrawText(
            "本公示列出本小区本月各项收入和支出，每一项都注明计算方法和数据来源，居民可向物业服务中心查阅明细。",
            Typography.Note, XBrushes.DimGray, Margin, l.Y, XStringFormats.TopLeft);
        l.Y += 20;
    }

    private static void ComposeIncome(Layout l, CommunityAccountsModel a)
    {
        l.Section("一、收入（按来源）");
        foreach (var line in a.Income)
        {
            l.Need(22 + (line.Basis.Count * 12));
            l.Gfx.DrawText(line.Label, Typography.Body, XBrushes.Black, Margin, l.Y, XStringFormats.TopLeft);
            l.Gfx.DrawText(line.Amount.ToFenString(), Typography.Body, XBrushes.Black, Right, l.Y, XStringFormats.TopRight);
            l.Y += 14;
            foreach (var basis in line.Basis)
            {
                l.Gfx.DrawText(basis, Typography.Note, XBrushes.Black, DetailColumn, l.Y, XStringFormats.TopLeft);
                l.Y += 11;
            }

            l.Gfx.DrawText($"数据来源：{line.Trace}", Typography.Note, XBrushes.DimGray, DetailColumn, l.Y, XStringFormats.TopLeft);
            l.Y += 16;
        }

        l.Total("收入合计", a.TotalIncome);
        l.Need(30);
        l.Gfx.DrawText($"结转下月：{a.CarriedToNextMonth.ToFenString()} 元", Typography.BodyBold, XBrushes.Black, Margin, l.Y, XStringFormats.TopLeft);
        l.Y += 14;
        l.Gfx.DrawText("共享停车收益池本月未用完的部分，下月继续用于降低居民停车费，不会丢失。", Typography.Note, XBrushes.DimGray, Margin, l.Y, XStringFormats.TopLeft);
        l.Y += 22;
    }

    private static void ComposeSpending(Layout l, CommunityAccountsModel a)
    {
        l.Section("二、支出（按类别）");
        foreach (var line in a.Spending)
        {
            l.Need(30 + (line.Entries.Count * 12));
            l.Gfx.DrawText(line.Category.Label, Typography.Body, XBrushes.Black, Margin, l.Y, XStringFormats.TopLeft);
            l.Gfx.DrawText(line.Amount.ToFenString(), Typography.Body, XBrushes.Black, Right, l.Y, XStringFormats.TopRight);
            if (line.Entries.Count == 0)
            {
                // Nothing entered: one row, so the categories residents expect are still all listed.
                l.Gfx.DrawText("本月无登记", Typography.Note, XBrushes.DimGray, DetailColumn, l.Y + 2, XStringFormats.TopLeft);
                l.Y += 18;
                continue;
            }

            l.Y += 14;
            foreach (var entry in line.Entries)
            {
                var correction = entry.Corrects is { } c ? $"，更正第 {c} 条" : string.Empty;
                l.Gfx.DrawText($"{entry.Description}（凭证 {entry.Reference}，{ChineseDates.Day(entry.EnteredOn)}{correction}）", Typography.Note, XBrushes.Black, DetailColumn, l.Y, XStringFormats.TopLeft);
                l.Gfx.DrawText(entry.Amount.ToFenString(), Typography.Note, XBrushes.Black, Right - 60, l.Y, XStringFormats.TopRight);
                l.Y += 12;
            }

            l.Gfx.DrawText($"数据来源：{line.Trace}", Typography.Note, XBrushes.DimGray, DetailColumn, l.Y, XStringFormats.TopLeft);
            l.Y += 16;
        }

        l.Total("支出合计", a.TotalSpending);
        l.Y += 8;
    }

    private static void ComposeBalance(Layout l, CommunityAccountsModel a)
    {
        l.Section("三、本月结余");
        l.Need(40);
        l.Gfx.DrawText("收入合计 − 支出合计 = 本月结余", Typography.Body, XBrushes.Black, Margin, l.Y, XStringFormats.TopLeft);
        l.Gfx.DrawText($"{a.TotalIncome.ToFenString()} − {a.TotalSpending.ToFenString()} = {a.Balance.ToFenString()}", Typography.Heading, XBrushes.Black, Right, l.Y, XStringFormats.TopRight);
        l.Y += 18;
        l.Gfx.DrawText($"人民币（大写）：{(a.Balance.IsNegative ? "负" + ChineseAmount.Capital(-a.Balance) : ChineseAmount.Capital(a.Balance))}", Typography.Body, XBrushes.Black, Right, l.Y, XStringFormats.TopRight);
        l.Y += 18;
    }

    /// <summary>
    /// The month's 实收 beside the collection report of the same month: the report's figure, each
    /// difference with its reason, and the accounts' figure it arrives at.
    /// </summary>
    private static void ComposeCollection(Layout l, CommunityAccountsModel a)
    {
        if (a.Input.Collection is not { } bridge)
        {
            return;
        }

        var month = ChineseDates.Month(a.Input.Period);
        l.Section("四、与收缴率报表对照");
        l.Need(40);
        l.Gfx.DrawText("收缴率报表统计本月对账单收回了多少（不论何时缴纳）；本表统计本月内实际收到的钱。两者的差别逐项如下：", Typography.Note, XBrushes.DimGray, Margin, l.Y, XStringFormats.TopLeft);
        l.Y += 16;
        var asOf = bridge.AsOf is { } d ? $"截至{ChineseDates.Day(d)}" : "截至目前";
        Row(l, $"收缴率报表：{month}对账单已收回（{asOf}，应收 {bridge.ReportBilled.ToFenString()}）", bridge.ReportCollected, null, bold: true);
        foreach (var step in bridge.Steps)
        {
            Row(l, step.Label, step.Amount, step.Why, bold: false);
        }

        if (bridge.Unexplained != Money.Zero)
        {
            Row(l, "未能解释的差额（请财务核查）", bridge.Unexplained, "数据在对照期间发生了变化，或有记录不一致", bold: true);
        }

        l.Total($"{month}实收（本表）", bridge.AccountsCollected);
        Row(l, "其中：居民停车费（另列）", bridge.Parking, null, bold: false);
        Row(l, "其中：居民物业服务费", bridge.ResidentFees, null, bold: false);
        l.Need(16);
        l.Gfx.DrawText(bridge.Agrees ? "本月实收与收缴率报表一致。" : "以上各项相加，由收缴率报表的数字得到本表的实收。", Typography.Note, XBrushes.DimGray, Margin, l.Y, XStringFormats.TopLeft);
        l.Y += 16;

        static void Row(Layout l, string label, Money amount, string? why, bool bold)
        {
            l.Need(why is null ? 14 : 25);
            l.Gfx.DrawText(label, bold ? Typography.BodyBold : Typography.Body, XBrushes.Black, Margin, l.Y, XStringFormats.TopLeft);
            l.Gfx.DrawText(amount.ToFenString(), bold ? Typography.BodyBold : Typography.Body, XBrushes.Black, Right, l.Y, XStringFormats.TopRight);
            l.Y += 13;
            if (why is not null)
            {
                l.Gfx.DrawText(why, Typography.Note, XBrushes.DimGray, DetailColumn, l.Y, XStringFormats.TopLeft);
                l.Y += 12;
            }
        }
    }

    /// <summary>The page being filled, the cursor on it, and the pages done, whose footers are drawn once the count is known.</summary>
    private sealed class Layout(PdfDocument document, CommunityAccountsModel accounts) : IDisposable
    {
        private readonly List<XGraphics> _pages = [];
        private XGraphics? _gfx;

        public XGraphics Gfx => _gfx ??= NewPage();

        public double Y { get; set; } = Margin;

        public void Need(double height)
        {
            _ = Gfx;
            if (Y + height > Bottom)
            {
                _gfx = NewPage();
                Y = Margin;
                Gfx.DrawText($"{accounts.Input.CommunityName}收支明白账（续）　{ChineseDates.Month(accounts.Input.Period)}", Typography.Heading, XBrushes.Black, Margin, Y, XStringFormats.TopLeft);
                Y += 24;
            }
        }

        public void Section(string title)
        {
            Need(60);
            Gfx.DrawText(title, Typography.Heading, XBrushes.Black, Margin, Y, XStringFormats.TopLeft);
            Gfx.DrawText("金额（元）", Typography.BodyBold, XBrushes.Black, Right, Y, XStringFormats.TopRight);
            Y += 18;
            Gfx.DrawLine(Typography.Rule, Margin, Y, Right, Y);
            Y += 6;
        }

        public void Total(string label, Money amount)
        {
            Need(24);
            Gfx.DrawLine(Typography.ThinRule, Margin, Y, Right, Y);
            Y += 5;
            Gfx.DrawText(label, Typography.BodyBold, XBrushes.Black, Margin, Y, XStringFormats.TopLeft);
            Gfx.DrawText(amount.ToFenString(), Typography.BodyBold, XBrushes.Black, Right, Y, XStringFormats.TopRight);
            Y += 20;
        }

        public void Finish()
        {
            for (var i = 0; i < _pages.Count; i++)
            {
                var gfx = _pages[i];
                var y = PageHeight - Margin;
                gfx.DrawLine(Typography.ThinRule, Margin, y - 14, Right, y - 14);
                var profile = Documents.DocumentContext.Default.Profile(accounts.Input.OperatorCode);
                if (profile is null)
                {
                    gfx.DrawText($"{accounts.Input.OperatorName}　如有疑问请联系物业服务中心", Typography.Note, XBrushes.DimGray, Margin, y - 10, XStringFormats.TopLeft);
                }
                else
                {
                    gfx.DrawText($"如有疑问请联系：{Documents.DocumentBlocks.ContactLine(profile, accounts.Input.Community.Value)}", Typography.Note, XBrushes.DimGray, Margin, y - 10, XStringFormats.TopLeft);
                    gfx.DrawText($"{profile.LegalName}　{Documents.DocumentBlocks.ComplaintLine(profile)}", Typography.Note, XBrushes.DimGray, Margin, y + 1, XStringFormats.TopLeft);
                }
                gfx.DrawText($"第 {i + 1} 页 / 共 {_pages.Count} 页", Typography.Note, XBrushes.DimGray, Right, y - 10, XStringFormats.TopRight);
            }
        }

        public void Dispose()
        {
            foreach (var page in _pages)
            {
                page.Dispose();
            }
        }

        private XGraphics NewPage()
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            var gfx = XGraphics.FromPdfPage(page);
            _pages.Add(gfx);
            return gfx;
        }
    }

    private static class Typography
    {
        public static readonly XFont Title = PdfText.Font(18, bold: true);
        public static readonly XFont Heading = PdfText.Font(12, bold: true);
        public static readonly XFont Body = PdfText.Font(10);
        public static readonly XFont BodyBold = PdfText.Font(10, bold: true);
        public static readonly XFont Note = PdfText.Font(8);
        public static readonly XPen Rule = new(XColors.Black, 0.8);
        public static readonly XPen ThinRule = new(XColors.Gray, 0.4);
    }
}
