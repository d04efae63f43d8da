using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Api;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>
/// The app on Kestrel at a loopback port with October 2026 billed, configured (as in production,
/// through settings) to talk to a fake WeChat Pay / Alipay gateway on another loopback port, which
/// sends its notifications to the app's real endpoints over HTTP.
/// </summary>
public abstract class OnlinePaymentsHost : BrowserHost
{
    public const string Household = "HZ-FXY-01-1-101";
    public const string Neighbour = "HZ-FXY-01-1-102";
    public const string LinkKey = "test-resident-link-key-0123456789abcdef";

    protected OnlinePaymentsHost()
    {
        Keys = new FakeGatewayKeys();
        Gateway = new FakeGateway(Keys);
    }

    protected FakeGatewayKeys Keys { get; }

    protected FakeGateway Gateway { get; }

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    protected OnlinePayments Payments => Factory.Services.GetRequiredService<OnlinePayments>();

    protected Uri WeChatNotifyUrl => new(BaseAddress, OnlinePaymentsApi.WeChatNotifyPath);

    protected Uri AlipayNotifyUrl => new(BaseAddress, OnlinePaymentsApi.AlipayNotifyPath);

    protected override void Configure(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Keys.Settings(Gateway.BaseAddress))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting(RedProperty.Billing.Infrastructure.Residents.ResidentLinks.ConfigurationKey, LinkKey);
    }

    /// <summary>What the household owes by the ledger, summed in SQL (independent of the allocation code).</summary>
    protected async Task<decimal> LedgerBalanceAsync(string household)
    {
        await using var cmd = Db.DataSource.CreateCommand("select coalesce(sum(amount), 0) from ledger_entry where household_code = @h");
        cmd.Parameters.AddWithValue("h", household);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    protected async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Db.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Gateway.DisposeAsync();
        Keys.Dispose();
    }
}
