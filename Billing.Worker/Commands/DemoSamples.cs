using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Points;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>What the demo adds to the sample register so its statements show every kind of line.</summary>
public static class DemoSamples
{
    /// <summary>
    /// A little volunteer work in the billed month, so the sample statements show points and a
    /// credit line. Recorded once: services are events, so a second demo run must not add them again.
    /// </summary>
    public static async Task PointsAsync(IServiceProvider services, YearMonth period)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var any = dataSource.CreateCommand("select count(*) from points_entry"))
        {
            if ((long)(await any.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        var points = new PointsStore(dataSource, services.GetRequiredService<Core.Points.PointsCatalogues>());
        foreach (var (household, service, day) in new[]
        {
            ("HZ-FXY-01-1-101", "mediation", 5), ("HZ-FXY-01-1-101", "elderly-visit", 12), ("HZ-FXY-01-1-101", "patrol", 19),
            ("HZ-SWJSY-01-1-501", "cleanup", 8), ("HZ-SWJSY-01-1-501", "patrol", 15),
        })
        {
            await points.EarnAsync(household, service, period.OnDayOfMonth(day), "楼栋长 李建华");
        }

        var redemption = await points.RedeemAsync("HZ-FXY-01-1-101", "fee-credit", 100, period.OnDayOfMonth(25));
        Console.WriteLine($"Volunteer points: 5 services recorded; HZ-FXY-01-1-101 redeemed 100 points for {redemption.Credit?.ToFenString()} yuan of fee credit");
    }

    /// <summary>
    /// Shared parking for the demo: 20 resident permits in 丰鑫园小区, and 8 of the spaces released on
    /// working days and leased by the month to a shop, so the statements show the pool at work. Set up once.
    /// </summary>
    public static async Task ParkingAsync(IServiceProvider services, YearMonth period)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var any = dataSource.CreateCommand("select count(*) from parking_space"))
        {
            if ((long)(await any.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        if (services.GetRequiredService<Core.Parking.ParkingRateBook>().For("TCJY", period.OnDayOfMonth(1)) is not { } rates)
        {
            return;
        }

        var store = new LeaseStore(dataSource);
        Core.Parking.CreditCode.TryParse("91350100M000100Y43", out var code, out _);
        var shop = await store.AddBusinessAsync("鑫源便利店", "张老板 13800000000", code);
        var daytime = rates.Daytime.Occurrences(period, rates.Calendar, DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToList();
        for (var i = 1; i <= 20; i++)
        {
            var space = await store.AddSpaceAsync("HZ-FXY", $"A-{i:D3}");
            var household = $"HZ-FXY-{1 + ((i - 1) / 24):D2}-{1 + (((i - 1) % 24) / 12)}-{1 + (((i - 1) % 12) / 2)}0{1 + ((i - 1) % 2)}";
            await store.PermitAsync(space, household, period.OnDayOfMonth(1), null);
            if (i <= 8)
            {
                await store.ReleaseAsync(space, daytime, "业主");
                await store.LeaseAsync(space, shop, "monthly", daytime, rates);
            }
        }

        Console.WriteLine($"Shared parking: 20 resident permits; 8 spaces leased in the daytime at {rates.LeaseMonthly.ToFenString()} yuan a month");
    }
}
