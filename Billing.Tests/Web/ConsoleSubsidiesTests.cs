using System.Globalization;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>考核与补贴申报 in Chromium, on October 2026 billed: the page's claims against a computation of the test's own from the stored scores and shares.</summary>
public sealed class ConsoleSubsidiesTests : ConsoleHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task The_claims_on_the_page_are_the_stored_share_times_the_factor_of_the_score_in_force_and_a_manager_submits_one()
    {
        await StaffAsync();
        await ScoresAsync(("HZ-FXY", "2026-01-01", 93m), ("HZ-SWJSY", "2026-01-01", 86.5m), ("HZ-SWJSY", "2026-07-01", 91m), ("HZ-SGHJSY", "2026-01-01", 72m));
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/subsidies?period=2026-10");
        await clerk.SelectOptionAsync("#score-community", "HZ-NHJSY");
        await clerk.FillAsync("#score-month", "2026-10");
        await clerk.FillAsync("#score-value", "84.5");
        await clerk.ClickAsync("#save-score");
        Assert.Equal(1, await Db.CountAsync("select count(*) from evaluation_score where community_code = 'HZ-NHJSY' and period = '2026-10-01' and score = 84.5"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_audit where user_name = 'zhidan' and action = '录入考核得分' and object = '小区 HZ-NHJSY'"));

        var manager = await SignInAsync("shenhe");
        await manager.ClickAsync("nav >> text=考核与补贴");
        await manager.GotoAsync("/console/subsidies?period=2026-10");
        await ScreenshotAsync(manager, "console-subsidies");
        var carried = 0m;
        foreach (var community in new[] { "HZ-FXY", "HZ-SWJSY", "HZ-SGHJSY", "HZ-NHJSY" })
        {
            var (share, score, factor, claim) = await ExpectedAsync(community);
            var row = manager.Locator($"#claims tr[data-community='{community}']");
            Assert.True(share > 0m, $"{community} has district lines for October");
            Assert.Equal(share, Parse(await row.Locator("td.share").InnerTextAsync()));
            Assert.Equal(score, Parse(await row.Locator("td.score").InnerTextAsync()));
            Assert.Equal(factor * 100m, Parse((await row.Locator("td.factor").InnerTextAsync()).TrimEnd('%')));
            Assert.Equal(claim, Parse(await row.Locator("td.claim").InnerTextAsync()));
            Assert.Equal(share - claim, Parse(await row.Locator("td.shortfall").InnerTextAsync()));
            carried += share - claim;
        }

        Assert.Equal(carried, Parse(await manager.InnerTextAsync("#sum-shortfall")));
        Assert.Contains("得分已超过 6 个月", await manager.Locator("#claims tr[data-community='HZ-SGHJSY']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("未申报", await manager.Locator("#claims tr[data-community='HZ-SGHJSY']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await clerk.Locator("#submit-HZ-SGHJSY").CountAsync());

        await manager.ClickAsync("#submit-HZ-SGHJSY");
        var (sghShare, _, _, sghClaim) = await ExpectedAsync("HZ-SGHJSY");
        Assert.Contains("已提交", await manager.InnerTextAsync("#notice"), StringComparison.Ordinal);
        Assert.Contains("已申报", await manager.Locator("#claims tr[data-community='HZ-SGHJSY']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from subsidy_claim where community_code = 'HZ-SGHJSY' and period = '2026-10-01' and claim_amount = {sghClaim.ToString(CultureInfo.InvariantCulture)} and shortfall = {(sghShare - sghClaim).ToString(CultureInfo.InvariantCulture)} and factor = 0.70"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_audit where user_name = 'shenhe' and action = '提交补贴申报' and object = '小区 HZ-SGHJSY 2026年10月'"));
        await ScreenshotAsync(manager, "console-subsidies-submitted");
    }

    [Fact]
    public async Task A_score_out_of_range_is_shown_beside_the_field_and_nothing_is_stored()
    {
        await StaffAsync();
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/subsidies?period=2026-10");
        await clerk.SelectOptionAsync("#score-community", "HZ-FXY");
        await clerk.FillAsync("#score-month", "2026-10");
        await clerk.FillAsync("#score-value", "101");
        await clerk.ClickAsync("#save-score");

        Assert.Contains("0–100", await clerk.InnerTextAsync("#score-score-error"), StringComparison.Ordinal);
        Assert.Contains("待考核", await clerk.Locator("#claims tr[data-community='HZ-FXY']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Db.CountAsync("select count(*) from evaluation_score"));
        Assert.Equal(0, await Db.CountAsync("select count(*) from staff_audit where action = '录入考核得分'"));
    }

    private async Task ScoresAsync(params (string Community, string Period, decimal Score)[] scores)
    {
        foreach (var (community, period, score) in scores)
        {
            await using var cmd = Db.DataSource.CreateCommand("insert into evaluation_score (community_code, period, score, source) values (@c, @p::date, @s, 'test')");
            cmd.Parameters.AddWithValue("c", community);
            cmd.Parameters.AddWithValue("p", period);
            cmd.Parameters.AddWithValue("s", score);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The claim from what PostgreSQL holds, by the test's own arithmetic: the district lines' share,
    /// the latest score on or before October, the payout bands of the Heze policy written out here
    /// (≥ 90 all, 80–89 90 %, 60–79 70 %, below 60 nothing), rounded once half away from zero.
    /// </summary>
    private async Task<(decimal Share, decimal Score, decimal Factor, decimal Claim)> ExpectedAsync(string community)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        await using var shareCmd = new Npgsql.NpgsqlCommand("select coalesce(sum(district_amount), 0) from district_invoice_line where community_code = @c and period = '2026-10-01'", connection);
        shareCmd.Parameters.AddWithValue("c", community);
        var share = (decimal)(await shareCmd.ExecuteScalarAsync())!;
        await using var scoreCmd = new Npgsql.NpgsqlCommand("select score from evaluation_score where community_code = @c and period <= '2026-10-01' order by period desc limit 1", connection);
        scoreCmd.Parameters.AddWithValue("c", community);
        var score = (decimal)(await scoreCmd.ExecuteScalarAsync())!;
        var factor = score >= 90m ? 1.00m : score >= 80m ? 0.90m : score >= 60m ? 0.70m : 0m;
        return (share, score, factor, Math.Round(share * factor, 2, MidpointRounding.AwayFromZero));
    }

    private static decimal Parse(string text) => decimal.Parse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture);
}
