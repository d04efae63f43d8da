using PdfSharp.Drawing;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// The parts every document shares, drawn the same way everywhere: how to pay (methods, account,
/// QR code), whom to call, a seal box and signature lines.
/// </summary>
public static class DocumentBlocks
{
    public const double PaymentHeight = 118;
    private const double QrSize = 96;

    /// <summary>"丰鑫园小区物业服务中心　丰鑫园小区1号楼东侧　电话 0530-5311001（每日 8:00–18:00）".</summary>
    public static string ContactLine(OperatorProfile profile, string community)
    {
        var centre = profile.CentreFor(community);
        return $"{centre.Name}　{centre.Address}　电话 {centre.Phone}" + (centre.Hours is { } h ? $"（{h}）" : string.Empty);
    }

    /// <summary>"投诉电话 0530-5310000（菏泽开发区住房和城乡建设局物业科）" or the operator's own line.</summary>
    public static string ComplaintLine(OperatorProfile profile) =>
        $"服务投诉电话 {profile.ComplaintPhone}" + (profile.ComplaintBody is { } body ? $"（{body}）" : string.Empty);

    /// <summary>
    /// The payment box: the methods and the bank account on the left, the QR code on the right with
    /// what to quote. Returns the y below it.
    /// </summary>
    public static double Payment(XGraphics gfx, OperatorProfile profile, string? qrPayload, string? reference, double left, double right, double y)
    {
        var (heading, body, note) = (PdfText.Font(10.5, bold: true), PdfText.Font(9), PdfText.Font(7.5));
        gfx.DrawRectangle(new XPen(XColors.Gray, 0.5), left, y, right - left, PaymentHeight);
        var x = left + 10;
        var ty = y + 8;
        gfx.DrawText("缴费方式", heading, XBrushes.Black, x, ty, XStringFormats.TopLeft);
        ty += 17;
        var textWidth = right - left - QrSize - 40;
        for (var i = 0; i < profile.PaymentMethods.Count; i++)
        {
            foreach (var line in gfx.Wrap($"{i + 1}. {profile.PaymentMethods[i]}", body, textWidth))
            {
                gfx.DrawText(line, body, XBrushes.Black, x, ty, XStringFormats.TopLeft);
                ty += 13;
            }
        }

        ty += 2;
        foreach (var line in gfx.Wrap($"开户行：{profile.Bank.Bank}　户名：{profile.Bank.AccountName}", body, textWidth))
        {
            gfx.DrawText(line, body, XBrushes.Black, x, ty, XStringFormats.TopLeft);
            ty += 13;
        }

        gfx.DrawText($"账号：{profile.Bank.Number}", body, XBrushes.Black, x, ty, XStringFormats.TopLeft);
        if (qrPayload is not null)
        {
            var qx = right - QrSize - 8;
            QrDrawing.Draw(gfx, qrPayload, qx, y + 4, QrSize);
            if (reference is not null)
            {
                // Wider than the code itself, so it ends at the box edge rather than past it.
                gfx.DrawText($"扫码缴费　{reference}", note, XBrushes.Black, new XRect(right - QrSize - 100, y + QrSize + 3, QrSize + 96, 10), XStringFormats.TopRight);
            }
        }

        return y + PaymentHeight + 6;
    }

    /// <summary>A square for the seal (盖章处); the seal image is drawn in it when the profile has one.</summary>
    public static void SealBox(XGraphics gfx, double x, double y, double size, byte[]? seal, string caption)
    {
        if (seal is not null)
        {
            using var stream = new MemoryStream(seal);
            using var image = XImage.FromStream(stream);
            gfx.DrawImage(image, x, y, size, size);
        }
        else
        {
            var dashed = new XPen(XColors.Gray, 0.6) { DashStyle = XDashStyle.Dash };
            gfx.DrawEllipse(dashed, x, y, size, size);
        }

        gfx.DrawText(caption, PdfText.Font(8), XBrushes.DimGray, new XRect(x - 20, y + size + 2, size + 40, 10), XStringFormats.TopCenter);
    }

    /// <summary>"经办人：________　日期：____年__月__日" lines for one side of a sign-off.</summary>
    public static double SignatureLines(XGraphics gfx, string side, double x, double y, string? signedBy = null, string? signedOn = null)
    {
        var (bold, body) = (PdfText.Font(10, bold: true), PdfText.Font(10));
        gfx.DrawText(side, bold, XBrushes.Black, x, y, XStringFormats.TopLeft);
        y += 18;
        gfx.DrawText($"经办人签字：{signedBy ?? "＿＿＿＿＿＿＿＿"}", body, XBrushes.Black, x, y, XStringFormats.TopLeft);
        y += 18;
        gfx.DrawText($"负责人签字：＿＿＿＿＿＿＿＿", body, XBrushes.Black, x, y, XStringFormats.TopLeft);
        y += 18;
        gfx.DrawText($"日期：{signedOn ?? "＿＿＿＿年＿＿月＿＿日"}", body, XBrushes.Black, x, y, XStringFormats.TopLeft);
        return y + 18;
    }
}
