using System.Text;
using Microsoft.Playwright;
using RedProperty.Billing.Infrastructure.Excel;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// The imports page takes evaluation scores, shared parking and volunteer points files as CSV or
/// .xlsx: a bad file lists every bad row with its field and stores nothing; a good one is stored.
/// </summary>
public sealed class ConsoleImportsTests : ConsoleHost
{
    [Fact]
    public async Task Scores_files_a_bad_csv_names_each_bad_row_and_stores_nothing_a_good_xlsx_is_stored()
    {
        var clerk = await ClerkAsync();
        const string count = "select count(*) from evaluation_score";
        var before = await Db.CountAsync(count);

        await UploadAsync(clerk, "scores", "scores.csv", Csv("community_code,period,score\nHZ-FXY,2026-13,92\nHZ-SWJSY,2026-10,120\n"));
        await ScreenshotAsync(clerk, "console-import-scores-errors");
        AssertErrors(await ErrorsAsync(clerk), ("scores.csv", "2", "period"), ("scores.csv", "3", "score"));
        Assert.Equal(before, await Db.CountAsync(count));

        await UploadAsync(clerk, "scores", "scores.xlsx",
            Spreadsheets.Write("scores", ["community_code", "period", "score"], [["HZ-FXY", "2026-10", 92m], ["HZ-SWJSY", "2026-10", 85.5m]]));
        Assert.Contains("已导入 scores.xlsx", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(before + 2, await Db.CountAsync(count));
        Assert.Equal(1, await Db.CountAsync("select count(*) from evaluation_score where community_code = 'HZ-FXY' and period = '2026-10-01' and score = 92"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from evaluation_score where community_code = 'HZ-SWJSY' and period = '2026-10-01' and score = 85.5"));
    }

    [Fact]
    public async Task Parking_files_a_bad_csv_names_each_bad_row_and_stores_nothing_a_good_xlsx_is_stored()
    {
        var clerk = await ClerkAsync();
        const string count = "select count(*) from parking_space";
        var before = await Db.CountAsync(count);

        await UploadAsync(clerk, "parking-spaces", "parking_spaces.csv", Csv("community_code,space_number\nHZ-FXY,P-001\nHZ-FXY,\n,P-009\n"));
        await ScreenshotAsync(clerk, "console-import-parking-errors");
        AssertErrors(await ErrorsAsync(clerk), ("parking_spaces.csv", "3", "space_number"), ("parking_spaces.csv", "4", "community_code"));
        Assert.Equal(before, await Db.CountAsync(count));

        await UploadAsync(clerk, "parking-spaces", "parking_spaces.xlsx",
            Spreadsheets.Write("parking_spaces", ["community_code", "space_number"], [["HZ-FXY", "P-001"], ["HZ-FXY", "P-002"], ["HZ-SWJSY", "A-01"]]));
        Assert.Contains("已导入 parking_spaces.xlsx", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(before + 3, await Db.CountAsync(count));
        Assert.Equal(2, await Db.CountAsync("select count(*) from parking_space where community_code = 'HZ-FXY' and number in ('P-001', 'P-002')"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from parking_space where community_code = 'HZ-SWJSY' and number = 'A-01'"));
    }

    [Fact]
    public async Task Points_files_a_bad_csv_names_each_bad_row_and_stores_nothing_a_good_xlsx_is_stored()
    {
        var clerk = await ClerkAsync();
        const string count = "select count(*) from points_entry";
        var before = await Db.CountAsync(count);
        const string header = "reference,household_code,service_code,service_date,confirmed_by\n";

        await UploadAsync(clerk, "points-earned", "points_earned.csv",
            Csv(header + "ZY-001,HZ-FXY-01-1-101,cleanup,2026-10-40,社区网格员\nZY-002,,patrol,2026-10-06,社区网格员\nZY-003,HZ-FXY-01-1-102,patrol,2026-10-06,社区网格员\n"));
        await ScreenshotAsync(clerk, "console-import-points-errors");
        AssertErrors(await ErrorsAsync(clerk), ("points_earned.csv", "2", "service_date"), ("points_earned.csv", "3", "household_code"));
        Assert.Equal(before, await Db.CountAsync(count));

        await UploadAsync(clerk, "points-earned", "points_earned.xlsx",
            Spreadsheets.Write("points_earned", ["reference", "household_code", "service_code", "service_date", "confirmed_by"],
                [["ZY-001", "HZ-FXY-01-1-101", "cleanup", "2026-10-05", "社区网格员"], ["ZY-002", "HZ-FXY-01-1-102", "patrol", "2026-10-06", "社区网格员"]]));
        Assert.Contains("已导入 points_earned.xlsx", await clerk.InnerTextAsync(".notice"), StringComparison.Ordinal);
        await ScreenshotAsync(clerk, "console-import-points");
        Assert.Equal(before + 2, await Db.CountAsync(count));
        // cleanup earns 10 points and patrol 20 in rates/points/tcjy-volunteer.
        Assert.Equal(1, await Db.CountAsync("select count(*) from points_entry where household_code = 'HZ-FXY-01-1-101' and kind = 'earn' and points = 10 and service_code = 'cleanup' and entry_date = '2026-10-05'"));
        Assert.Equal(1, await Db.CountAsync("select count(*) from points_entry where household_code = 'HZ-FXY-01-1-102' and kind = 'earn' and points = 20 and service_code = 'patrol'"));
    }

    [Fact]
    public async Task A_clerk_of_another_operator_cannot_import_scores_parking_or_points_for_this_operators_communities_and_households()
    {
        await using (var cmd = Db.DataSource.CreateCommand("insert into operator (code, name) values ('OTHER', '别家物业')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await Accounts.CreateAsync(
            new Infrastructure.Staff.NewStaffAccount("bieren", "别家制单", Infrastructure.Staff.StaffScopeKind.Operator, "OTHER", [Infrastructure.Staff.StaffRole.Clerk]),
            Password, new Infrastructure.Staff.StaffPerson("test", "测试", "OTHER"));
        var other = await SignInAsync("bieren");
        const string counts = "select (select count(*) from evaluation_score) + (select count(*) from parking_space) + (select count(*) from points_entry)";
        var before = await Db.CountAsync(counts);

        await UploadAsync(other, "scores", "scores.csv", Csv("community_code,period,score\nHZ-FXY,2026-10,92\n"));
        AssertErrors(await ErrorsAsync(other), ("scores.csv", "2", "community_code"));
        await UploadAsync(other, "parking-spaces", "parking_spaces.csv", Csv("community_code,space_number\nHZ-FXY,P-001\n"));
        AssertErrors(await ErrorsAsync(other), ("parking_spaces.csv", "2", "community_code"));
        await UploadAsync(other, "points-earned", "points_earned.csv",
            Csv("reference,household_code,service_code,service_date,confirmed_by\nZY-001,HZ-FXY-01-1-101,cleanup,2026-10-05,社区网格员\n"));
        AssertErrors(await ErrorsAsync(other), ("points_earned.csv", "2", "household_code"));
        Assert.Contains("不属于本公司", await other.InnerTextAsync(".problem"), StringComparison.Ordinal);
        Assert.Equal(before, await Db.CountAsync(counts));
    }

    private async Task<IPage> ClerkAsync()
    {
        await AccountAsync("zhidan", "王制单", Infrastructure.Staff.StaffRole.Clerk);
        return await SignInAsync("zhidan");
    }

    private static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task UploadAsync(IPage page, string kind, string name, byte[] content)
    {
        await page.GotoAsync("/console/imports");
        await page.SelectOptionAsync("#kind", kind);
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = name,
            MimeType = name.EndsWith(".xlsx", StringComparison.Ordinal) ? Spreadsheets.ContentType : "text/csv",
            Buffer = content,
        });
        await page.ClickAsync("#upload");
    }

    /// <summary>The error table's rows as (file, row, field).</summary>
    private static async Task<List<(string File, string Row, string Field)>> ErrorsAsync(IPage page)
    {
        var rows = new List<(string, string, string)>();
        foreach (var tr in await page.Locator(".problem table tbody tr").AllAsync())
        {
            var cells = await tr.Locator("td").AllInnerTextsAsync();
            rows.Add((cells[0].Trim(), cells[1].Trim(), cells[2].Trim()));
        }

        return rows;
    }

    private static void AssertErrors(List<(string File, string Row, string Field)> actual, params (string File, string Row, string Field)[] expected) =>
        Assert.Equal(expected.OrderBy(e => e.Row).ThenBy(e => e.Field), actual.OrderBy(e => e.Row).ThenBy(e => e.Field));
}
