using System.Globalization;
using CsvHelper;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>A month billed on PostgreSQL with the Heze subsidy, then reconciled and claimed as district finance would.</summary>
public class ReconciliationTests
{
    private static readonly YearMonth October = new(2026, 10);

    private static async Task<(TestDatabase Db, SubsidyStore Store)> BilledOctoberAsync()
    {
        var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var policies = RateDirectory.LoadSubsidies(RepositoryPaths.Rates);
        var store = new SubsidyStore(db.DataSource, policies);
        using var reader = RegisterCsv.OpenFile(Path.Combine(SampleRegister.Folder, "scores.csv"));
        await store.RecordScoresAsync(RegisterCsv.ReadScores("scores.csv", reader).Select(r => (r.Value, r.Source, r.Row)).ToList());
        return (db, store);
    }

    [Fact]
    public async Task The_reconciliation_csv_matches_the_database_and_every_check_passes()
    {
        var (db, store) = await BilledOctoberAsync();
        await using var _ = db;

        var rows = await store.ReconcileAsync("开发区", October);
        var csv = ReconciliationReport.Csv(rows);

        using var reader = new CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        var records = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(4, records.Count);
        decimal Sum(string column) => records.Sum(r => decimal.Parse((string)r[column], CultureInfo.InvariantCulture));
        Assert.Equal(await ScalarAsync(db, "select sum(amount) from statement_line where kind = 'property_fee'"), Sum("标准物业费"));
        Assert.Equal(await ScalarAsync(db, "select sum(district_amount) from district_invoice_line"), Sum("区财政承担"));
        Assert.Equal(await ScalarAsync(db, "select sum(total) from statement"), Sum("居民承担"));
        Assert.Equal(304, records.Sum(r => int.Parse((string)r["户数"], CultureInfo.InvariantCulture)));
        Assert.All(records, r => Assert.Equal("通过", r["校验：居民承担+区财政承担=标准物业费"]));
        Assert.All(records, r => Assert.Equal("通过", r["校验：补贴明细与对账单一致"]));
        Assert.All(rows, r => Assert.True(r.AllPassed));
    }

    [Fact]
    public async Task The_score_sets_the_payout_and_the_shortfall_is_the_companys_not_the_residents()
    {
        var (db, store) = await BilledOctoberAsync();
        await using var _ = db;

        var rows = (await store.ReconcileAsync("开发区", October)).ToDictionary(r => r.CommunityCode);

        // 市工会家属院 scored 72 in January: 70%. Its district share is what the 0.10 yuan/m² lines add up to.
        var union = rows["HZ-SGHJSY"];
        Assert.Equal((72m, 0.70m), (union.Score, union.Factor));
        Assert.Equal(await ScalarAsync(db, "select sum(district_amount) from district_invoice_line where community_code = 'HZ-SGHJSY'"), union.DistrictShare.Yuan);
        Assert.Equal(decimal.Round(union.DistrictShare.Yuan * 0.70m, 2, MidpointRounding.AwayFromZero), union.Claim!.Value.Yuan);
        Assert.Equal(union.DistrictShare - union.Claim!.Value, union.Shortfall);

        // 农行家属院 scored 58: nothing is paid, and residents still pay only their share.
        Assert.Equal(0.00m, rows["HZ-NHJSY"].Claim!.Value.Yuan);
        Assert.Equal(rows["HZ-NHJSY"].ResidentShare.Yuan, await ScalarAsync(db, "select sum(total) from statement where community_code = 'HZ-NHJSY'"));

        // 市委家属院 scored 86.5 in January and 91 in July: the latest score counts.
        Assert.Equal((91m, 1.00m), (rows["HZ-SWJSY"].Score, rows["HZ-SWJSY"].Factor));
    }

