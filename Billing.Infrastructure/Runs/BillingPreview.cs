using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>A dry run: what a month's billing would charge, computed from the stored register and the rate books, storing nothing.</summary>
public sealed class BillingPreview(RegisterStore register, RateCatalog rates, StatementCalendar calendar)
{
    public async Task<IReadOnlyList<CommunityBill>> RunAsync(YearMonth period, IReadOnlyCollection<CommunityCode>? only, CancellationToken ct = default)
    {
        var bills = new List<CommunityBill>();
        foreach (var community in await register.CommunitiesAsync(ct))
        {
            if (only is { Count: > 0 } && !only.Contains(community.Code))
            {
                continue;
            }

            var households = await register.HouseholdsAsync(community.Code, ct);
            var meters = await register.MeterReadingsAsync(community.Code, period, ct);
            bills.Add(BillingEngine.BillCommunity(community, households, rates, period, calendar, MonthlyBillingJob.Inputs(meters)));
        }

        return bills;
    }
}
