using Hangfire;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>
/// The monthly billing run as a Hangfire job. Its only argument is the period ("2026-10"), so it
/// is small to store and safe to run again: the database's unique key, not Hangfire, guarantees
/// one statement per household per month.
/// </summary>
public sealed class MonthlyBillingJob(
    NpgsqlDataSource dataSource,
    RateCatalog rates,
    SubsidyCatalog subsidies,
    Core.Parking.ParkingRateBook parking,
    StatementPdfRenderer renderer,
    StatementCalendar calendar)
{
    public static readonly YearMonthPattern PeriodPattern = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Monthly billing {0}")]
    public async Task<string> RunAsync(string period, CancellationToken ct)
    {
        var month = ParsePeriod(period);
        var billing = new StoredRegisterBilling(new RegisterStore(dataSource), rates, subsidies, calendar, parking);
        var store = new StatementStore(dataSource);
        var runId = await StartRunAsync(month, ct);

        var stored = 0;
        var existing = 0;
        var problems = new List<string>();
        await foreach (var bill in billing.BillAsync(month, null, ct))
        {
            if (!bill.Succeeded)
            {
                problems.AddRange(bill.Problems.Select(p => p.ToString()));
                continue;
            }

            var result = await store.StoreAsync(bill, runId, renderer, ct);
            stored += result.Stored;
            existing += result.AlreadyIssued;
        }

        await FinishRunAsync(runId, stored, existing, problems, ct);
        if (problems.Count > 0)
        {
            // Communities that could be billed are stored; the run is reported failed so that
            // finance staff fix the rate data and run it again (which bills only what is missing).
            throw new InvalidOperationException($"Billing {period} left communities unbilled:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        return $"{period}: {stored} statements issued, {existing} already issued";
    }

    public static YearMonth ParsePeriod(string period)
    {
        var parsed = PeriodPattern.Parse(period);
        return parsed.Success ? parsed.Value : throw new ArgumentException($"'{period}' is not a billing period like 2026-10.", nameof(period));
    }

    private async Task<long> StartRunAsync(YearMonth month, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("insert into billing_run (period) values (@p) returning id");
        cmd.Parameters.AddWithValue("p", month.OnDayOfMonth(1));
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task FinishRunAsync(long runId, int stored, int existing, List<string> problems, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "update billing_run set finished_at = now(), statements_new = @n, statements_existing = @e, problems = @problems where id = @id");
        cmd.Parameters.AddWithValue("id", runId);
        cmd.Parameters.AddWithValue("n", stored);
        cmd.Parameters.AddWithValue("e", existing);
        cmd.Parameters.AddWithValue("problems", problems.Count == 0 ? DBNull.Value : string.Join('\n', problems));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