    [Fact]
    public async Task A_submitted_claim_is_frozen_and_a_correction_goes_into_a_later_claim()
    {
        var (db, store) = await BilledOctoberAsync();
        await using var _ = db;

        var submitted = await store.SubmitClaimAsync("HZ-SGHJSY", October);
        var again = await Assert.ThrowsAsync<ClaimConflictException>(() => store.SubmitClaimAsync("HZ-SGHJSY", October));
        var edit = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("update subsidy_claim set claim_amount = 0 returning 1"));
        var rescore = await Assert.ThrowsAsync<InputRejectedException>(() =>
            store.RecordScoresAsync([(new ScoreRow("HZ-SGHJSY", new YearMonth(2026, 1), 95m), "scores.csv", 2)]));
        var sameMonth = await Assert.ThrowsAsync<ClaimConflictException>(() =>
            store.AdjustAsync("HZ-SGHJSY", October, October, new Money(10m), "复核加分"));

        Assert.Equal("submitted", submitted.Status);
        Assert.Contains("frozen", again.Message, StringComparison.Ordinal);
        Assert.Contains("frozen", edit.MessageText, StringComparison.Ordinal);
        Assert.Equal("score.claim.frozen", Assert.Single(rescore.Errors).Code);
        Assert.Contains("later month", sameMonth.Message, StringComparison.Ordinal);

        // The district re-evaluates: 100% should have been paid. The difference is added to November's claim.
        var difference = submitted.DistrictShare - submitted.Claim!.Value;
        await store.AdjustAsync("HZ-SGHJSY", October, new YearMonth(2026, 11), difference, "复核后得分调整为90分，补足10月差额");
        var november = (await store.ReconcileAsync("开发区", new YearMonth(2026, 11))).Single(r => r.CommunityCode == "HZ-SGHJSY");
        Assert.Equal(difference, november.Adjustments);
        Assert.Equal(1, await db.CountAsync($"select count(*) from subsidy_adjustment where corrects_claim_id = {submitted.Submitted!.Id}"));

        var frozen = (await store.ReconcileAsync("开发区", October)).Single(r => r.CommunityCode == "HZ-SGHJSY");
        Assert.Equal(submitted.Claim, frozen.Claim);
        Assert.True(frozen.AllPassed);
    }

    [Fact]
    public async Task A_claim_needs_a_score()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var store = new SubsidyStore(db.DataSource, RateDirectory.LoadSubsidies(RepositoryPaths.Rates));

        var e = await Assert.ThrowsAsync<ClaimConflictException>(() => store.SubmitClaimAsync("HZ-FXY", October));

        Assert.Contains("no evaluation score", e.Message, StringComparison.Ordinal);
        Assert.Equal("awaiting-score", (await store.ReconcileAsync("开发区", October)).First().Status);
    }

    [Theory]
    [InlineData("HZ-FXY,2026-10,101", 2, "score", "score.range")]
    [InlineData("HZ-FXY,2026-10,-1", 2, "score", "score.range")]
    [InlineData("HZ-FXY,2026-13,90", 2, "period", "score.period.invalid")]
    public void A_score_outside_0_to_100_is_rejected_with_its_row(string row, int line, string field, string code)
    {
        var e = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadScores("scores.csv", new StringReader($"community_code,period,score\n{row}\n")));

        var error = Assert.Single(e.Errors);
        Assert.Equal((line, field, code), (error.Row, error.Field, error.Code));
    }

    [Fact]
    public async Task The_reconciliation_pdf_is_in_Chinese_with_the_figures_and_the_checks()
    {
        var (db, store) = await BilledOctoberAsync();
        await using var _ = db;
        var rows = await store.ReconcileAsync("开发区", October);

        using var pdf = PdfDocument.Open(ReconciliationReport.Pdf("开发区", October, rows));
        var text = PdfReadBack.TextOf(pdf.GetPage(1));

        Assert.Contains("开发区老旧小区物业服务财政补贴对账表（2026年10月）", text, StringComparison.Ordinal);
        Assert.Contains("丰鑫园小区", text, StringComparison.Ordinal);
        Assert.Contains(Money.Sum(rows.Select(r => r.DistrictShare)).ToFenString(), text, StringComparison.Ordinal);
        Assert.Contains("通过", text, StringComparison.Ordinal);
        Assert.DoesNotContain("未通过", text, StringComparison.Ordinal);
    }

    private static async Task<decimal> ScalarAsync(TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }
}
