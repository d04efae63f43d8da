using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Corrections;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Corrections;

/// <summary>
/// Corrections on PostgreSQL, from October 2026 as issued in the Heze sample. Household
/// HZ-FXY-01-1-101 (69.81 m², 2 stars) is billed 69.81 × 0.48 = 33.51 a month, of which the
/// district pays 69.81 × 0.10 = 6.98, so 26.53 a month is the resident's.
/// </summary>
public class AdjustmentStoreTests
{
    private const string Household = "HZ-FXY-01-1-101";
    private const string October = "202610-HZ-FXY-01-1-101";
    private static readonly string[] Fxy = ["HZ-FXY"];

    // The same rules the October seed was issued with, so a rerun of October would compute the same statements.
    private static Microsoft.Extensions.DependencyInjection.ServiceProvider Services(TestDatabase db) =>
        BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), RateDirectory.LoadSubsidies(RepositoryPaths.Rates));

    private static Task<RecordedAdjustment> RecordAsync(TestDatabase db, decimal amount, string reason = "10月面积录入有误，多收10.00元", string? key = null) =>
        new AdjustmentStore(db.DataSource).RecordAsync(new AdjustmentInput(October, new Money(amount), reason, "财务 王芳", key));

    private static async Task<List<(string Kind, decimal Amount, string Formula)>> LinesAsync(TestDatabase db, string period)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select l.kind, l.amount, l.formula from statement_line l join statement s on s.id = l.statement_id where s.household_code = @h and s.period = @p::date order by l.line_no");
        cmd.Parameters.AddWithValue("h", Household);
        cmd.Parameters.AddWithValue("p", period + "-01");
        await using var reader = await cmd.ExecuteReaderAsync();
        var lines = new List<(string, decimal, string)>();
        while (await reader.ReadAsync())
        {
            lines.Add((reader.GetString(0), reader.GetDecimal(1), reader.GetString(2)));
        }

        return lines;
    }

    private static async Task<T> ScalarAsync<T>(TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<StoredPdf> PdfAsync(TestDatabase db, int month) =>
        (await new StatementStore(db.DataSource).PdfAsync(new HouseholdCode(Household), new YearMonth(2026, month)))!;

    private static Task<decimal> TotalAsync(TestDatabase db, string period) =>
        ScalarAsync<decimal>(db, $"select total from statement where household_code = '{Household}' and period = '{period}-01'");

    [Fact]
    public async Task A_credit_recorded_against_October_is_a_line_of_November_naming_October_and_October_is_unchanged()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var octoberPdf = await PdfAsync(db, 10);

        var recorded = await RecordAsync(db, -10.00m);
        await using var services = Services(db);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);

        // 33.51 − 6.98 − 10.00 = 16.53
        var lines = await LinesAsync(db, "2026-11");
        Assert.Equal([("property_fee", 33.51m), ("subsidy", -6.98m), ("adjustment", -10.00m)], lines.Select(l => (l.Kind, l.Amount)));
        Assert.Equal($"更正对账单 {October}：10月面积录入有误，多收10.00元", lines[2].Formula);
        Assert.Equal(16.53m, await TotalAsync(db, "2026-11"));
        Assert.Equal(26.53m, await TotalAsync(db, "2026-10"));
        var octoberAfter = await PdfAsync(db, 10);
        Assert.Equal(octoberPdf.Sha256, octoberAfter.Sha256);
        Assert.Equal(octoberPdf.Content, octoberAfter.Content);
        Assert.Equal(26.53m, await ScalarAsync<decimal>(db, $"select sum(amount) from statement_line l join statement s on s.id = l.statement_id where s.statement_no = '{October}'"));
        Assert.Equal(1, await db.CountAsync("select count(*) from statement_line where kind = 'adjustment'"));

        // The ledger charges November's total, correction included.
        Assert.Equal(16.53m, await ScalarAsync<decimal>(db, $"select e.amount from ledger_entry e join statement s on s.id = e.statement_id where s.statement_no = '202611-{Household}'"));
        var view = Assert.Single(await new AdjustmentStore(db.DataSource).ForHouseholdAsync(Household));
        Assert.Equal((recorded.Adjustment.Id, -10.00m, 0.00m), (view.Id, view.Applied.Yuan, view.Pending.Yuan));
        Assert.Equal("202611-" + Household, Assert.Single(view.Applications).StatementNo);
    }

    [Fact]
    public async Task Billing_November_again_applies_nothing_twice_and_December_has_nothing_left_to_apply()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await RecordAsync(db, -10.00m);
        await using var services = Services(db);

        await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        var again = await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-12", Fxy);

        Assert.Equal("issued", again.Status);
        Assert.Equal(0, again.Communities.Single().StatementsNew);
        Assert.Equal(1, await db.CountAsync("select count(*) from statement_adjustment_application"));
        Assert.Equal(-10.00m, await ScalarAsync<decimal>(db, "select sum(amount) from statement_adjustment_application"));
        Assert.Equal(26.53m, await TotalAsync(db, "2026-12"));
        Assert.DoesNotContain(await LinesAsync(db, "2026-12"), l => l.Kind == "adjustment");
    }

    [Fact]
    public async Task A_credit_larger_than_a_month_is_clamped_to_its_total_and_the_rest_is_billed_in_December()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await RecordAsync(db, -40.00m, "10月重复收费");
        await using var services = Services(db);

        await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-12", Fxy);

        // November: 26.53 of the 40.00, leaving 13.47; December: 26.53 − 13.47 = 13.06.
        var november = (await LinesAsync(db, "2026-11")).Single(l => l.Kind == "adjustment");
        var december = (await LinesAsync(db, "2026-12")).Single(l => l.Kind == "adjustment");
        Assert.Equal(-26.53m, november.Amount);
        Assert.Equal($"更正对账单 {October}：10月重复收费（共退 40.00 元，本期抵扣 26.53 元，余 13.47 元下月继续抵扣）", november.Formula);
        Assert.Equal(0.00m, await TotalAsync(db, "2026-11"));
        Assert.Equal(-13.47m, december.Amount);
        Assert.Equal($"更正对账单 {October}：10月重复收费（共退 40.00 元，此前已抵扣 26.53 元，本期抵扣 13.47 元）", december.Formula);
        Assert.Equal(13.06m, await TotalAsync(db, "2026-12"));
        Assert.Equal(-40.00m, await ScalarAsync<decimal>(db, "select sum(amount) from statement_adjustment_application"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where total < 0"));
    }

    [Fact]
    public async Task The_statement_PDF_shows_the_correction_and_the_statement_it_corrects()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await RecordAsync(db, -10.00m);
        await using var services = Services(db);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);

        var pdf = await PdfAsync(db, 11);
        var text = PdfReadBack.TextOf(pdf.Content);

        Assert.Contains($"更正更正对账单{October}：10月面积录入有误，多收10.00元-10.00", text, StringComparison.Ordinal);
        Assert.Contains("依据：财务更正记录（四舍五入到分）", text, StringComparison.Ordinal);
        Assert.DoesNotContain("adjustment#", text, StringComparison.Ordinal);
        Assert.Contains("本期费用合计16.53", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_correction_recorded_after_approval_stops_the_community_from_being_issued_until_drafted_again()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await using var services = Services(db);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-11", Fxy);

        await RecordAsync(db, -10.00m);
        var refused = await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);

        var community = refused.Communities.Single();
        Assert.Equal("failed", community.Status);
        Assert.Contains("changed since this draft was approved", community.Problem, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where period = '2026-11-01'"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement_adjustment_application"));

        var redrafted = await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        Assert.Equal("issued", redrafted.Status);
        Assert.Equal(16.53m, await TotalAsync(db, "2026-11"));
    }

    [Fact]
    public async Task A_correction_recorded_after_November_was_issued_waits_for_December_and_November_still_draws_its_PDFs()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await using var services = Services(db);
        var november = await RunMonth.DraftAsync(services, db.DataSource, "2026-11", Fxy, renderPdfs: false);
        await RunMonth.ApproveAndIssueAsync(services, db.DataSource, november.Id);

        // Recorded between storing November's statements and drawing their PDFs: November is final.
        await RecordAsync(db, -10.00m);
        var drawn = await RunMonth.Job(services).RenderAsync(november.Id, "HZ-FXY", CancellationToken.None);
        var rerun = await RunMonth.DraftAsync(services, db.DataSource, "2026-11", Fxy);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-12", Fxy);

        Assert.StartsWith("HZ-FXY: 1", drawn, StringComparison.Ordinal);
        Assert.Equal(26.53m, await TotalAsync(db, "2026-11"));
        Assert.DoesNotContain(rerun.Communities.Single().Totals, t => t.Kind == "adjustment");
        Assert.Equal(16.53m, await TotalAsync(db, "2026-12"));
        Assert.Equal("202612-" + Household, (await ScalarAsync<string>(db,
            "select s.statement_no from statement_adjustment_application x join statement s on s.id = x.statement_id")));
    }

    [Fact]
    public async Task The_same_key_records_once_and_the_same_key_with_another_amount_is_refused()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);

        var first = await RecordAsync(db, -10.00m, key: "req-1");
        var again = await RecordAsync(db, -10.00m, key: "req-1");
        var conflict = await Assert.ThrowsAsync<AdjustmentConflictException>(() => RecordAsync(db, -12.00m, key: "req-1"));
        var withoutKey = await RecordAsync(db, -10.00m);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Adjustment.Id, again.Adjustment.Id);
        Assert.Contains($"adjustment {first.Adjustment.Id}", conflict.Message, StringComparison.Ordinal);
        Assert.NotEqual(first.Adjustment.Id, withoutKey.Adjustment.Id);
        Assert.Equal(2, await db.CountAsync("select count(*) from statement_adjustment"));
    }

    [Theory]
    [InlineData("209901-HZ-FXY-01-1-101", "-10.00", "面积录入有误", "财务 王芳", "statement")]
    [InlineData(October, "0", "面积录入有误", "财务 王芳", "amount")]
    [InlineData(October, "-1.234", "面积录入有误", "财务 王芳", "amount")]
    [InlineData(October, "-10.00", " ", "财务 王芳", "reason")]
    [InlineData(October, "-10.00", "面积录入有误", " ", "recordedBy")]
    public async Task A_correction_that_cannot_be_recorded_names_the_field_and_stores_nothing(string statement, string amount, string reason, string by, string field)
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);

        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => new AdjustmentStore(db.DataSource).RecordAsync(
            new AdjustmentInput(statement, new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), reason, by)));

        Assert.Equal(field, Assert.Single(rejected.Errors).Field);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement_adjustment"));
    }

    [Theory]
    [InlineData("update statement_adjustment set amount = -1")]
    [InlineData("delete from statement_adjustment")]
    [InlineData("update statement_adjustment_application set amount = -1")]
    [InlineData("delete from statement_adjustment_application")]
    public async Task Corrections_and_where_they_were_billed_are_never_edited(string sql)
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await RecordAsync(db, -10.00m);
        await using (var services = Services(db))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.DataSource.CreateCommand(sql).ExecuteNonQueryAsync());

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_refuses_a_correction_for_another_household_than_the_statements()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.DataSource.CreateCommand(
            $"""
            insert into statement_adjustment (household_code, corrects_statement_id, amount, reason, recorded_by)
            select 'HZ-FXY-01-1-102', id, -1.00, 'x', 'y' from statement where statement_no = '{October}'
            """).ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
    }

    [Fact]
    public async Task The_database_refuses_to_apply_a_correction_beyond_its_amount()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var adjustment = (await RecordAsync(db, -10.00m)).Adjustment.Id;
        await using (var services = Services(db))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-11", Fxy);
        }

        // November's line is applied; pretend December's first line applies the same −10.00 again.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var line = new NpgsqlCommand(
            $"""
            insert into statement (statement_no, household_code, community_code, period, issue_date, due_date, total)
            values ('202612-{Household}', '{Household}', 'HZ-FXY', '2026-12-01', '2027-01-01', '2027-01-16', 0);
            insert into statement_line (statement_id, line_no, kind, label, formula, rate_version, amount)
            select id, 1, 'adjustment', '更正', 'x', 'adjustment #{adjustment}', -10.00 from statement where statement_no = '202612-{Household}';
            """, connection, tx))
        {
            await line.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(
            $"insert into statement_adjustment_application select {adjustment}, id, 1, -10.00 from statement where statement_no = '202612-{Household}'",
            connection, tx).ExecuteNonQueryAsync());

        Assert.Contains("would exceed it", refused.MessageText, StringComparison.Ordinal);
    }
}
