using Hangfire;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Runs;

public enum RunTrigger
{
    Schedule,
    Api,
    Command,
}

/// <summary>What finance staff (or the schedule) ask for: a month, for an operator's communities or some of them.</summary>
/// <param name="RenderPdfs">False to store the statements now and draw their PDFs later with the <c>render</c> command.</param>
public sealed record RunRequest(YearMonth Period, string OperatorCode, IReadOnlyCollection<string>? Communities, string RequestedBy, RunTrigger Trigger, bool RenderPdfs = true);

/// <summary>A run and the communities it fans out to; <paramref name="Existing"/> when a schedule firing found its run already made.</summary>
public sealed record RunCreated(long RunId, YearMonth Period, IReadOnlyList<string> Communities, bool Existing);

/// <summary>The run is not in a state that allows what was asked (approving a run still drafting, say): a 409 for the Api.</summary>
public sealed class RunStateException(string message) : Exception(message);

public sealed record RunCommunityView(
    string Community,
    CommunityRunState State,
    int? HouseholdsTotal,
    int HouseholdsDone,
    int StatementsNew,
    int StatementsExisting,
    string? Problem,
    string? Worker,
    IReadOnlyList<DraftLineTotal> Totals,
    int PdfsDone = 0,
    IssueTimings? Timings = null)
{
    /// <summary>The state's name, as stored and shown.</summary>
    public string Status => RunLifecycle.Name(State);

    public Money Total => Money.Sum(Totals.Select(t => t.Amount));
}

/// <summary>How long issuing a community took, by phase (of the attempt that finished it).</summary>
public sealed record IssueTimings(TimeSpan Compute, TimeSpan Store, TimeSpan Render)
{
    public static IssueTimings Sum(IEnumerable<IssueTimings> timings) =>
        timings.Aggregate(new IssueTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), (a, b) => new(a.Compute + b.Compute, a.Store + b.Store, a.Render + b.Render));
}

public sealed record RunView(
    long Id,
    string OperatorCode,
    YearMonth Period,
    RunState State,
    string Trigger,
    string RequestedBy,
    Instant StartedAt,
    Instant? DraftedAt,
    string? ApprovedBy,
    Instant? ApprovedAt,
    Instant? IssuedAt,
    IReadOnlyList<RunCommunityView> Communities)
{
    /// <summary>The state's name, as stored and shown.</summary>
    public string Status => RunLifecycle.Name(State);

    public int HouseholdsTotal => Communities.Sum(c => c.HouseholdsTotal ?? 0);

    public int HouseholdsDone => Communities.Sum(c => c.HouseholdsDone);

    public int PdfsDone => Communities.Sum(c => c.PdfsDone);

    public Money Total => Money.Sum(Communities.Select(c => c.Total));
}

