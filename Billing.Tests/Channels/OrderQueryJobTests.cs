using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>
/// The recurring payment-order-query job: what it runs finds an order paid at the channel whose
/// notification never came and records the payment once; `serve` registers it when a channel is
/// configured.
/// </summary>
public sealed class OrderQueryJobTests : OnlinePaymentsHost
{
    /// <summary>The job's own object, as a worker builds it, on a clock <paramref name="later"/> from now.</summary>
    private OnlinePayments JobAt(Duration later) => new(
        Db.DataSource, Factory.Services.GetServices<IPaymentChannel>(), new FakeClock(SystemClock.Instance.GetCurrentInstant() + later), NullLogger<OnlinePayments>.Instance);

    [Fact]
    public async Task The_job_finds_an_order_paid_whose_notification_never_came_once_it_is_ten_minutes_old_and_records_the_payment_once()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Native, WeChatNotifyUrl, null);
        var trade = Gateway.PayWeChat(created.Order.OrderNo); // paid at WeChat; the notification is lost

        var tooYoung = await JobAt(Duration.Zero).QueryUnansweredAsync(CancellationToken.None);
        var balanceBefore = await LedgerBalanceAsync(Household);
        var found = await JobAt(Duration.FromMinutes(11)).QueryUnansweredAsync(CancellationToken.None);
        var again = await JobAt(Duration.FromMinutes(16)).QueryUnansweredAsync(CancellationToken.None);

        Assert.Equal((0, 1, 0), (tooYoung, found, again));
        Assert.Equal(owed, balanceBefore);
        Assert.Equal(1, await CountAsync("select count(*) from payment where channel = 'wechat' and reference = @t and household_code = @h", ("t", trade.TransactionId!), ("h", Household)));
        Assert.Equal(1, await CountAsync("select count(*) from payment_order_settlement where order_no = @o and settled_by = 'query'", ("o", created.Order.OrderNo)));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        // The late notification, if it comes after all, finds the payment recorded.
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(created.Order.OrderNo, Gateway.WeChatNotification(created.Order.OrderNo))).StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from payment where channel = 'wechat' and household_code = @h", ("h", Household)));
    }

    [Fact]
    public async Task Serve_with_a_channel_configured_registers_the_query_every_five_minutes()
    {
        var name = $"query-job-{Guid.NewGuid():N}";
        using var serve = ServeProcess.Start(Db.ConnectionString, name, Keys.Settings(Gateway.BaseAddress));

        await serve.RunningAsync(TimeSpan.FromMinutes(2));
        var registered = await CountAsync("select count(*) from hangfire.set where key = 'recurring-jobs' and value = @id", ("id", OnlinePayments.QueryJobId));
        await using var cmd = Db.DataSource.CreateCommand("select value from hangfire.hash where key = @k and field = 'Cron'");
        cmd.Parameters.AddWithValue("k", "recurring-job:" + OnlinePayments.QueryJobId);
        var cron = await cmd.ExecuteScalarAsync() as string;
        await serve.TerminateAsync(TimeSpan.FromSeconds(45));

        Assert.True(registered == 1, serve.Output);
        Assert.Equal("*/5 * * * *", cron);
        Assert.Equal(0, serve.ExitCode);
    }
}
