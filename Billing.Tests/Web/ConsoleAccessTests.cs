using Microsoft.Playwright;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>Who may do what in the console, tried in a real browser.</summary>
public sealed class ConsoleAccessTests : ConsoleHost
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused()
    {
        await StaffAsync();
        var page = await OpenPageAsync();
        await page.GotoAsync("/console/sign-in");
        for (var i = 1; i <= 5; i++)
        {
            await page.FillAsync("#userName", "shoufei");
            await page.FillAsync("#password", $"wrong-password-{i}");
            await page.ClickAsync("button[type=submit]");
            Assert.Contains(i < 5 ? "用户名或密码不正确" : "账号已锁定", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        }

        await page.FillAsync("#userName", "shoufei");
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await ScreenshotAsync(page, "console-sign-in-locked");

        Assert.Contains("账号已锁定", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        Assert.EndsWith("/console/sign-in", page.Url, StringComparison.Ordinal);
        await page.GotoAsync("/console/counter");
        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_account where user_name = 'shoufei' and locked_until > now()"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_audit where user_name = 'shoufei' and action = '账号锁定'"));
    }

    [Fact]
    public async Task An_unknown_user_and_a_wrong_password_get_the_same_answer_and_passwords_are_stored_hashed()
    {
        await StaffAsync();
        var page = await OpenPageAsync();
        await page.GotoAsync("/console/sign-in");
        await ScreenshotAsync(page, "console-sign-in");
        await page.FillAsync("#userName", "nobody");
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        var unknown = await page.InnerTextAsync("[role=alert]");
        await page.FillAsync("#userName", "shoufei");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("button[type=submit]");

        Assert.Equal(unknown, await page.InnerTextAsync("[role=alert]"));
        Assert.Equal(0, await Db.CountAsync($"select count(*) from staff_account where password_hash like '%{Password}%'"));
        Assert.Equal(4, await Db.CountAsync("select count(*) from staff_account where length(password_hash) > 60"));
    }

    [Fact]
    public async Task A_cashier_sees_no_approve_button_and_posting_an_approval_answers_403_while_a_manager_has_the_button()
    {
        await StaffAsync();
        await using var services = SampleRegister.JobServicesWithRepositoryRules(Db);
        var draft = await RunMonth.DraftAsync(services, Db.DataSource, "2026-10", ["HZ-SWJSY"]);
        var cashier = await SignInAsync("shoufei");
        var manager = await SignInAsync("shenhe");

        await cashier.GotoAsync($"/console/runs/{draft.Id}");
        await ScreenshotAsync(cashier, "console-run-cashier");
        var post = await cashier.Context.APIRequest.PostAsync($"/console/runs/{draft.Id}/approve");
        await manager.GotoAsync($"/console/runs/{draft.Id}");

        Assert.Equal(0, await cashier.Locator("#approve").CountAsync());
        Assert.Equal(0, await cashier.Locator("nav >> text=本月出账").CountAsync());
        Assert.Equal(403, post.Status);
        Assert.Equal(403, (await cashier.GotoAsync("/console/month"))!.Status);
        Assert.Equal(1, await manager.Locator("#approve").CountAsync());
        Assert.Equal(1, await Db.CountAsync($"select count(*) from billing_run where id = {draft.Id} and status = 'draft'"));
    }

    [Fact]
    public async Task The_person_who_drafted_a_run_cannot_approve_it_even_holding_both_roles()
    {
        await AccountAsync("liuboth", "刘兼任", StaffRole.Clerk, StaffRole.Manager);
        var both = await SignInAsync("liuboth");
        await both.GotoAsync("/console/month");
        await both.FillAsync("#period", "2026-10");
        await both.CheckAsync("input[value=HZ-SWJSY]");
        await both.ClickAsync("text=生成草稿");
        var runId = long.Parse(both.Url.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);

        // No Hangfire server here: the worker's draft job is run in the test, as a worker would.
        await using var services = SampleRegister.JobServicesWithRepositoryRules(Db);
        await RunMonth.Job(services).DraftAsync(runId, "HZ-SWJSY", CancellationToken.None);
        await both.ReloadAsync();
        await ScreenshotAsync(both, "console-run-drafter");
        var token = await both.GetAttributeAsync("input[name=__RequestVerificationToken]", "value");
        var post = await both.Context.APIRequest.PostAsync($"/console/runs/{runId}/approve", new APIRequestContextOptions
        {
            Form = both.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!),
        });

        Assert.Equal(0, await both.Locator("#approve").CountAsync());
        Assert.Contains("须由另一位审核人员批准", await both.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.True(post.Status is 200 or 302, $"answered {post.Status}");
        Assert.Equal(1, await Db.CountAsync($"select count(*) from billing_run where id = {runId} and status = 'draft' and approved_by is null"));
        // The database refuses it too, whatever path the approval comes by.
        await using var insert = Db.DataSource.CreateCommand($"insert into billing_run_approver (run_id, user_name, display_name) values ({runId}, 'liuboth', '刘兼任')");
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal("23514", refused.SqlState);
    }

    [Fact]
    public async Task Another_operators_household_is_not_found_by_search_page_or_receipt()
    {
        await using (var cmd = Db.DataSource.CreateCommand("insert into operator (code, name) values ('OTHER', '别家物业')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await Accounts.CreateAsync(new NewStaffAccount("bieren", "别家收费", StaffScopeKind.Operator, "OTHER", [StaffRole.Cashier]), Password, new StaffPerson("test", "测试", "OTHER"));
        var other = await SignInAsync("bieren");

        await other.GotoAsync("/console/households?q=HZ-FXY-01-1-101");
        Assert.Contains("没有找到住户", await other.InnerTextAsync("#not-found"), StringComparison.Ordinal);
        await other.GotoAsync("/console/households?q=卢刚");
        Assert.Equal(1, await other.Locator("#not-found").CountAsync());
        Assert.Equal(404, (await other.GotoAsync("/console/households/HZ-FXY-01-1-101"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/console/counter?household=HZ-FXY-01-1-101"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/console/households/HZ-FXY-01-1-101/statements/2026-10.pdf"))!.Status);
    }

    [Fact]
    public async Task A_person_changes_their_password_signs_out_and_only_the_new_one_works_and_an_admin_creates_accounts_and_opens_the_jobs_dashboard()
    {
        await StaffAsync();
        var admin = await SignInAsync("admin");
        await admin.GotoAsync("/console/accounts");
        await admin.FillAsync("#newUserName", "chen");
        await admin.FillAsync("#newDisplayName", "陈收费");
        await admin.FillAsync("#newPassword", "short");
        await admin.CheckAsync("input[name=roles][value=cashier]");
        await admin.ClickAsync("text=创建账号");
        Assert.Contains("密码至少 8 位", await admin.InnerTextAsync(".problem"), StringComparison.Ordinal);
        Assert.Equal(0, await Db.CountAsync("select count(*) from staff_account where user_name = 'chen'"));
        await admin.FillAsync("#newUserName", "chen");
        await admin.FillAsync("#newDisplayName", "陈收费");
        await admin.FillAsync("#newPassword", "first-password-1");
        await admin.CheckAsync("input[name=roles][value=cashier]");
        await admin.ClickAsync("text=创建账号");
        await ScreenshotAsync(admin, "console-accounts");
        Assert.Contains("已创建账号 chen", await admin.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(200, (await admin.GotoAsync("/hangfire"))!.Status);

        var chen = await SignInAsync("chen", "first-password-1");
        await chen.GotoAsync("/console/password");
        await chen.FillAsync("#current", "first-password-1");
        await chen.FillAsync("#next", "second-password-2");
        await chen.ClickAsync("text=保存新密码");
        Assert.Contains("密码已修改", await chen.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(403, (await chen.GotoAsync("/hangfire"))!.Status);
        await chen.GotoAsync("/console");
        await chen.ClickAsync("text=退出");
        Assert.EndsWith("/console/sign-in", chen.Url, StringComparison.Ordinal);
        await chen.FillAsync("#userName", "chen");
        await chen.FillAsync("#password", "first-password-1");
        await chen.ClickAsync("button[type=submit]");
        Assert.Contains("用户名或密码不正确", await chen.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await chen.FillAsync("#userName", "chen");
        await chen.FillAsync("#password", "second-password-2");
        await chen.ClickAsync("button[type=submit]");
        Assert.EndsWith("/console", chen.Url, StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync("select count(*) from staff_audit where user_name = 'admin' and action = '创建账号' and object = '账号 chen'"));
    }
}
