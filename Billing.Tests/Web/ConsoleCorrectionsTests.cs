using Npgsql;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Corrections;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// Corrections in the console: a clerk makes them, those above the operator's threshold (100.00
/// yuan in rates/operators/TCJY.json) wait for a manager who is not the maker, and one in effect
/// is a new line of the next statement while the corrected statement stays as issued.
/// </summary>
public sealed class ConsoleCorrectionsTests : ConsoleHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task Above_the_threshold_a_correction_waits_for_another_managers_approval_below_it_takes_effect_and_the_next_statement_bills_it_as_a_line()
    {
        await StaffAsync();
        await AccountAsync("jianshen", "周兼审", StaffRole.Clerk, StaffRole.Manager);
        var (small, large, own) = ("HZ-FXY-01-1-101", "HZ-FXY-01-1-102", "HZ-FXY-01-1-201");
        var october = new Dictionary<string, string>();
        foreach (var h in new[] { small, large, own })
        {
            october[h] = (string)(await Db.DataSource.CreateCommand($"select statement_no from statement where household_code = '{h}' and period = '2026-10-01'").ExecuteScalarAsync())!;
        }

        var issuedBefore = await IssuedFingerprintAsync();

        // The clerk: 20.00 back is within the threshold and takes effect; 150.00 more waits.
        var clerk = await SignInAsync("zhidan");
        await clerk.GotoAsync("/console/corrections");
        Assert.Equal("100.00", await clerk.InnerTextAsync("#threshold"));
        await MakeAsync(clerk, october[small], "-20.00", "面积登记有误，退还多收");
        Assert.Contains("已生效", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);
        await MakeAsync(clerk, october[large], "150.00", "补收10月车位管理费");
        Assert.Contains("须由另一位审核人批准", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);

        // A bad amount and an unknown statement are named, and nothing is stored.
        await MakeAsync(clerk, "NO-SUCH-STATEMENT", "1.234", "试");
        var problems = await clerk.InnerTextAsync(".problem");
        Assert.Contains("statement", problems, StringComparison.Ordinal);
        Assert.Contains("amount", problems, StringComparison.Ordinal);
        await ScreenshotAsync(clerk, "console-corrections-errors");
        Assert.Equal(2, await Db.CountAsync("select count(*) from correction_request"));

        var smallId = await Db.CountAsync($"select id from correction_request where household_code = '{small}'");
        var largeId = await Db.CountAsync($"select id from correction_request where household_code = '{large}'");
        Assert.Equal("直接生效", await clerk.InnerTextAsync($"#correction-{smallId} .status"));
        Assert.Equal("待审核", await clerk.InnerTextAsync($"#correction-{largeId} .status"));
        Assert.Equal(0, await clerk.Locator("button.approve").CountAsync());

        // A person who is clerk and manager makes one above the threshold: no approve button on it,
        // and the approve handler refuses it (409) even when posted by hand with a valid form token.
        var both = await SignInAsync("jianshen");
        await MakeAsync(both, october[own], "-300.00", "重复收费，全额退还");
        var ownId = await Db.CountAsync($"select id from correction_request where household_code = '{own}'");
        Assert.Equal(0, await both.Locator($"#correction-{ownId} button.approve").CountAsync());
        Assert.Equal(1, await both.Locator($"#correction-{largeId} button.approve").CountAsync());
        Assert.Contains("本人制单", await both.InnerTextAsync($"#correction-{ownId}"), StringComparison.Ordinal);
        var status = await both.EvaluateAsync<int>(
            """
            async id => {
                const form = new FormData();
                form.append('__RequestVerificationToken', document.querySelector('input[name=__RequestVerificationToken]').value);
                form.append('id', id);
                const response = await fetch('/console/corrections?handler=Approve', { method: 'POST', body: form });
                return response.status;
            }
            """, ownId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(409, status);
        await Assert.ThrowsAsync<CorrectionRefusedException>(() =>
            new CorrectionStore(Db.DataSource).DecideAsync("TCJY", ownId, true, null, new StaffPerson("jianshen", "周兼审", "TCJY")));
        // The database itself refuses the maker's own decision.
        var refused = await Assert.ThrowsAsync<PostgresException>(async () => await Db.DataSource.CreateCommand(
            $"insert into correction_decision (request_id, decision, decided_by, decided_by_name) values ({ownId}, 'rejected', 'jianshen', '周兼审')").ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);

        // A cashier may not open the page at all.
        var cashier = await SignInAsync("shoufei");
        Assert.Equal(403, (await cashier.GotoAsync("/console/corrections"))!.Status);

        // The manager approves the 150.00 and rejects the 300.00 credit.
        var manager = await SignInAsync("shenhe");
        await manager.GotoAsync("/console/corrections");
        await ScreenshotAsync(manager, "console-corrections-pending");
        await manager.ClickAsync($"#correction-{largeId} button.approve");
        Assert.Contains($"已批准更正 {largeId}", await manager.InnerTextAsync(".notice"), StringComparison.Ordinal);
        await manager.FillAsync($"#correction-{ownId} input[name=note]", "请先核对缴费记录");
        await manager.ClickAsync($"#correction-{ownId} button.reject");
        Assert.Equal("已退回", await manager.InnerTextAsync($"#correction-{ownId} .status"));

        // Read back: what was asked, what was decided, by whom, and which became adjustments.
        Assert.Equal(1, await Db.CountAsync(
            $"""
            select count(*) from correction_request r join correction_decision d on d.request_id = r.id join statement_adjustment a on a.id = d.adjustment_id
            where r.id = {smallId} and r.amount = -20.00 and r.approval_above = 100.00 and not r.needs_approval and r.made_by = 'zhidan'
              and d.decision = 'direct' and d.decided_by = 'zhidan' and a.amount = -20.00 and a.household_code = '{small}'
            """));
        Assert.Equal(1, await Db.CountAsync(
            $"""
            select count(*) from correction_request r join correction_decision d on d.request_id = r.id join statement_adjustment a on a.id = d.adjustment_id
            where r.id = {largeId} and r.amount = 150.00 and r.needs_approval and r.made_by = 'zhidan'
              and d.decision = 'approved' and d.decided_by = 'shenhe' and a.amount = 150.00 and a.household_code = '{large}' and a.recorded_by like '%shenhe%'
            """));
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from correction_decision where request_id = {ownId} and decision = 'rejected' and decided_by = 'shenhe' and adjustment_id is null and note = '请先核对缴费记录'"));
        Assert.Equal(0, await Db.CountAsync($"select count(*) from statement_adjustment where household_code = '{own}'"));

        // The issued October statements are exactly as they were.
        Assert.Equal(issuedBefore, await IssuedFingerprintAsync());

        // November is billed: the two corrections in effect are new lines naming the October statements; the rejected one is not.
        await using (var services = BillingHangfire.JobServices(Db.DataSource, SampleRegister.Rates(), RateDirectory.LoadSubsidies(RepositoryPaths.Rates)))
        {
            await RunMonth.IssueAsync(services, Db.DataSource, "2026-11", ["HZ-FXY"]);
        }

        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from statement s join statement_line l on l.statement_id = s.id where s.household_code = '{small}' and s.period = '2026-11-01' and l.kind = 'adjustment' and l.amount = -20.00 and l.label || coalesce(l.formula, '') like '%{october[small]}%'"));
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from statement s join statement_line l on l.statement_id = s.id where s.household_code = '{large}' and s.period = '2026-11-01' and l.kind = 'adjustment' and l.amount = 150.00"));
        Assert.Equal(0, await Db.CountAsync(
            $"select count(*) from statement s join statement_line l on l.statement_id = s.id where s.household_code = '{own}' and s.period = '2026-11-01' and l.kind = 'adjustment'"));

        // The page says on which statement each was billed.
        await manager.GotoAsync("/console/corrections");
        var november = (string)(await Db.DataSource.CreateCommand($"select statement_no from statement where household_code = '{large}' and period = '2026-11-01'").ExecuteScalarAsync())!;
        Assert.Contains(november, await manager.InnerTextAsync($"#correction-{largeId}"), StringComparison.Ordinal);
        await ScreenshotAsync(manager, "console-corrections");

        // The audit trail names the maker and the approver.
        await manager.GotoAsync("/console/audit");
        var audit = await manager.InnerTextAsync("table");
        Assert.Contains("更正制单", audit, StringComparison.Ordinal);
        Assert.Contains("批准更正", audit, StringComparison.Ordinal);
        Assert.Contains("退回更正", audit, StringComparison.Ordinal);
    }

    private static async Task MakeAsync(Microsoft.Playwright.IPage page, string statement, string amount, string reason)
    {
        await page.GotoAsync("/console/corrections");
        await page.FillAsync("#statement", statement);
        await page.FillAsync("#amount", amount);
        await page.FillAsync("#reason", reason);
        await page.ClickAsync("#make");
    }

    /// <summary>Every issued statement's number, total and lines, as one text: equal before and after means nothing issued was edited.</summary>
    private async Task<string> IssuedFingerprintAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand(
            """
            select string_agg(s.statement_no || ':' || s.total || ':' || (select string_agg(l.line_no || l.kind || l.amount, ',' order by l.line_no) from statement_line l where l.statement_id = s.id), ';' order by s.id)
            from statement s
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
