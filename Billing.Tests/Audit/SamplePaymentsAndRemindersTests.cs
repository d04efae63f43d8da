using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Audit;

/// <summary>The sample payments pay what the statements ask, and reminders are not sent for a fen.</summary>
public class SamplePaymentsAndRemindersTests
{
    private static readonly LocalDate December20 = new(2026, 12, 20);

    private static async Task<IReadOnlyList<Sourced<PaymentInput>>> ImportSamplePaymentsAsync(TestDatabase db)
    {
        using var reader = RegisterCsv.OpenFile(Path.Combine(SampleRegister.Folder, "payments.csv"));
        var rows = RegisterCsv.ReadPayments("payments.csv", reader, null);
        await new PaymentStore(db.DataSource).RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), "test");
        return rows;
    }

    [Fact]
    public async Task A_sample_payment_near_its_statement_is_the_statement_amount_to_the_fen()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var rows = await ImportSamplePaymentsAsync(db);
        var totals = new Dictionary<string, decimal>();
        await using (var cmd = db.DataSource.CreateCommand("select household_code, total from statement where period = '2026-10-01'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                totals[reader.GetString(0)] = reader.GetDecimal(1);
            }
        }

        // A resident paying "the statement" pays it exactly: never a fen more or less.
        var near = rows.Where(r => totals.TryGetValue(r.Value.Household, out var t) && Math.Abs(r.Value.Amount.Yuan - t) <= 0.05m).ToList();
        Assert.True(near.Count >= 90, $"only {near.Count} sample payments pay about their statement");
        Assert.All(near, r => Assert.Equal(totals[r.Value.Household], r.Value.Amount.Yuan));

        // So no household is left owing less than a yuan.
        var arrears = await new PaymentStore(db.DataSource).ArrearsAsync("HZ-FXY", December20);
        Assert.DoesNotContain(arrears, a => a.Position.Open < new Money(1.00m));
    }

    [Fact]
    public async Task Reminders_go_only_to_households_owing_at_least_the_configured_minimum()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        // HZ-FXY-01-1-101 owes 26.53 (69.81 × 0.48 = 33.51 less 69.81 × 0.10 = 6.98); it pays all but a fen.
        await store.RecordAsync([(new PaymentInput("HZ-FXY-01-1-101", PaymentChannel.Cash, "SJ-1", new Money(26.52m), new LocalDate(2026, 11, 10)), "test", 1)], "test");
        var arrears = await store.ArrearsAsync("HZ-FXY", December20);
        var fen = Assert.Single(arrears, a => a.Household == "HZ-FXY-01-1-101");
        Assert.Equal(0.01m, fen.Aging.Overdue.Yuan);

        var byDefault = PaymentDocuments.ReminderNotices("丰鑫园小区", "天创金源", December20, arrears);
        var configured = PaymentDocuments.ReminderNotices("丰鑫园小区", "天创金源", December20, arrears, ReminderRule.FromSetting("0.01"));

        using var defaultPdf = PdfDocument.Open(byDefault);
        using var configuredPdf = PdfDocument.Open(configured);
        Assert.Equal(arrears.Count - 1, defaultPdf.NumberOfPages);
        Assert.Equal(arrears.Count, configuredPdf.NumberOfPages);
        Assert.DoesNotContain("HZ-FXY-01-1-101", PdfReadBack.TextOf(byDefault), StringComparison.Ordinal);
        Assert.Contains("HZ-FXY-01-1-101", PdfReadBack.TextOf(configured), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReminderRule.FromSetting("0.001"));
    }
}
