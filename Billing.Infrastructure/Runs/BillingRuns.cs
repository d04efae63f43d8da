using Hangfire;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;

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
        await using (var cmd = new NpgsqlCommand(
            "update billing_run_community set households_done = 0, updated_at = now(), queued_at = null, heartbeat_at = null where run_id = @id returning community_code", connection, tx))
        {
            cmd.Parameters.AddWithValue("id", runId);
            var communities = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    communities.Add(reader.GetString(0));
                }
            }

            await tx.CommitAsync(ct);
            communities.Sort(StringComparer.Ordinal);
            return communities;
        }
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
            if (await check.ExecuteScalarAsync(ct) as string != "approved")
            {
                throw new RunStateException($"Run {runId} is not approved: only the failed communities of an approved run can be issued again.");
            }
        }

        var communities = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            update billing_run_community set status = 'drafted', updated_at = now()
            where run_id = @id and status in ('failed', 'issuing', 'drafted') and draft_fingerprint is not null
            returning community_code
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("id", runId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                communities.Add(reader.GetString(0));
            }
        }

        await tx.CommitAsync(ct);
        communities.Sort(StringComparer.Ordinal);
        return communities;
    }

    /// <summary>Refuses approving a month some community may not issue (see <see cref="MonthOrder"/>), saying which and why.</summary>
    private async Task RefuseOutOfOrderAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        var communities = new List<(string Code, YearMonth Period, int? Households)>();
        await using (var cmd = new NpgsqlCommand(
            "select c.community_code, r.period, c.households_total from billing_run_community c join billing_run r on r.id = c.run_id where c.run_id = @id order by 1",
            connection, tx))
        {
            cmd.Parameters.AddWithValue("id", runId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                communities.Add((reader.GetString(0), reader.GetFieldValue<LocalDate>(1).ToYearMonth(), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
            }
        }

        var today = clock?.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).GetCurrentDate();
        var problems = new List<string>();
        foreach (var (code, period, households) in communities)
        {
            if (await MonthOrder.ProblemAsync(dataSource, new Core.Register.CommunityCode(code), period, today, households, ct) is { } problem)
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
        await using var cmd = dataSource.CreateCommand(
            """
            select r.id, r.status, c.community_code
            from billing_run r join billing_run_community c on c.run_id = r.id
            where (r.status = 'drafting' and c.status = 'pending')
               or (r.status = 'approved' and c.status in ('drafted', 'issuing'))
            order by r.id, c.community_code
            """);
        var queued = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (runId, community) = (reader.GetInt64(0), reader.GetString(2));
            if (RunLifecycle.ParseRun(reader.GetString(1)) == RunState.Drafting)
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
        var lost = new List<(long RunId, string Status, string Community)>();
        await using (var cmd = new NpgsqlCommand(
            """
            select r.id, r.status, c.community_code
            from billing_run r join billing_run_community c on c.run_id = r.id
            where ((r.status = 'drafting' and c.status = 'pending') or (r.status = 'approved' and c.status in ('drafted', 'issuing')))
              and ((c.heartbeat_at is not null and c.heartbeat_at < now() - @stale)
                or (c.heartbeat_at is null and c.queued_at is null and c.updated_at < now() - @stale))
            order by r.id, c.community_code
            for update of c skip locked
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("stale", staleAfter);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lost.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (runId, status, community) in lost)
        {
            if (status == "drafting")
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
        var runs = await ReadAsync("where r.id = @id", p => p.AddWithValue("id", runId), ct);
        return runs.Count == 1 ? runs[0] : null;
    }

    public async Task<(IReadOnlyList<RunView> Runs, long Total)> ListAsync(string operatorCode, int offset, int limit, CancellationToken ct = default)
    {
        await using var count = dataSource.CreateCommand("select count(*) from billing_run where operator_code = @o");
        count.Parameters.AddWithValue("o", operatorCode);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;
        var runs = await ReadAsync(
            "where r.id in (select id from billing_run where operator_code = @o order by id desc offset @offset limit @limit)",
            p =>
            {
                p.AddWithValue("o", operatorCode);
                p.AddWithValue("offset", offset);
                p.AddWithValue("limit", limit);
            },
            ct);
        return (runs.OrderByDescending(r => r.Id).ToList(), total);
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
        await using var cmd = dataSource.CreateCommand(
            """
            select s.run_id, s.community_code, count(*)::int
            from statement s join billing_run r on r.id = s.run_id
            where s.period = @p and (@o::text is null or r.operator_code = @o)
              and not exists (select 1 from statement_pdf p where p.statement_id = s.id)
            group by s.run_id, s.community_code order by s.run_id, s.community_code
            """);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        cmd.Parameters.Add(new NpgsqlParameter("o", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)operatorCode ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(long, string, int)>();
        while (await reader.ReadAsync(ct))
        {
            result.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return result;
    }

    public static bool Issued(RunView run) => RunLifecycle.IsSettled(run.State, run.Communities.Select(c => c.State));

    /// <summary>One operator's latest runs, newest first (what its finance staff see on the dashboard).</summary>
    public async Task<IReadOnlyList<RunView>> RecentAsync(string operatorCode, int limit, CancellationToken ct = default) =>
        (await ReadAsync(
            "where r.id in (select id from billing_run where operator_code = @operator order by id desc limit @limit)",
            p =>
            {
                p.AddWithValue("operator", operatorCode);
                p.AddWithValue("limit", limit);
            },
            ct))
            .OrderByDescending(r => r.Id).ToList();

    /// <summary>The latest runs of every operator, newest first (for the command line, which holds the database's own credentials).</summary>
    public async Task<IReadOnlyList<RunView>> RecentAsync(int limit, CancellationToken ct = default) =>
        (await ReadAsync("where r.id in (select id from billing_run order by id desc limit @limit)", p => p.AddWithValue("limit", limit), ct))
            .OrderByDescending(r => r.Id).ToList();

    /// <summary>Operators that have communities to bill: those a schedule or a whole-company run covers.</summary>
    public async Task<IReadOnlyList<string>> OperatorsAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select distinct operator_code from community order by 1");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private async Task<List<RunView>> ReadAsync(string where, Action<NpgsqlParameterCollection> parameters, CancellationToken ct)
    {
        var totals = new Dictionary<(long, string), List<DraftLineTotal>>();
        await using (var cmd = dataSource.CreateCommand(
            $"select t.run_id, t.community_code, t.kind, t.lines, t.households, t.amount from billing_run_total t join billing_run r on r.id = t.run_id {where} order by t.kind"))
        {
            parameters(cmd.Parameters);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetInt64(0), reader.GetString(1));
                if (!totals.TryGetValue(key, out var list))
                {
                    totals[key] = list = [];
                }

                list.Add(new DraftLineTotal(reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), new Money(reader.GetDecimal(5))));
            }
        }

        var communities = new Dictionary<long, List<RunCommunityView>>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select c.run_id, c.community_code, c.status, c.households_total, c.households_done, c.statements_new, c.statements_existing, c.problem, c.worker,
                   c.pdfs_done, c.compute_ms, c.store_ms, c.render_ms
            from billing_run_community c join billing_run r on r.id = c.run_id {where} order by c.community_code
            """))
        {
            parameters(cmd.Parameters);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var runId = reader.GetInt64(0);
                var code = reader.GetString(1);
                if (!communities.TryGetValue(runId, out var list))
                {
                    communities[runId] = list = [];
                }

                list.Add(new RunCommunityView(
                    code,
                    RunLifecycle.ParseCommunity(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.GetInt32(4),
                    reader.GetInt32(5),
                    reader.GetInt32(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    totals.GetValueOrDefault((runId, code)) ?? [],
                    reader.GetInt32(9),
                    reader.IsDBNull(10) ? null : new IssueTimings(
                        TimeSpan.FromMilliseconds(reader.GetInt32(10)), TimeSpan.FromMilliseconds(reader.GetInt32(11)), TimeSpan.FromMilliseconds(reader.GetInt32(12)))));
            }
        }

        var runs = new List<RunView>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select r.id, coalesce(r.operator_code, ''), r.period, r.status, r.trigger, r.requested_by, r.started_at, r.drafted_at,
                   r.approved_by, r.approved_at, r.issued_at
            from billing_run r {where} order by r.id
            """))
        {
            parameters(cmd.Parameters);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                runs.Add(new RunView(
                    id,
                    reader.GetString(1),
                    reader.GetFieldValue<LocalDate>(2).ToYearMonth(),
                    RunLifecycle.ParseRun(reader.GetString(3)),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetFieldValue<Instant>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetFieldValue<Instant>(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<Instant>(10),
                    communities.GetValueOrDefault(id) ?? []));
            }
        }

        return runs;
    }

    private async Task<RunCreated> ScheduledRunAsync(RunRequest request, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            select r.id, array_agg(c.community_code order by c.community_code)
            from billing_run r join billing_run_community c on c.run_id = r.id
            where r.operator_code = @o and r.period = @p and r.trigger = 'schedule'
            group by r.id
            """);
        cmd.Parameters.AddWithValue("o", request.OperatorCode);
        cmd.Parameters.AddWithValue("p", request.Period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"The scheduled run of {request.OperatorCode} for {BillingPeriod.Format(request.Period)} exists but has no communities.");
        }

        return new RunCreated(reader.GetInt64(0), request.Period, reader.GetFieldValue<string[]>(1), true);
    }

    /// <summary>The operator's communities, or the requested ones after checking they are the operator's.</summary>
    private static async Task<List<string>> CommunitiesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RunRequest request, CancellationToken ct)
    {
        var ofOperator = new List<string>();
        await using (var cmd = new NpgsqlCommand("select code from community where operator_code = @o order by code", connection, tx))
        {
            cmd.Parameters.AddWithValue("o", request.OperatorCode);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ofOperator.Add(reader.GetString(0));
            }
        }

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
        await using var cmd = new NpgsqlCommand(
            """
            select r.status, coalesce(array_agg(c.status order by c.community_code) filter (where c.status is not null), '{}'),
                   string_agg(c.community_code || ' ' || c.status || coalesce(': ' || c.problem, ''), '; ' order by c.community_code)
                       filter (where c.status <> @drafted)
            from billing_run r left join billing_run_community c on c.run_id = r.id
            where r.id = @id group by r.status
            """, connection, tx);
        cmd.Parameters.AddWithValue("id", runId);
        cmd.Parameters.AddWithValue("drafted", RunLifecycle.Name(CommunityRunState.Drafted));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return $"There is no billing run {runId}.";
        }

        var state = RunLifecycle.ParseRun(reader.GetString(0));
        var communities = reader.GetFieldValue<string[]>(1).Select(RunLifecycle.ParseCommunity).ToList();
        var refused = RunLifecycle.Check(runId, state, wanted, communities);
        if (refused is null)
        {
            return $"Run {runId} changed meanwhile; look at it again.";
        }

        return state == RunState.Draft && !reader.IsDBNull(2)
            ? $"{refused.Reason.TrimEnd('.')} ({reader.GetString(2)}). Fix the data and start a new run, or start one without those communities."
            : refused.Reason;
    }
}
