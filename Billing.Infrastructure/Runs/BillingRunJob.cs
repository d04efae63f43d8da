using Hangfire;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Statements;

using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>Which worker process did a piece of work, shown beside each community's progress.</summary>
public sealed record WorkerName(string Value);

/// <summary>
/// The Hangfire jobs of a billing run, one per community and phase. Their arguments are ids and
/// codes, so they are small to store, and each is safe to run again or twice at once: the run's
/// guarded state changes and the statement's unique key, not Hangfire, make the work happen once.
/// </summary>
public sealed class BillingRunJob(
    NpgsqlDataSource dataSource,
    RateCatalog rates,
    SubsidyCatalog subsidies,
    Core.Parking.ParkingRateBook parking,
    StatementPdfRenderer renderer,
    StatementCalendar calendar,
    IClock clock,
    WorkerName worker,
    JobQueue jobs,
    RunLiveness liveness)
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The recurring job of an operator: drafts last month (Asia/Shanghai) for every community, once however often it fires.</summary>
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Scheduled billing run for {0}")]
    public async Task<string> ScheduledAsync(string operatorCode, CancellationToken ct)
    {
        var period = BillingPeriod.LastMonth(clock.GetCurrentInstant());
        var run = await new BillingRuns(dataSource).CreateAsync(new RunRequest(period, operatorCode, null, "schedule", RunTrigger.Schedule), ct);
        if (run.Existing)
        {
            return $"{BillingPeriod.Format(period)}: run {run.RunId} was already scheduled";
        }

        await new BillingRuns(dataSource).QueueAsync(jobs.Client, run.RunId, run.Communities, issue: false, ct);
        return $"{BillingPeriod.Format(period)}: run {run.RunId} drafting {run.Communities.Count} communities";
    }

    /// <summary>
    /// The recurring sweeper: queues again the community work whose worker's heartbeat has stopped,
    /// and the work of runs that were stored but never queued. Any worker may run it.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Sweep billing runs for lost work")]
    public async Task<string> SweepAsync(CancellationToken ct)
    {
        var queued = await new BillingRuns(dataSource).SweepAsync(jobs.Client, liveness.StaleAfter, ct);
        return $"{queued} community jobs queued again";
    }

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Draft run {0}: {1}")]
    public async Task<string> DraftAsync(long runId, string community, CancellationToken ct)
    {
        var scope = new RunScope(runId, community);
        var (period, status, _) = await RunAsync(runId, ct);
        if (status != RunState.Drafting)
        {
            return $"run {runId} is {RunLifecycle.Name(status)}; nothing to draft";
        }

        await using var heartbeat = await RunHeartbeat.StartAsync(dataSource, runId, community, liveness.Heartbeat, ct);
        var bill = await BillAsync(period, community, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await LockRunAsync(connection, tx, scope, ct);
        string outcome;
        if (bill is null || !bill.Succeeded)
        {
            var problem = bill is null ? $"community {community} is not in the register" : string.Join(Environment.NewLine, bill.Problems);
            await ExecuteAsync(connection, tx, scope,
                """
                update billing_run_community set status = @to, problem = @problem, worker = @worker, updated_at = now()
                where run_id = @run and community_code = @c and status = any(@from)
                """, ct, ("problem", problem), To(CommunityRunState.Failed), DraftableFrom);
            outcome = $"{community}: failed: {problem}";
        }
        else
        {
            var draft = CommunityDraft.Of(bill);
            await ExecuteAsync(connection, tx, scope, "delete from billing_run_total where run_id = @run and community_code = @c", ct);
            foreach (var total in draft.ByKind)
            {
                await ExecuteAsync(connection, tx, scope,
                    "insert into billing_run_total (run_id, community_code, kind, lines, households, amount) values (@run, @c, @kind, @lines, @households, @amount)",
                    ct, ("kind", total.Kind), ("lines", total.Lines), ("households", total.Households), ("amount", total.Amount.Yuan));
            }

            await ExecuteAsync(connection, tx, scope,
                """
                update billing_run_community
                set status = @to, draft_fingerprint = @fingerprint, households_total = @households, households_done = @households,
                    problem = null, worker = @worker, updated_at = now()
                where run_id = @run and community_code = @c and status = any(@from)
                """, ct, ("fingerprint", draft.Fingerprint), ("households", draft.Households), To(CommunityRunState.Drafted), DraftableFrom);
            outcome = $"{community}: {draft.Households} statements drafted, {draft.Total.ToFenString()} yuan";
        }

        // The last community to finish moves the run on; the guard makes that happen once.
        await ExecuteAsync(connection, tx, scope,
            """
            update billing_run set status = @to, drafted_at = now()
            where id = @run and status = any(@from)
              and not exists (select 1 from billing_run_community where run_id = @run and status = @pending)
            """, ct, To(RunState.Draft), From(RunState.Draft), ("pending", RunLifecycle.Name(CommunityRunState.Pending)));
        await tx.CommitAsync(ct);
        return outcome;
    }

    [AutomaticRetry(Attempts = 5)]
    [JobDisplayName("Issue run {0}: {1}")]
    public async Task<string> IssueAsync(long runId, string community, CancellationToken ct)
    {
        var scope = new RunScope(runId, community);
        var (period, status, renderPdfs) = await RunAsync(runId, ct);
        if (status != RunState.Approved)
        {
            return $"run {runId} is {RunLifecycle.Name(status)}; nothing to issue";
        }

        var approved = await ApprovedFingerprintAsync(runId, community, RunLifecycle.From(CommunityRunState.Issuing), ct);
        if (approved is null)
        {
            return $"{community}: already issued or not approved";
        }

        await using var heartbeat = await RunHeartbeat.StartAsync(dataSource, runId, community, liveness.Heartbeat, ct);

        // Refusals that no retry can cure end the community's job at once, with the reason on the run.
        var refusal = await MonthOrder.ProblemAsync(dataSource, new CommunityCode(community), period, clock.InZone(Shanghai).GetCurrentDate(), await DraftedCountAsync(runId, community, ct), ct);
        if (refusal is not null)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await ExecuteAsync(connection, null, scope,
                "update billing_run_community set status = 'failed', problem = @problem, worker = @worker, updated_at = now() where run_id = @run and community_code = @c and status in ('drafted', 'issuing')",
                ct, ("problem", (object)refusal));
            return $"{community}: not issued: {refusal}";
        }

        try
        {
            return await IssueApprovedAsync(scope, period, renderPdfs, approved, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Hangfire retries the job; meanwhile the run says what went wrong, so finance staff see
            // a problem rather than a progress bar that does not move. When the retries are spent
            // the problem stays, and the run can be retried or cancelled.
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await ExecuteAsync(connection, null, scope,
                "update billing_run_community set problem = @problem, worker = @worker, updated_at = now() where run_id = @run and community_code = @c and status = 'issuing'",
                CancellationToken.None, ("problem", $"issuing failed: {e.Message}"));
            throw;
        }
    }

    private async Task<string> IssueApprovedAsync(RunScope scope, YearMonth period, bool renderPdfs, string approved, CancellationToken ct)
    {
        var (runId, community) = (scope.RunId, scope.Community);

        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await ExecuteAsync(connection, null, scope,
                "update billing_run_community set status = @to, problem = null, worker = @worker, updated_at = now() where run_id = @run and community_code = @c and status = any(@from)",
                ct, To(CommunityRunState.Issuing), From(CommunityRunState.Issuing));
        }

        var computing = System.Diagnostics.Stopwatch.StartNew();
        var bill = await BillAsync(period, community, ct);
        computing.Stop();
        if (!IsApproved(bill, approved))
        {
            // Issuing something other than what finance staff approved would break the point of approving.
            const string problem = "The register, rates, scores, points or parking changed since this draft was approved, so it was not issued. Draft the month again and approve the new run.";
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await ExecuteAsync(connection, null, scope,
                "update billing_run_community set status = @to, problem = @problem, updated_at = now() where run_id = @run and community_code = @c and status = @issuing",
                ct, ("problem", problem), To(CommunityRunState.Failed), ("issuing", RunLifecycle.Name(CommunityRunState.Issuing)));
            return $"{community}: not issued: {problem}";
        }

        var stored = await new StatementStore(dataSource).StoreAsync(bill, runId, renderPdfs ? renderer : null, ct);

        // The businesses are invoiced for the same leases whose income the pool just shared out.
        var invoices = await new Parking.BusinessInvoiceStore(dataSource).IssueAsync(community, period, parking, Shanghai, ct);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await LockRunAsync(connection, tx, scope, ct);
            // Counted from the statements, not from this attempt: an attempt after a crash finds
            // the first attempt's statements already there, yet they were new in this run.
            await ExecuteAsync(connection, tx, scope,
                """
                update billing_run_community rc
                set status = @to, problem = null, statements_new = mine.n, statements_existing = rc.households_total - mine.n,
                    households_done = rc.households_total, worker = @worker, updated_at = now(),
                    compute_ms = @compute_ms, store_ms = @store_ms, render_ms = @render_ms
                from (select count(*)::int as n from statement where run_id = @run and community_code = @c) mine
                where rc.run_id = @run and rc.community_code = @c and rc.status = any(@from)
                """, ct,
                To(CommunityRunState.Issued),
                From(CommunityRunState.Issued),
                ("compute_ms", (int)computing.ElapsedMilliseconds),
                ("store_ms", (int)stored.Storing.TotalMilliseconds),
                ("render_ms", (int)stored.Rendering.TotalMilliseconds));
            await ExecuteAsync(connection, tx, scope,
                """
                update billing_run set status = @to, issued_at = now()
                where id = @run and status = any(@from)
                  and not exists (select 1 from billing_run_community where run_id = @run and status <> @issued)
                """, ct, To(RunState.Issued), From(RunState.Issued), ("issued", RunLifecycle.Name(CommunityRunState.Issued)));
            await tx.CommitAsync(ct);
        }

        return $"{community}: {stored.Stored} statements issued, {stored.AlreadyIssued} already issued, {stored.Rendered} PDFs drawn; {invoices.Issued} parking invoices issued, {invoices.Existing} already issued";
    }

    /// <summary>
    /// Draws the PDFs of a community's statements that an issued run stored without them (a run
    /// started with its PDFs left for later). The bill is computed again and must still carry the
    /// fingerprint finance staff approved: a PDF drawn from changed data would show something other
    /// than what was charged, so then nothing is drawn and the problem says why.
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Draw PDFs of run {0}: {1}")]
    public async Task<string> RenderAsync(long runId, string community, CancellationToken ct)
    {
        var (period, status, _) = await RunAsync(runId, ct);
        if (status != RunState.Issued)
        {
            return $"run {runId} is {RunLifecycle.Name(status)}; there are no issued statements to draw";
        }

        var approved = await ApprovedFingerprintAsync(runId, community, [CommunityRunState.Issued], ct);
        var bill = await BillAsync(period, community, ct);
        if (approved is null || !IsApproved(bill, approved))
        {
            throw new RunStateException(
                $"{community}: the register, rates, scores, points or parking changed after run {runId} issued its statements, so their PDFs cannot be drawn from today's data. Restore the data the run used, or correct the statements in a later month.");
        }

        return $"{community}: {await new StatementStore(dataSource).RenderAsync(bill, runId, renderer, ct)} PDFs drawn";
    }

    // A draft (or its failure) may be recorded wherever drafting may happen: the states a community can become drafted from.
    private static (string, object) DraftableFrom => From(CommunityRunState.Drafted);

    private static (string, object) To(RunState state) => ("to", RunLifecycle.Name(state));

    private static (string, object) To(CommunityRunState state) => ("to", RunLifecycle.Name(state));

    private static (string, object) From(RunState to) => ("from", RunLifecycle.Names(RunLifecycle.From(to)));

    private static (string, object) From(CommunityRunState to) => ("from", RunLifecycle.Names(RunLifecycle.From(to)));

    private async Task<CommunityBill?> BillAsync(YearMonth period, string community, CancellationToken ct)
    {
        var billing = new StoredRegisterBilling(new RegisterStore(dataSource), rates, subsidies, calendar, parking);
        await foreach (var bill in billing.BillAsync(period, [new CommunityCode(community)], ct))
        {
            return bill;
        }

        return null;
    }

    private async Task<(YearMonth Period, RunState Status, bool RenderPdfs)> RunAsync(long runId, CancellationToken ct)
    {
        var run = await dataSource.QueryRowAsync<RunJobRow>("select period, status, render_pdfs from billing_run where id = @id", new { id = runId }, ct)
            ?? throw new InvalidOperationException($"There is no billing run {runId}.");
        return (run.Period.ToYearMonth(), RunLifecycle.ParseRun(run.Status), run.RenderPdfs);
    }

    private async Task<int?> DraftedCountAsync(long runId, string community, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select households_total from billing_run_community where run_id = @run and community_code = @c");
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("c", community);
        return await cmd.ExecuteScalarAsync(ct) is int n ? n : null;
    }

    /// <summary>The fingerprint finance staff approved for a community, while it is in one of <paramref name="statuses"/>.</summary>
    private async Task<string?> ApprovedFingerprintAsync(long runId, string community, IReadOnlyList<CommunityRunState> statuses, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select draft_fingerprint from billing_run_community where run_id = @run and community_code = @c and status = any(@statuses)");
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("statuses", RunLifecycle.Names(statuses));
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Whether the month computed now is, line for line, what finance staff approved.</summary>
    private static bool IsApproved([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] CommunityBill? bill, string approved) =>
        bill is { Succeeded: true } && CommunityDraft.Of(bill).Fingerprint == approved;

    /// <summary>
    /// Community jobs finishing at the same moment take turns here. Without it each would see the
    /// other still unfinished (neither has committed), and the run would never move on.
    /// </summary>
    private async Task LockRunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RunScope scope, CancellationToken ct) =>
        await ExecuteAsync(connection, tx, scope, "select 1 from billing_run where id = @run for update", ct);

    /// <summary>Runs a statement about one community of a run; @run, @c and @worker are bound for it.</summary>
    private async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, RunScope scope, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.AddWithValue("run", scope.RunId);
        cmd.Parameters.AddWithValue("c", scope.Community);
        cmd.Parameters.AddWithValue("worker", worker.Value);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record RunScope(long RunId, string Community);
}
