using System.Text.RegularExpressions;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>How the console writes amounts, months, kinds and states in Chinese.</summary>
public static partial class ConsoleText
{
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static string Yuan(Money m) => m.Yuan.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static string Month(YearMonth p) => $"{p.Year}年{p.Month}月";

    public static string Time(Instant? at) => at is { } a ? a.InZone(Shanghai).ToString("yyyy-MM-dd HH:mm", null) : "";

    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(Shanghai).Date;

    public static string Kind(string kind) => kind switch
    {
        "property_fee" => "物业服务费",
        "subsidy" => "政府补贴",
        "late_fee" => "滞纳金",
        "parking_permit" => "停车费",
        "parking_pool_reduction" => "共享停车抵扣",
        "points_credit" => "志愿积分抵扣",
        "adjustment" => "更正",
        _ => kind,
    };

    public static string RunStatus(RunState state) => state switch
    {
        RunState.Drafting => "生成中",
        RunState.Draft => "待审核",
        RunState.Approved => "已批准，发布中",
        RunState.Issued => "已发布",
        RunState.Cancelled => "已取消",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a run state."),
    };

    public static string RunStatus(CommunityRunState state) => state switch
    {
        CommunityRunState.Pending => "排队中",
        CommunityRunState.Drafted => "已生成",
        CommunityRunState.Failed => "失败",
        CommunityRunState.Issuing => "发布中",
        CommunityRunState.Issued => "已发布",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a community run state."),
    };

    public static string Channel(string channel) => channel switch
    {
        "cash" => "现金",
        "wechat" => "微信",
        "alipay" => "支付宝",
        "bank" => "银行转账",
        _ => channel,
    };

    /// <summary>Household codes named in a problem, so the page can link each to its household.</summary>
    public static IEnumerable<string> HouseholdCodes(string? text) =>
        text is null ? [] : HouseholdCode().Matches(text).Select(m => m.Value).Distinct();

    [GeneratedRegex(@"[A-Z]{2,}-[A-Z0-9]+(?:-[0-9A-Z]+){3}")]
    private static partial Regex HouseholdCode();
}
