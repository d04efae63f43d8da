using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Residents;

namespace RedProperty.Billing.Api.Pages.Resident;

/// <summary>A household's own page: what is due and why, past statements, payments and receipts, points, the community accounts, and paying.</summary>
[Authorize(Policy = ResidentAccess.Policy)]
public sealed class HomeModel(ResidentAccount account, NpgsqlDataSource db, OnlinePayments payments, PointsCatalogues catalogues, IClock clock, IConfiguration configuration, IServiceProvider services) : PageModel
{
    private static readonly DateTimeZone Beijing = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public ResidentHousehold Household { get; private set; } = null!;

    public Money Due { get; private set; }

    public LedgerPosition Position { get; private set; } = null!;

    public IReadOnlyList<ResidentStatement> Statements { get; private set; } = [];

    public IReadOnlyList<ResidentStatementLine> Lines { get; private set; } = [];

    public IReadOnlyList<ResidentPayment> Payments { get; private set; } = [];

    public int Points { get; private set; }

    public PointsCatalogue? Catalogue { get; private set; }

    public CommunityAccountsModel? Accounts { get; private set; }

    public IReadOnlyList<PaymentChannel> Channels => payments.Available;

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Pay what is due: WeChat Pay inside WeChat's browser or by QR code elsewhere, Alipay through its cashier page.</summary>
    public async Task<IActionResult> OnPostPayAsync(string channel, CancellationToken ct)
    {
        var household = User.Household();
        var wechat = channel == "wechat";
        var inWeChat = WeChatSignIn.IsWeChatBrowser(Request);
        var openId = User.FindFirst(WeChatSignIn.OpenIdClaim)?.Value;
        var webAuth = services.GetService<WeChatWebAuth>();
        var root = ResidentAccess.PublicBase(Request, configuration);
        if (wechat && inWeChat && openId is null && webAuth is not null)
        {
            // Inside WeChat the payment sheet needs the resident's openid: sign in with WeChat first, then pay.
            return Redirect(WeChatSignIn.Start(HttpContext, webAuth, root).AbsoluteUri);
        }

        var mode = wechat ? (inWeChat && openId is not null ? OrderMode.JsApi : OrderMode.Native) : OrderMode.Page;
        try
        {
            var notify = new Uri(root, wechat ? OnlinePaymentsApi.WeChatNotifyPath.TrimStart('/') : OnlinePaymentsApi.AlipayNotifyPath.TrimStart('/'));
            var created = await payments.CreateOrderAsync(household, mode, notify, null, openId, ct);
            var back = new Uri(root, $"r/orders/{created.Order.OrderNo}");
            if (mode == OrderMode.Page)
            {
                // Page pay is signed with its return address, so the order is asked for again with it.
                var paged = await payments.ChannelFor(PaymentChannel.Alipay)!.CreateOrderAsync(
                    new OrderRequest(created.Order.OrderNo, mode, created.Order.Amount, $"物业服务费 {household}", notify, back, null), ct);
                return Redirect(paged.RedirectUrl!.AbsoluteUri); // AbsoluteUri keeps the escaping the signature was made over
            }

            TempData["qr"] = created.Start.QrPayload;
            if (created.Start.JsApiParameters is { } sheet)
            {
                TempData[WeChatSignIn.JsApiTempData] = System.Text.Json.JsonSerializer.Serialize(sheet);
            }

            return Redirect(back.PathAndQuery);
        }
        catch (PaymentOrderException e)
        {
            Message = e.Code == "order.nothing_due" ? "目前没有需要缴纳的费用。" : "暂时无法使用此支付方式，请稍后再试或到物业服务中心缴费。";
            await LoadAsync(ct);
            return Page();
        }
        catch (Exception e) when (e is ChannelException or HttpRequestException)
        {
            Message = "支付渠道暂时无法连接，请稍后再试。";
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var household = User.Household();
        Household = (await account.HouseholdAsync(household, ct))!;
        Position = await new PaymentStore(db).PositionAsync(household, ct: ct);
        Due = Position.Balance > Money.Zero ? Position.Balance : Money.Zero;
        Statements = await account.StatementsAsync(household, ct);
        if (Statements.Count > 0)
        {
            Lines = await account.LinesAsync(household, Statements[0].Period, ct);
            Accounts = await new CommunityAccountsStore(db).ReadAsync(Household.CommunityCode, Statements[0].Period, ct);
        }

        Payments = await account.PaymentsAsync(household, ct);
        Points = (await new PointsStore(db, catalogues).PositionAsync(household, ct)).Balance;
        Catalogue = catalogues.For(Household.OperatorCode, clock.GetCurrentInstant().InZone(Beijing).Date);
    }

    /// <summary>A statement line in plain words: what it is for, and how it was worked out.</summary>
    public static string Explain(ResidentStatementLine line) => line.Kind switch
    {
        "service_fee" or "property_fee" => $"物业服务费：按房屋建筑面积和服务等级单价计算（{line.Formula}）",
        "subsidy" => $"政府补贴：区财政替您承担的部分，已从应缴中扣除（{line.Formula}）",
        "parking" => $"停车费（{line.Formula}）",
        "points_credit" => $"志愿积分抵扣（{line.Formula}）",
        "adjustment" => $"更正：{line.Formula}",
        _ => $"{line.Label}（{line.Formula}）",
    };
}
