using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Runs;

/// <summary>Issuing stores statements first and draws their PDFs second, now or later.</summary>
public class StatementPdfPhaseTests
{
    [Fact]
    public async Task Issuing_draws_every_PDF_records_how_long_each_phase_took_and_a_PDF_is_never_replaced()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());

        var run = await RunMonth.IssueAsync(services, db.DataSource, "2026-10");

        Assert.Equal("issued", run.Status);
        Assert.Equal(304, run.PdfsDone);
        Assert.All(run.Communities, c =>
        {
            Assert.Equal(c.HouseholdsTotal, c.PdfsDone);
            Assert.NotNull(c.Timings);
            Assert.True(c.Timings!.Render > TimeSpan.Zero, $"{c.Community} drew its PDFs in no time");
        });
        Assert.Equal(304, await db.CountAsync("select count(*) from statement_pdf where pdf_sha256 = encode(sha256(pdf), 'hex')"));
        var update = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("update statement_pdf set pdf = '\\x00' returning 1"));
        Assert.Contains("never edited", update.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statements_stored_with_their_PDFs_left_for_later_are_drawn_once_from_the_approved_figures()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var runs = new BillingRuns(db.DataSource);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", renderPdfs: false);

        var issued = await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);

        // Charged and on the ledger, with no PDF yet.
        Assert.Equal("issued", issued.Status);
        Assert.Equal(304, await db.CountAsync("select count(*) from statement"));
        Assert.Equal(304, await db.CountAsync("select count(*) from ledger_entry where kind = 'charge'"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement_pdf"));
        Assert.Equal(0, issued.PdfsDone);
        Assert.Null(await new StatementStore(db.DataSource).PdfAsync(new HouseholdCode("HZ-FXY-01-1-101"), new YearMonth(2026, 10)));
        var undrawn = await runs.UndrawnAsync(new YearMonth(2026, 10), "TCJY");
        Assert.Equal(["HZ-FXY", "HZ-NHJSY", "HZ-SGHJSY", "HZ-SWJSY"], undrawn.Select(u => u.Community));
        Assert.Equal(304, undrawn.Sum(u => u.Missing));

        var job = RunMonth.Job(services);
        foreach (var (runId, community, _) in undrawn)
        {
            await job.RenderAsync(runId, community, CancellationToken.None);
        }

        var again = await job.RenderAsync(draft.Id, "HZ-FXY", CancellationToken.None);

        Assert.Equal(304, await db.CountAsync("select count(*) from statement_pdf where pdf_sha256 = encode(sha256(pdf), 'hex')"));
        Assert.Empty(await runs.UndrawnAsync(new YearMonth(2026, 10), "TCJY"));
        Assert.Equal("HZ-FXY: 0 PDFs drawn", again);
        Assert.Equal(304, (await runs.GetAsync(draft.Id))!.PdfsDone);
        var pdf = await new StatementStore(db.DataSource).PdfAsync(new HouseholdCode("HZ-FXY-01-1-101"), new YearMonth(2026, 10));
        var text = PdfReadBack.TextOf(pdf!.Content);
        Assert.Contains("69.81m²×0.48元/m²/月×31/31天", text, StringComparison.Ordinal);
        Assert.Contains("¥33.51", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PDFs_left_for_later_are_not_drawn_from_data_that_changed_after_issue()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", renderPdfs: false);
        await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);

        // A move-out recorded after the statements were charged: drawing now would show other figures.
        await db.CountAsync("insert into occupancy (household_code, effective_from, status) values ('HZ-FXY-01-1-101', '2026-10-16', 'not-billed') returning 1");
        var refused = await Assert.ThrowsAsync<RunStateException>(() => RunMonth.Job(services).RenderAsync(draft.Id, "HZ-FXY", CancellationToken.None));
        await RunMonth.Job(services).RenderAsync(draft.Id, "HZ-NHJSY", CancellationToken.None);

        Assert.Contains("changed after run", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement_pdf p join statement s on s.id = p.statement_id where s.community_code = 'HZ-FXY'"));
        Assert.Equal(48, await db.CountAsync("select count(*) from statement_pdf p join statement s on s.id = p.statement_id where s.community_code = 'HZ-NHJSY'"));
    }

    [Fact]
    public async Task A_month_with_a_points_credit_computed_again_gives_the_lines_it_issued_so_its_PDFs_can_be_drawn_later()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var points = new PointsStore(db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates));
        for (var day = 1; day <= 5; day++)
        {
            await points.EarnAsync("HZ-FXY-01-1-101", "mediation", new LocalDate(2026, 10, day), "楼栋长 李建华"); // 5 × 50 points
        }

        await points.RedeemAsync("HZ-FXY-01-1-101", "fee-credit", 200, new LocalDate(2026, 10, 20)); // 20.00 yuan
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", ["HZ-FXY"], renderPdfs: false);
        await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);

        // Issuing used the credit; computing October again must still bill it, not find it spent.
        await RunMonth.Job(services).RenderAsync(draft.Id, "HZ-FXY", CancellationToken.None);

        var pdf = await new StatementStore(db.DataSource).PdfAsync(new HouseholdCode("HZ-FXY-01-1-101"), new YearMonth(2026, 10));
        var text = PdfReadBack.TextOf(pdf!.Content);
        Assert.Contains("-20.00", text, StringComparison.Ordinal);
        Assert.Contains("¥13.51", text, StringComparison.Ordinal);
        Assert.Equal(1, await db.CountAsync("select count(*) from points_credit_application"));
    }
}
