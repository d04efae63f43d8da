using System.Globalization;
using Microsoft.Playwright;
using MiniExcelLibs;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Tests.Web;

/// <summary>The community accounts page (社区账户) in Chromium: entries recorded through the form, read back from PostgreSQL and from the .xlsx.</summary>
public sealed class ConsoleCommunityAccountsTests : ConsoleHost
{
    [Fact]
    public async Task A_clerk_records_a_spending_entry_with_its_voucher_and_it_is_stored_audited_shown_and_exported()
    {
        await StaffAsync();
        var clerk = await SignInAsync("zhidan");
        await clerk.ClickAsync("nav >> text=社区账户");
        await clerk.GotoAsync("/console/community-accounts?community=HZ-FXY&period=2026-10");
        await clerk.SelectOptionAsync("#category", "spending:repairs");
        await clerk.FillAsync("#amount", "1280.50");
        await clerk.FillAsync("#reference", "PZ-2026-10-007");
        await clerk.FillAsync("#description", "更换3号楼单元门禁");
        await clerk.FillAsync("#enteredOn", "2026-10-28");
        await clerk.ClickAsync("#save-entry");
        await clerk.SelectOptionAsync("#category", "income:charging");
        await clerk.FillAsync("#amount", "356.20");
        await clerk.FillAsync("#reference", "PZ-2026-10-008");
        await clerk.FillAsync("#description", "电动车充电桩收入");
        await clerk.FillAsync("#enteredOn", "2026-10-31");
        await clerk.ClickAsync("#save-entry");
        await ScreenshotAsync(clerk, "console-community-accounts");

        Assert.Contains("已登记分录", await clerk.InnerTextAsync("#notice"), StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync(
            """
            select count(*) from community_account_entry where community_code = 'HZ-FXY' and period = '2026-10-01' and direction = 'spending' and category = 'repairs'
              and amount = 1280.50 and reference = 'PZ-2026-10-007' and description = '更换3号楼单元门禁' and entered_on = '2026-10-28' and entered_by like '王制单%'
            """));
        Assert.Equal(1, await Db.CountAsync("select count(*) from community_account_entry where direction = 'income' and category = 'charging' and amount = 356.20 and reference = 'PZ-2026-10-008'"));
        Assert.Equal(2, await Db.CountAsync("select count(*) from staff_audit where user_name = 'zhidan' and action = '登记社区账户分录' and object = '社区账户 HZ-FXY 2026年10月'"));
        var row = clerk.Locator("#entries tr[data-reference='PZ-2026-10-007']");
        Assert.Contains("1,280.50", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("王制单", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1,280.50", (await clerk.InnerTextAsync("#total-spending")).Trim());

        // The balance is income minus spending, each read from what PostgreSQL holds for the month.
        var income = Parse(await clerk.InnerTextAsync("#total-income"));
        Assert.Equal(income - 1280.50m, Parse(await clerk.InnerTextAsync("#balance")));
        Assert.Contains("356.20", await clerk.InnerTextAsync("#income"), StringComparison.Ordinal);

        var (status, xlsx, type) = await DownloadAsync(clerk, "/console/community-accounts?handler=Xlsx&community=HZ-FXY&period=2026-10");
        Assert.Equal(200, status);
        Assert.StartsWith("application/vnd.openxmlformats", type, StringComparison.Ordinal);
        using var stream = new MemoryStream(xlsx);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        var voucher = Assert.Single(rows, r => r["凭证号"]?.ToString() == "PZ-2026-10-007");
        Assert.Equal(1280.50m, Convert.ToDecimal(voucher["金额（元）"], CultureInfo.InvariantCulture));
        Assert.Equal("维修", voucher["项目"]);
        Assert.Equal(income - 1280.50m, Convert.ToDecimal(rows.Single(r => r["项目"]?.ToString() == "本月结余")["金额（元）"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Bad_input_is_shown_beside_each_field_and_nothing_is_stored_and_a_reused_voucher_is_refused()
    {
        await StaffAsync();
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/community-accounts?community=HZ-FXY&period=2026-10");
        await clerk.SelectOptionAsync("#category", "spending:cleaning");
        await clerk.FillAsync("#amount", "12.345");
        await clerk.FillAsync("#reference", "");
        await clerk.FillAsync("#description", "保洁\u202Eexe.jpg");
        var response = await clerk.RunAndWaitForResponseAsync(() => clerk.ClickAsync("#save-entry"), r => r.Request.Method == "POST");
        await ScreenshotAsync(clerk, "console-community-accounts-errors");

        Assert.Equal(400, response.Status);
        Assert.Contains("两位小数", await clerk.InnerTextAsync("#entry-amount-error"), StringComparison.Ordinal);
        Assert.Contains("必填", await clerk.InnerTextAsync("#entry-reference-error"), StringComparison.Ordinal);
        Assert.Contains("U+202E", await clerk.InnerTextAsync("#entry-description-error"), StringComparison.Ordinal);
        Assert.Equal("12.345", await clerk.InputValueAsync("#amount"));
        Assert.Equal(0, await Db.CountAsync("select count(*) from community_account_entry"));
        Assert.Equal(0, await Db.CountAsync("select count(*) from staff_audit where action = '登记社区账户分录'"));

        await clerk.FillAsync("#amount", "80.00");
        await clerk.FillAsync("#reference", "PZ-9");
        await clerk.FillAsync("#description", "保洁用品");
        await clerk.ClickAsync("#save-entry");
        await clerk.SelectOptionAsync("#category", "spending:cleaning");
        await clerk.FillAsync("#amount", "90.00");
        await clerk.FillAsync("#reference", "PZ-9");
        await clerk.FillAsync("#description", "保洁用品");
        await clerk.ClickAsync("#save-entry");

        Assert.Contains("凭证号已用于另一笔", await clerk.InnerTextAsync("#entry-reference-error"), StringComparison.Ordinal);
        Assert.Equal(1, await Db.CountAsync("select count(*) from community_account_entry where reference = 'PZ-9' and amount = 80.00"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from community_account_entry"));
    }

    [Fact]
    public async Task A_cashier_reads_the_accounts_but_has_no_form_and_a_posted_entry_is_refused()
    {
        await StaffAsync();
        var cashier = await SignInAsync("shoufei");
        await cashier.GotoAsync("/console/community-accounts?community=HZ-FXY&period=2026-10");
        var token = await cashier.GetAttributeAsync("input[name=__RequestVerificationToken]", "value");
        var post = await cashier.Context.APIRequest.PostAsync("/console/community-accounts?handler=Entry&community=HZ-FXY&period=2026-10", new APIRequestContextOptions
        {
            Form = cashier.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("category", "spending:repairs")
                .Set("amount", "10.00").Set("reference", "X-1").Set("description", "x"),
        });

        Assert.Equal(0, await cashier.Locator("#entry-form").CountAsync());
        Assert.Equal(403, post.Status);
        Assert.Equal(0, await Db.CountAsync("select count(*) from community_account_entry"));
    }

    [Fact]
    public async Task Another_operators_community_and_space_are_not_found_on_any_of_the_new_pages()
    {
        await using (var cmd = Db.DataSource.CreateCommand("insert into operator (code, name) values ('OTHER', '别家物业')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await using (var cmd = Db.DataSource.CreateCommand("insert into parking_space (community_code, number) values ('HZ-FXY', 'A-001')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await Accounts.CreateAsync(new NewStaffAccount("bieren", "别家制单", StaffScopeKind.Operator, "OTHER", [StaffRole.Clerk, StaffRole.Manager]), Password, new StaffPerson("test", "测试", "OTHER"));
        await AccountAsync("zhidan", "王制单", StaffRole.Clerk);
        var other = await SignInAsync("bieren");
        var own = await SignInAsync("zhidan");

        Assert.Equal(404, (await other.GotoAsync("/console/community-accounts?community=HZ-FXY&period=2026-10"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/console/community-accounts?handler=Xlsx&community=HZ-FXY&period=2026-10"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/console/parking?community=HZ-FXY"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/console/parking/calendar?community=HZ-FXY&space=A-001"))!.Status);
        await other.GotoAsync("/console/subsidies?period=2026-10");
        Assert.DoesNotContain("丰鑫园", await other.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(404, (await own.GotoAsync("/console/parking/calendar?community=HZ-FXY&space=NO-SUCH"))!.Status);
        Assert.Equal(200, (await own.GotoAsync("/console/parking/calendar?community=HZ-FXY&space=A-001"))!.Status);

        // A write aimed at the other operator's community is refused before anything is stored.
        await other.GotoAsync("/console/community-accounts");
        var token = await other.GetAttributeAsync("input[name=__RequestVerificationToken]", "value");
        var post = await other.Context.APIRequest.PostAsync("/console/community-accounts?handler=Entry&community=HZ-FXY&period=2026-10", new APIRequestContextOptions
        {
            Form = other.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("category", "spending:repairs")
                .Set("amount", "10.00").Set("reference", "X-1").Set("description", "x"),
        });
        var lease = await other.Context.APIRequest.PostAsync("/console/parking?handler=Space&community=HZ-FXY", new APIRequestContextOptions
        {
            Form = other.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("number", "B-9"),
        });

        Assert.Equal(404, post.Status);
        Assert.Equal(404, lease.Status);
        Assert.Equal(0, await Db.CountAsync("select count(*) from community_account_entry"));
        Assert.Equal(0, await Db.CountAsync("select count(*) from parking_space where number = 'B-9'"));
    }

    private static decimal Parse(string text) => decimal.Parse(text.Trim(), NumberStyles.Number | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
