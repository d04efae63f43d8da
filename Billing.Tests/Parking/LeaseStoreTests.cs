using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Tests.Support;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>Leases on PostgreSQL: the exclusion constraint, not only the code, keeps them from overlapping.</summary>
public class LeaseStoreTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static Interval Hours(int day, int from, int to) =>
        new(new LocalDateTime(2026, 10, day, from, 0).InZoneStrictly(Shanghai).ToInstant(), new LocalDateTime(2026, 10, day, to, 0).InZoneStrictly(Shanghai).ToInstant());

    private static async Task<(LeaseStore Store, long Space, long Shop, long Company)> SpaceReleasedForOctoberAsync(TestDatabase db)
    {
        var store = new LeaseStore(db.DataSource);
        var space = await store.AddSpaceAsync("HZ-FXY", "A-017");
        CreditCode.TryParse("91350100M000100Y43", out var shopCode, out _);
        CreditCode.TryParse("91110000802100433B", out var companyCode, out _);
        var shop = await store.AddBusinessAsync("鑫源便利店", "张老板 13800000000", shopCode);
        var company = await store.AddBusinessAsync("城东物流有限公司", "李经理 13900000000", companyCode);
        var october = DailyWindow.WorkingDayDaytime.Occurrences(new YearMonth(2026, 10), HolidayCalendar.None, Shanghai).ToList();
        await store.ReleaseAsync(space, october, "业主 卢刚");
        return (store, space, shop, company);
    }

    /// <summary>A lease's price basis this version does not know is refused, not priced by the hour.</summary>
    [Fact]
    public async Task An_unknown_price_basis_of_a_lease_is_an_error_naming_the_column_and_the_word()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await OctoberLeases.SetUpAsync(db.DataSource);
        await using (var corrupt = db.DataSource.CreateCommand(
            """
            alter table parking_lease drop constraint parking_lease_price_basis_check;
            update parking_lease set price_basis = 'weekly' where kind = 'monthly';
            """))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new LeaseStore(db.DataSource).MonthAsync("HZ-FXY", "TCJY", OctoberLeases.October, OctoberLeases.Book, Shanghai));

        Assert.Equal("The database holds 'weekly' in parking_lease.price_basis, which this version does not know as a price basis.", error.Message);
    }

    [Fact]
    public async Task A_lease_overlapping_another_or_outside_the_released_window_is_refused()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (store, space, shop, company) = await SpaceReleasedForOctoberAsync(db);

        await store.LeaseAsync(space, shop, "one-off", [Hours(8, 9, 12)]);
        var overlap = await Assert.ThrowsAsync<LeaseConflictException>(() => store.LeaseAsync(space, company, "one-off", [Hours(8, 11, 13)]));
        var evening = await Assert.ThrowsAsync<LeaseConflictException>(() => store.LeaseAsync(space, company, "one-off", [Hours(8, 17, 19)]));
        var weekend = await Assert.ThrowsAsync<LeaseConflictException>(() => store.LeaseAsync(space, company, "one-off", [Hours(10, 9, 12)]));
        await store.LeaseAsync(space, company, "one-off", [Hours(8, 12, 18)]);

        Assert.Contains("already leased", overlap.Message, StringComparison.Ordinal);
        Assert.Contains("not released", evening.Message, StringComparison.Ordinal);
        Assert.Contains("not released", weekend.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.LeasedAsync(space)).Count);
    }

    [Fact]
    public async Task Parallel_requests_for_the_same_slot_cannot_both_succeed()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (store, space, shop, company) = await SpaceReleasedForOctoberAsync(db);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await new LeaseStore(db.DataSource).LeaseAsync(space, i % 2 == 0 ? shop : company, "one-off", [Hours(9, 8 + (i % 3), 12)]);
                return true;
            }
            catch (LeaseConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, results.Count(ok => ok));
        Assert.Single(await store.LeasedAsync(space));
    }

    [BillingProperty]
    public bool Overlap_and_uncovered_time_agree_with_a_minute_by_minute_count((byte From, byte Length)[] releases, (byte From, byte Length) wanted)
    {
        // Minutes of one day from 08:00, in 5-minute steps, so random intervals often touch and overlap.
        Interval Span((byte From, byte Length) x) =>
            new(Instant.FromUtc(2026, 10, 8, 0, 0) + Duration.FromMinutes(5 * (x.From % 120)),
                Instant.FromUtc(2026, 10, 8, 0, 0) + Duration.FromMinutes(5 * (x.From % 120) + 5 * (1 + (x.Length % 24))));
        bool Covers(Interval i, Instant minute) => i.Start <= minute && minute < i.End;

        var released = releases.Select(Span).ToList();
        var want = Span(wanted);
        var uncovered = LeaseRules.Uncovered([want], released);
        var minutes = Enumerable.Range(0, 24 * 12).Select(m => Instant.FromUtc(2026, 10, 8, 0, 0) + Duration.FromMinutes(5 * m)).ToList();

        return released.All(r => LeaseRules.Overlap(r, want) == minutes.Any(m => Covers(r, m) && Covers(want, m)))
            && minutes.All(m => (Covers(want, m) && !released.Any(r => Covers(r, m))) == uncovered.Any(u => Covers(u, m)));
    }

    [Theory]
    [InlineData("91350100M000100Y43", true)]
    [InlineData("91110000802100433B", true)]
    [InlineData("91110000802100433C", false)]
    [InlineData("9111000080210043", false)]
    [InlineData("91110000802I00433B", false)]
    public void A_unified_social_credit_code_is_checked_by_its_check_digit(string code, bool valid)
    {
        Assert.Equal(valid, CreditCode.TryParse(code, out _, out var problem));
        Assert.Equal(valid, problem.Length == 0);
    }
}