/// <summary>
/// Billing runs in PostgreSQL: draft → approved → issued. The state changes are single guarded
/// UPDATEs, so two workers (or a worker and a clerk) racing on one run cannot both move it.
/// </summary>
/// <param name="clock">When given, approving a month that has not begun in Asia/Shanghai is refused here already; the issue job always checks.</param>
public sealed class BillingRuns(NpgsqlDataSource dataSource, IClock? clock = null)
{
    public async Task<RunCreated> CreateAsync(RunRequest request, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var communities = await CommunitiesAsync(connection, tx, request, ct);

        long? runId;
        await using (var cmd = new NpgsqlCommand(
            """
            insert into billing_run (period, operator_code, status, requested_by, trigger, render_pdfs)
            values (@p, @o, @drafting, @by, @trigger, @render)
            on conflict (operator_code, period) where trigger = 'schedule' do nothing
            returning id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("p", request.Period.OnDayOfMonth(1));
            cmd.Parameters.AddWithValue("o", request.OperatorCode);
            cmd.Parameters.AddWithValue("by", request.RequestedBy);
            cmd.Parameters.AddWithValue("trigger", request.Trigger.ToString().ToLowerInvariant());
            cmd.Parameters.AddWithValue("render", request.RenderPdfs);
            cmd.Parameters.AddWithValue("drafting", RunLifecycle.Name(RunState.Drafting));
            runId = await cmd.ExecuteScalarAsync(ct) as long?;
        }

        if (runId is null)
        {
            await tx.RollbackAsync(ct);
            return await ScheduledRunAsync(request, ct);
        }

        await using (var cmd = new NpgsqlCommand(
            "insert into billing_run_community (run_id, community_code) select @run, unnest(@communities)", connection, tx))
        {
            cmd.Parameters.AddWithValue("run", runId.Value);
            cmd.Parameters.AddWithValue("communities", communities.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new RunCreated(runId.Value, request.Period, communities, false);
    }

    /// <summary>Queues one draft job per community; each is safe to run more than once.</summary>
    public static void EnqueueDrafts(IBackgroundJobClient jobs, long runId, IEnumerable<string> communities)
    {
        foreach (var community in communities)
        {
            jobs.Enqueue<BillingRunJob>(job => job.DraftAsync(runId, community, CancellationToken.None));
        }
    }

    public static void EnqueueIssues(IBackgroundJobClient jobs, long runId, IEnumerable<string> communities)
    {
        foreach (var community in communities)
        {
            jobs.Enqueue<BillingRunJob>(job => job.IssueAsync(runId, community, CancellationToken.None));
        }
    }

    /// <summary>
    /// Finance staff approve what they reviewed. Only a complete draft with no failed community can
    /// be approved; the communities to issue are returned for the caller to queue.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApproveAsync(long runId, string approvedBy, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            """
            update billing_run set status = @to, approved_by = @by, approved_at = now()
            where id = @id and status = any(@from)
              and not exists (select 1 from billing_run_community where run_id = @id and status <> @drafted)
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("id", runId);
            cmd.Parameters.AddWithValue("by", approvedBy);
            Guard(cmd, RunState.Approved);
            cmd.Parameters.AddWithValue("drafted", RunLifecycle.Name(CommunityRunState.Drafted));
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new RunStateException(await WhyNotAsync(connection, tx, runId, RunState.Approved, ct));
            }
        }

        await RefuseOutOfOrderAsync(connection, tx, runId, ct);
        var communities = (await connection.QueryRowsAsync<string>(
            "update billing_run_community set households_done = 0, updated_at = now(), queued_at = null, heartbeat_at = null where run_id = @id returning community_code",
            new { id = runId },
            tx,
            ct)).ToList();
        await tx.CommitAsync(ct);
        communities.Sort(StringComparer.Ordinal);
        return communities;
    }

