using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NodaTime;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// Two property companies on one database: neither can use, rename, move or even learn of the
/// other's vouchers, businesses, zones, payments or runs.
/// </summary>
public sealed class OperatorIsolationTests : ApiHost
{
    private const string Second = "OP2";
    private const string SecondHousehold = "HZ-OP2-01-1-101";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    private async Task RegisterSecondOperatorAsync(string zone = "OP2-Z")
    {
        using var second = Finance(Second);
        var communities = "community_code,community_name,operator_code,operator_name,zone_code,zone_name,city,district,rate_book,building_type,service_level,agreed_price,level_effective_from,billing_start\n"
            + $"HZ-OP2,二号小区,{Second},第二物业公司,{zone},二号片区,菏泽市,开发区,heze-kaifaqu,multi-storey,2星,,,2022-01-01\n";
        var households = "household_code,community_code,building,unit,room,building_area_m2,owner_name,occupant_name,phone,parking_permits,effective_from\n"
            + $"{SecondHousehold},HZ-OP2,1,1,101,70.00,张三,,13800000000,0,\n";
        var c = await second.PostAsync("/api/register/communities", new StringContent(communities, Encoding.UTF8, "text/csv"));
        Assert.True(c.IsSuccessStatusCode, await c.Content.ReadAsStringAsync());
        var h = await second.PostAsync("/api/register/households", new StringContent(households, Encoding.UTF8, "text/csv"));
        Assert.True(h.IsSuccessStatusCode, await h.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_operators_voucher_is_not_found_exactly_like_a_missing_one_and_stays_unused()
    {
        var store = new PointsStore(Db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates));
        for (var day = 1; day <= 2; day++)
        {
            await store.EarnAsync("HZ-FXY-01-1-101", "patrol", new LocalDate(2026, 10, day), "楼栋长 李建华");
        }

        var voucher = (await store.RedeemAsync("HZ-FXY-01-1-101", "errand", 30, new LocalDate(2026, 10, 20))).Vouchers.Single();
        using var other = Finance("OTHER-OP");
        using var own = Finance();

        var foreign = await other.PostAsJsonAsync($"/api/vouchers/{voucher}/use", new { usedBy = "冒用" });
        var missing = await other.PostAsJsonAsync("/api/vouchers/VDOESNOTEXIST/use", new { usedBy = "冒用" });
        Assert.Equal(0, await Db.CountAsync("select count(*) from points_voucher_use"));
        var used = await own.PostAsJsonAsync($"/api/vouchers/{voucher}/use", new { usedBy = "物业前台 王芳" });
        var again = await own.PostAsJsonAsync($"/api/vouchers/{voucher}/use", new { usedBy = "物业前台 王芳" });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var foreignProblem = await foreign.Content.ReadFromJsonAsync<JsonElement>();
        var missingProblem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(missingProblem.GetProperty("title").GetString(), foreignProblem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, used.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("物业前台 王芳", await ScalarAsync("select used_by from points_voucher_use"));

        // Unguessable: 80 random bits, not a counter.
        Assert.Matches("^V[0-9A-F]{20}$", voucher);
    }

    [Fact]
    public async Task A_business_is_per_operator_and_another_operator_cannot_rename_it()
    {
        await RegisterSecondOperatorAsync();
        using var own = Finance();
        using var other = Finance(Second);
        const string code = "91350100M000100Y43";

        var mine = await (await own.PostAsJsonAsync("/api/businesses", new { name = "鑫源便利店", contact = "张老板", creditCode = code })).Content.ReadFromJsonAsync<JsonElement>();
        var theirs = await other.PostAsJsonAsync("/api/businesses", new { name = "改了名的店", contact = "冒名", creditCode = code });

        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(mine.GetProperty("id").GetInt64(), (await theirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("鑫源便利店", await ScalarAsync($"select name from business where id = {mine.GetProperty("id").GetInt64()}"));
        Assert.Equal("TCJY", await ScalarAsync($"select operator_code from business where id = {mine.GetProperty("id").GetInt64()}"));
    }

    [Fact]
    public async Task A_register_import_cannot_rename_or_move_another_operators_zone()
    {
        using var second = Finance(Second);
        var communities = "community_code,community_name,operator_code,operator_name,zone_code,zone_name,city,district,rate_book,building_type,service_level,agreed_price,level_effective_from,billing_start\n"
            + $"HZ-OP2,二号小区,{Second},第二物业公司,HZ-KFQ,被改名的片区,菏泽市,开发区,heze-kaifaqu,multi-storey,2星,,,2022-01-01\n";

        var response = await second.PostAsync("/api/register/communities", new StringContent(communities, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("zone_code", body, StringComparison.Ordinal);
        Assert.DoesNotContain("TCJY", body, StringComparison.Ordinal);
        Assert.Equal("TCJY|开发区老旧小区片区", await ScalarAsync("select operator_code || '|' || name from zone where code = 'HZ-KFQ'"));
        Assert.Equal(0, await Db.CountAsync("select count(*) from community where code = 'HZ-OP2'"));
    }

    [Fact]
    public async Task Two_operators_may_use_the_same_receipt_number_and_a_conflict_never_shows_the_other_operators_payment()
    {
        await RegisterSecondOperatorAsync();
        using var own = Finance();
        using var other = Finance(Second);

        var first = await own.PostAsJsonAsync("/api/payments", new { household = "HZ-FXY-01-1-101", channel = "cash", reference = "0001", amount = 50.00m, paidOn = "2026-11-05" });
        var second = await other.PostAsJsonAsync("/api/payments", new { household = SecondHousehold, channel = "cash", reference = "0001", amount = 12.00m, paidOn = "2026-11-06" });
        var clash = await other.PostAsJsonAsync("/api/payments", new { household = SecondHousehold, channel = "cash", reference = "0001", amount = 13.00m, paidOn = "2026-11-06" });
        var clashText = await clash.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        Assert.DoesNotContain("HZ-FXY", clashText, StringComparison.Ordinal);
        Assert.DoesNotContain("50.00", clashText, StringComparison.Ordinal);
        Assert.Equal(2, await Db.CountAsync("select count(*) from payment where channel = 'cash' and reference = '0001'"));
        Assert.Equal("OP2", await ScalarAsync($"select operator_code from payment where household_code = '{SecondHousehold}'"));
    }

    [Fact]
    public async Task The_dashboards_billing_runs_page_shows_only_the_callers_operators_runs()
    {
        using var own = Finance();
        using var other = Finance(Second);

        var ownPage = await own.GetStringAsync("/hangfire/billing-runs");
        var otherPage = await other.GetStringAsync("/hangfire/billing-runs");

        Assert.Contains("TCJY", ownPage, StringComparison.Ordinal);
        Assert.Contains("HZ-FXY", ownPage, StringComparison.Ordinal);
        Assert.DoesNotContain("TCJY", otherPage, StringComparison.Ordinal);
        Assert.DoesNotContain("HZ-FXY", otherPage, StringComparison.Ordinal);
        Assert.Contains("No billing runs yet", otherPage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccessRole.FinanceStaff, "TCJY", true)]
    [InlineData(AccessRole.FinanceStaff, "NO-SUCH-OPERATOR", false)]
    [InlineData(AccessRole.Resident, "HZ-FXY-01-1-101", true)]
    [InlineData(AccessRole.Resident, "HZ-FXY-99-9-999", false)]
    [InlineData(AccessRole.DistrictFinance, "开发区", true)]
    [InlineData(AccessRole.DistrictFinance, "不存在区", false)]
    public async Task The_token_command_issues_tokens_only_for_operators_households_and_districts_that_exist(AccessRole role, string scope, bool exists)
    {
        var check = () => GrantScopes.EnsureExistsAsync(Db.DataSource, new AccessGrant(role, scope, "test"));

        if (exists)
        {
            await check();
        }
        else
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(check);
            Assert.Contains(scope, refused.Message, StringComparison.Ordinal);
        }
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var cmd = Db.DataSource.CreateCommand(sql);
        return (await cmd.ExecuteScalarAsync())?.ToString();
    }
}
