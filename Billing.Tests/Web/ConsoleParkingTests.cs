using Microsoft.Playwright;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// 共享停车 in Chromium: a space, a business, a permit, the holder's release and a lease made
/// through the forms and read back from PostgreSQL; conflicting leases refused with the reason;
/// the lease calendar's day cells checked against a working-day count of the test's own.
/// </summary>
public sealed class ConsoleParkingTests : ConsoleHost
{
    private const string Space = "A-017";
    private const string Shop = "鑫源超市";

    [Fact]
    public async Task A_clerk_adds_a_space_a_permit_a_release_and_a_monthly_lease_and_the_calendar_shows_it_on_every_working_day()
    {
        await StaffAsync();
        var clerk = await SignInAsync("zhidan");
        await clerk.ClickAsync("nav >> text=共享停车");
        await clerk.GotoAsync("/console/parking?community=HZ-FXY&month=2026-11");
        await SetUpLeaseAsync(clerk);
        await ScreenshotAsync(clerk, "console-parking");

        var workingDays = WorkingDaysOfNovember2026();
        Assert.Equal(1, await Db.CountAsync("select count(*) from parking_space where community_code = 'HZ-FXY' and number = 'A-017'"));
        Assert.Equal(1, await Db.CountAsync(
            "select count(*) from parking_permit p join parking_space s on s.id = p.space_id where s.number = 'A-017' and p.household_code = 'HZ-FXY-01-1-101' and p.valid_from = '2026-11-01' and p.valid_to is null"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from business where operator_code = 'TCJY' and name = '鑫源超市' and credit_code = '91350100M000100Y43'"));
        Assert.Equal(workingDays.Count, await Db.CountAsync("select count(*) from parking_release_slot r join parking_space s on s.id = r.space_id where s.number = 'A-017' and r.released_by = '卢刚'"));
        Assert.Equal(1, await Db.CountAsync(
            "select count(*) from parking_lease l join business b on b.id = l.business_id where b.name = '鑫源超市' and l.kind = 'monthly' and l.price_basis = 'monthly' and l.rate = 300.00"));
        // Each lease window is the day's 08:00–18:00 in Shanghai, on exactly the working days counted here.
        Assert.Equal(workingDays.Count, await Db.CountAsync(
            """
            select count(*) from parking_lease_slot ls join parking_lease l on l.id = ls.lease_id
            where to_char(lower(ls.during) at time zone 'Asia/Shanghai', 'HH24:MI') = '08:00' and to_char(upper(ls.during) at time zone 'Asia/Shanghai', 'HH24:MI') = '18:00'
            """));
        foreach (var (action, count) in new[] { ("登记车位", 1), ("登记商户", 1), ("发放停车许可", 1), ("登记车位放出", 1), ("登记商户租约", 1) })
        {
            Assert.Equal(count, await Db.CountAsync($"select count(*) from staff_audit where user_name = 'zhidan' and action = '{action}'"));
        }

        Assert.Contains(Shop, await clerk.InnerTextAsync("#leases"), StringComparison.Ordinal);

        await clerk.ClickAsync("#tab-month");
        await ScreenshotAsync(clerk, "console-parking-calendar-month");
        Assert.EndsWith("/console/parking/calendar?community=HZ-FXY&month=2026-11", clerk.Url, StringComparison.Ordinal);
        for (var day = new DateOnly(2026, 11, 1); day.Month == 11; day = day.AddDays(1))
        {
            var cell = await clerk.InnerTextAsync($"#month-calendar td[data-day='{day:yyyy-MM-dd}'][data-space='{Space}']");
            if (workingDays.Contains(day))
            {
                Assert.Contains($"{Shop} 08:00–18:00", cell, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain(Shop, cell, StringComparison.Ordinal);
            }
        }

        await clerk.ClickAsync("#month-calendar th >> text=16 日");
        await ScreenshotAsync(clerk, "console-parking-calendar-day");
        Assert.EndsWith("day=2026-11-16", clerk.Url, StringComparison.Ordinal);
        var dayRow = await clerk.InnerTextAsync($"#day-calendar tr[data-space='{Space}']");
        Assert.Contains($"{Shop} 08:00–18:00", dayRow, StringComparison.Ordinal);
        Assert.Contains("放出人：卢刚", dayRow, StringComparison.Ordinal);
        await clerk.GotoAsync("/console/parking/calendar?community=HZ-FXY&day=2026-11-14");
        Assert.Equal(1, await clerk.Locator("#calendar-empty").CountAsync());
    }

    [Fact]
    public async Task A_lease_over_a_leased_or_unreleased_time_is_refused_with_its_reason_beside_the_field_and_nothing_is_stored()
    {
        await StaffAsync();
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/parking?community=HZ-FXY&month=2026-11");
        await SetUpLeaseAsync(clerk);
        var leases = await Db.CountAsync("select count(*) from parking_lease");
        var slots = await Db.CountAsync("select count(*) from parking_lease_slot");

        await clerk.SelectOptionAsync("#lease-space", Space);
        await clerk.CheckAsync("#lease-shape-day");
        await clerk.FillAsync("#lease-day", "2026-11-16");
        await clerk.FillAsync("#lease-from", "09:00");
        await clerk.FillAsync("#lease-to", "12:00");
        var refused = await clerk.RunAndWaitForResponseAsync(() => clerk.ClickAsync("#save-lease"), r => r.Request.Method == "POST");
        await ScreenshotAsync(clerk, "console-parking-lease-refused");

        Assert.Equal(400, refused.Status);
        var reason = await clerk.InnerTextAsync("#lease-day-error");
        Assert.Contains($"已租给 {Shop}", reason, StringComparison.Ordinal);
        Assert.Contains("2026-11-16 08:00–18:00", reason, StringComparison.Ordinal);

        // Saturday the 14th was never released by the holder.
        await clerk.CheckAsync("#lease-shape-day");
        await clerk.FillAsync("#lease-day", "2026-11-14");
        await clerk.FillAsync("#lease-from", "09:00");
        await clerk.FillAsync("#lease-to", "12:00");
        await clerk.ClickAsync("#save-lease");
        Assert.Contains("未由持有人放出", await clerk.InnerTextAsync("#lease-day-error"), StringComparison.Ordinal);

        // A second permit on a held space, and a bad credit code, are refused beside their fields too.
        await clerk.SelectOptionAsync("#permit-space", Space);
        await clerk.FillAsync("#permit-household", "HZ-FXY-01-1-102");
        await clerk.FillAsync("#permit-from", "2026-12-01");
        await clerk.ClickAsync("#save-permit");
        Assert.Contains("已由住户 HZ-FXY-01-1-101", await clerk.InnerTextAsync("#permit-from-error"), StringComparison.Ordinal);
        await clerk.FillAsync("#business-name", "别家商户");
        await clerk.FillAsync("#business-contact", "李四");
        await clerk.FillAsync("#business-credit", "91350100M000100Y44");
        await clerk.ClickAsync("#save-business");
        Assert.Contains("校验码", await clerk.InnerTextAsync("#business-creditCode-error"), StringComparison.Ordinal);

        Assert.Equal(leases, await Db.CountAsync("select count(*) from parking_lease"));
        Assert.Equal(slots, await Db.CountAsync("select count(*) from parking_lease_slot"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from parking_permit"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from business"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_audit where action = '登记商户租约'"));
    }

    /// <summary>Space A-017, the shop, 卢刚's permit and his release of November's working-day daytime, and the shop's monthly lease, all through the forms.</summary>
    private static async Task SetUpLeaseAsync(IPage clerk)
    {
        await clerk.FillAsync("#space-number", Space);
        await clerk.ClickAsync("#save-space");
        await clerk.FillAsync("#business-name", Shop);
        await clerk.FillAsync("#business-contact", "张店长 13800000000");
        await clerk.FillAsync("#business-credit", "91350100M000100Y43");
        await clerk.ClickAsync("#save-business");
        await clerk.SelectOptionAsync("#permit-space", Space);
        await clerk.FillAsync("#permit-household", "HZ-FXY-01-1-101");
        await clerk.FillAsync("#permit-from", "2026-11-01");
        await clerk.ClickAsync("#save-permit");
        await clerk.SelectOptionAsync("#release-space", Space);
        await clerk.FillAsync("#release-by", "卢刚");
        await clerk.CheckAsync("#release-shape-month");
        await clerk.FillAsync("#release-month", "2026-11");
        await clerk.ClickAsync("#save-release");
        await clerk.SelectOptionAsync("#lease-space", Space);
        await clerk.SelectOptionAsync("#lease-business", new SelectOptionValue { Label = Shop });
        await clerk.CheckAsync("#lease-shape-month");
        await clerk.FillAsync("#lease-month", "2026-11");
        await clerk.ClickAsync("#save-lease");
        Assert.Contains("已登记租约", await clerk.InnerTextAsync("#notice"), StringComparison.Ordinal);
    }

    /// <summary>November 2026 has no public holiday or make-up day in the TCJY parking file: Monday to Friday.</summary>
    private static HashSet<DateOnly> WorkingDaysOfNovember2026()
    {
        var days = new HashSet<DateOnly>();
        for (var day = new DateOnly(2026, 11, 1); day.Month == 11; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(day);
            }
        }

        return days;
    }
}