    /// <summary>
    /// A run that was not approved can be dropped, so that a corrected run replaces it; so can an
    /// approved run that is stuck (a community failed, or its job keeps failing): what it issued stays
    /// issued, the rest is not issued by it, and a new run can bill those communities.
    /// </summary>
    public async Task CancelAsync(long runId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("update billing_run set status = @to where id = @id and status = any(@from)", connection);
        cmd.Parameters.AddWithValue("id", runId);
        Guard(cmd, RunState.Cancelled);
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new RunStateException(await WhyNotAsync(connection, null, runId, RunState.Cancelled, ct));
        }
    }

    /// <summary>
    /// Tries again the communities of an approved run that failed to issue or whose job gave up:
    /// they go back to 'drafted' (the approved fingerprint is kept, so only what was approved can be
    /// issued) and are returned for the caller to queue. A refusal that still holds is reported again.
    /// </summary>
    public async Task<IReadOnlyList<string>> RetryAsync(long runId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand("select status from billing_run where id = @id for update", connection, tx))
        {
            check.Parameters.AddWithValue("id", runId);
            if (await check.ExecuteScalarAsync(ct) is not string stored || RunLifecycle.ParseRun(stored) != RunState.Approved)
            {
                throw new RunStateException($"Run {runId} is not approved: only the failed communities of an approved run can be issued again.");
            }
        }

        var communities = (await connection.QueryRowsAsync<string>(
            """
            update billing_run_community set status = 'drafted', updated_at = now()
            where run_id = @id and status in ('failed', 'issuing', 'drafted') and draft_fingerprint is not null
            returning community_code
            """,
            new { id = runId },
            tx,
            ct)).ToList();
        await tx.CommitAsync(ct);
        communities.Sort(StringComparer.Ordinal);
        return communities;
    }

    /// <summary>Refuses approving a month some community may not issue (see <see cref="MonthOrder"/>), saying which and why.</summary>
    private async Task RefuseOutOfOrderAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        var communities = await connection.QueryRowsAsync<RunCommunityPeriodRow>(
            "select c.community_code, r.period, c.households_total from billing_run_community c join billing_run r on r.id = c.run_id where c.run_id = @id order by 1",
            new { id = runId },
            tx,
            ct);

        var today = clock?.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).GetCurrentDate();
        var problems = new List<string>();
        foreach (var (code, period, households) in communities)
        {
            if (await MonthOrder.ProblemAsync(dataSource, new Core.Register.CommunityCode(code), period.ToYearMonth(), today, households, ct) is { } problem)
            {
                problems.Add(problem);
            }
        }

        if (problems.Count > 0)
        {
            throw new RunStateException($"Run {runId} cannot be approved: {string.Join(" ", problems.Distinct(StringComparer.Ordinal))}");
        }
    }

    /// <summary>
    /// Queues again whatever an interrupted worker left: drafts of runs still drafting, issues of
    /// approved runs. Jobs are idempotent, so queueing work that is also still queued costs a skip.
    /// </summary>
    public async Task<int> ResumeAsync(IBackgroundJobClient jobs, CancellationToken ct = default)
    {
        var work = await dataSource.QueryRowsAsync<RunWorkRow>(
            """
            select r.id as run_id, r.status, c.community_code
            from billing_run r join billing_run_community c on c.run_id = r.id
            where (r.status = 'drafting' and c.status = 'pending')
               or (r.status = 'approved' and c.status in ('drafted', 'issuing'))
            order by r.id, c.community_code
            """,
            ct: ct);
        var queued = 0;
        foreach (var (runId, status, community) in work)
        {
            if (RunLifecycle.ParseRun(status) == RunState.Drafting)
            {
                EnqueueDrafts(jobs, runId, [community]);
            }
            else
            {
                EnqueueIssues(jobs, runId, [community]);
            }

            queued++;
        }

        return queued;
    }

    /// <summary>
    /// Queues the jobs of a run's next step (drafts of a new run, issues of an approved one) and
    /// records that they are queued. The run's rows are the outbox: if queueing fails after the run
    /// was stored, the rows stay unqueued and the sweeper queues them.
    /// </summary>
    public async Task QueueAsync(IBackgroundJobClient jobs, long runId, IReadOnlyCollection<string> communities, bool issue, CancellationToken ct = default)
    {
        if (issue)
        {
            EnqueueIssues(jobs, runId, communities);
        }
        else
        {
            EnqueueDrafts(jobs, runId, communities);
        }

        await using var cmd = dataSource.CreateCommand("update billing_run_community set queued_at = now() where run_id = @run and community_code = any(@c)");
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("c", communities.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Queues the unfinished community work nobody is doing: a job whose heartbeat stopped for
    /// <paramref name="staleAfter"/> (its worker died), or a step never queued that long after it
    /// began (queueing failed after the run was stored or approved). Work waiting in the queue is
    /// left alone. Rows are locked while queued, so two sweepers never queue the same work twice.
    /// </summary>
    public async Task<int> SweepAsync(IBackgroundJobClient jobs, TimeSpan staleAfter, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var lost = await connection.QueryRowsAsync<RunWorkRow>(
            """
            select r.id as run_id, r.status, c.community_code
            from billing_run r join billing_run_community c on c.run_id = r.id
            where ((r.status = 'drafting' and c.status = 'pending') or (r.status = 'approved' and c.status in ('drafted', 'issuing')))
              and ((c.heartbeat_at is not null and c.heartbeat_at < now() - @stale)
                or (c.heartbeat_at is null and c.queued_at is null and c.updated_at < now() - @stale))
            order by r.id, c.community_code
            for update of c skip locked
            """,
            new { stale = staleAfter },
            tx,
            ct);

        foreach (var (runId, status, community) in lost)
        {
            if (RunLifecycle.ParseRun(status) == RunState.Drafting)
            {
                EnqueueDrafts(jobs, runId, [community]);
            }
            else
            {
                EnqueueIssues(jobs, runId, [community]);
            }

            await using var mark = new NpgsqlCommand(
                "update billing_run_community set queued_at = now(), heartbeat_at = null where run_id = @run and community_code = @c", connection, tx);
            mark.Parameters.AddWithValue("run", runId);
            mark.Parameters.AddWithValue("c", community);
            await mark.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return lost.Count;
    }

    public async Task<RunView?> GetAsync(long runId, CancellationToken ct = default)
    {
        var runs = await ReadAsync(new RunSelection(RunId: runId), ct);
        return runs.Count == 1 ? runs[0] : null;
    }

    public async Task<(IReadOnlyList<RunView> Runs, long Total)> ListAsync(string operatorCode, int offset, int limit, CancellationToken ct = default)
    {
        await using var count = dataSource.CreateCommand("select count(*) from billing_run where operator_code = @o");
        count.Parameters.AddWithValue("o", operatorCode);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;
        var runs = await ReadAsync(new RunSelection(OperatorCode: operatorCode, Offset: offset, Limit: limit), ct);
        return (runs, total);
    }

    /// <summary>Polls a run until <paramref name="done"/> holds, reporting each change of progress; throws on timeout.</summary>
    public async Task<RunView> WaitAsync(long runId, Func<RunView, bool> done, TimeSpan timeout, Action<RunView>? progress = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = string.Empty;
        while (true)
        {
            var run = await GetAsync(runId, ct) ?? throw new InvalidOperationException($"There is no billing run {runId}.");
            var now = $"{run.Status} {run.HouseholdsDone}/{run.HouseholdsTotal} {string.Join(',', run.Communities.Select(c => c.Status))}";
            if (now != last)
            {
                progress?.Invoke(run);
                last = now;
            }

            if (done(run))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {runId} is still {run.Status} ({run.HouseholdsDone}/{run.HouseholdsTotal} households) after {timeout}.");
            }

            // A city-size run is read less often: each look reads every community's progress.
            await Task.Delay(run.Communities.Count > 100 ? 1000 : 250, ct);
        }
    }

    /// <summary>A run has finished its draft phase when no community is still pending.</summary>
    public static bool Drafted(RunView run) => RunLifecycle.IsDrafted(run.State);

    /// <summary>The issued runs and communities of a month whose statements still have no PDF, with how many lack one.</summary>
    public async Task<IReadOnlyList<(long RunId, string Community, int Missing)>> UndrawnAsync(YearMonth period, string? operatorCode, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<UndrawnRow>(
            """
            select s.run_id, s.community_code, count(*)::int as missing
            from statement s join billing_run r on r.id = s.run_id
            where s.period = @p and (@o::text is null or r.operator_code = @o)
              and not exists (select 1 from statement_pdf p where p.statement_id = s.id)
            group by s.run_id, s.community_code order by s.run_id, s.community_code
            """,
            new { p = period.OnDayOfMonth(1), o = operatorCode },
            ct);
        return rows.Select(r => (r.RunId, r.CommunityCode, r.Missing)).ToList();
    }

    public static bool Issued(RunView run) => RunLifecycle.IsSettled(run.State, run.Communities.Select(c => c.State));

    /// <summary>One operator's latest runs, newest first (what its finance staff see on the dashboard).</summary>
    public async Task<IReadOnlyList<RunView>> RecentAsync(string operatorCode, int limit, CancellationToken ct = default) =>
        await ReadAsync(new RunSelection(OperatorCode: operatorCode, Limit: limit), ct);

    /// <summary>The latest runs of every operator, newest first (for the command line, which holds the database's own credentials).</summary>
    public async Task<IReadOnlyList<RunView>> RecentAsync(int limit, CancellationToken ct = default) =>
        await ReadAsync(new RunSelection(Limit: limit), ct);

    /// <summary>Operators that have communities to bill: those a schedule or a whole-company run covers.</summary>
    public async Task<IReadOnlyList<string>> OperatorsAsync(CancellationToken ct = default)
    {
        return await dataSource.QueryRowsAsync<string>("select distinct operator_code from community order by 1", ct: ct);
    }

    /// <summary>The runs <paramref name="which"/> selects, newest first, each with its communities and their totals by line kind.</summary>
    private async Task<List<RunView>> ReadAsync(RunSelection which, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var ids = (await connection.QueryRowsAsync<long>(
            """
            select id from billing_run
            where (@runId::bigint is null or id = @runId) and (@operatorCode::text is null or operator_code = @operatorCode)
            order by id desc offset @offset limit @limit
            """,
            new { which.RunId, which.OperatorCode, Offset = which.Offset ?? 0, which.Limit },
            null,
            ct)).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var totals = (await connection.QueryRowsAsync<RunTotalRow>(
                "select t.run_id, t.community_code, t.kind, t.lines, t.households, t.amount from billing_run_total t where t.run_id = any(@ids) order by t.kind",
                new { ids },
                null,
                ct))
            .ToLookup(t => (t.RunId, t.CommunityCode), t => t.ToTotal());

        var communities = (await connection.QueryRowsAsync<RunCommunityRow>(
                """
                select c.run_id, c.community_code, c.status, c.households_total, c.households_done, c.statements_new, c.statements_existing, c.problem, c.worker,
                       c.pdfs_done, c.compute_ms, c.store_ms, c.render_ms
                from billing_run_community c where c.run_id = any(@ids) order by c.community_code
                """,
                new { ids },
                null,
                ct))
            .ToLookup(c => c.RunId, c => c.ToView(totals[(c.RunId, c.CommunityCode)].ToList()));

        var runs = await connection.QueryRowsAsync<RunRow>(
            """
            select r.id, coalesce(r.operator_code, '') as operator_code, r.period, r.status, r.trigger, r.requested_by, r.started_at, r.drafted_at,
                   r.approved_by, r.approved_at, r.issued_at
            from billing_run r where r.id = any(@ids) order by r.id desc
            """,
            new { ids },
            null,
            ct);
        return runs.Select(r => r.ToView(communities[r.Id].ToList())).ToList();
    }

    private async Task<RunCreated> ScheduledRunAsync(RunRequest request, CancellationToken ct)
    {
        var run = await dataSource.QueryRowAsync<ScheduledRunRow>(
            """
            select r.id, array_agg(c.community_code order by c.community_code) as communities
            from billing_run r join billing_run_community c on c.run_id = r.id
            where r.operator_code = @o and r.period = @p and r.trigger = 'schedule'
            group by r.id
            """,
            new { o = request.OperatorCode, p = request.Period.OnDayOfMonth(1) },
            ct)
            ?? throw new InvalidOperationException($"The scheduled run of {request.OperatorCode} for {BillingPeriod.Format(request.Period)} exists but has no communities.");
        return new RunCreated(run.Id, request.Period, run.Communities, true);
    }

    /// <summary>The operator's communities, or the requested ones after checking they are the operator's.</summary>
    private static async Task<List<string>> CommunitiesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RunRequest request, CancellationToken ct)
    {
        var ofOperator = (await connection.QueryRowsAsync<string>(
            "select code from community where operator_code = @o order by code", new { o = request.OperatorCode }, tx, ct)).ToList();

        if (request.Communities is not { Count: > 0 } wanted)
        {
            return ofOperator.Count > 0
                ? ofOperator
                : throw new ArgumentException($"Operator '{request.OperatorCode}' has no communities to bill.");
        }

        var unknown = wanted.Where(c => !ofOperator.Contains(c)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Not communities of operator '{request.OperatorCode}': {string.Join(", ", unknown)}.");
        }

        return wanted.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The update moves the run to <paramref name="to"/> only from a state the lifecycle allows it from.</summary>
    private static void Guard(NpgsqlCommand cmd, RunState to)
    {
        cmd.Parameters.AddWithValue("to", RunLifecycle.Name(to));
        cmd.Parameters.AddWithValue("from", RunLifecycle.Names(RunLifecycle.From(to)));
    }

    /// <summary>Why a guarded update moved nothing, in the lifecycle's words.</summary>
    private static async Task<string> WhyNotAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long runId, RunState wanted, CancellationToken ct)
    {
        var row = await connection.QueryRowAsync<RunStatesRow>(
            """
            select r.status, coalesce(array_agg(c.status order by c.community_code) filter (where c.status is not null), '{}') as community_states,
                   string_agg(c.community_code || ' ' || c.status || coalesce(': ' || c.problem, ''), '; ' order by c.community_code)
                       filter (where c.status <> @drafted) as not_drafted
            from billing_run r left join billing_run_community c on c.run_id = r.id
            where r.id = @id group by r.status
            """,
            new { id = runId, drafted = RunLifecycle.Name(CommunityRunState.Drafted) },
            tx,
            ct);
        if (row is null)
        {
            return $"There is no billing run {runId}.";
        }

        var state = RunLifecycle.ParseRun(row.Status);
        var communities = row.CommunityStates.Select(RunLifecycle.ParseCommunity).ToList();
        var refused = RunLifecycle.Check(runId, state, wanted, communities);
        if (refused is null)
        {
            return $"Run {runId} changed meanwhile; look at it again.";
        }

        return state == RunState.Draft && row.NotDrafted is not null
            ? $"{refused.Reason.TrimEnd('.')} ({row.NotDrafted}). Fix the data and start a new run, or start one without those communities."
            : refused.Reason;
    }
}
