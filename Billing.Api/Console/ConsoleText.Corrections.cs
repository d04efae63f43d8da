using RedProperty.Billing.Infrastructure.Corrections;

namespace RedProperty.Billing.Api.FinanceConsole;

public static partial class ConsoleText
{
    public static string CorrectionStatus(CorrectionStatus status) => status switch
    {
        Infrastructure.Corrections.CorrectionStatus.Pending => "待审核",
        Infrastructure.Corrections.CorrectionStatus.Direct => "直接生效",
        Infrastructure.Corrections.CorrectionStatus.Approved => "已批准生效",
        Infrastructure.Corrections.CorrectionStatus.Rejected => "已退回",
        _ => status.ToString(),
    };
}
