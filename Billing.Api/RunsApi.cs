using Hangfire;
using Npgsql;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>Start a month's run for some or all of the operator's communities, or preview it without storing anything.</summary>
public sealed record StartRunRequest(string? Period, IReadOnlyList<string>? Communities, bool DryRun = false);

/// <summary>
/// Billing runs for finance staff: start (or dry-run), follow progress per community, approve,
/// cancel. Runs are the operator's own; another operator's run answers 404.
/// </summary>
public static class RunsApi
{
    public static ApiAudiences MapRunsApi(this ApiAudiences audiences)
    {
        var group = audiences.FinanceStaff.MapGroup("/api/runs");
        group.MapPost("/", Start);
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Get);
        group.MapPost("/{id:long}/approve", Approve);
        group.MapPost("/{id:long}/cancel", Cancel);
        group.MapPost("/{id:long}/retry", Retry);
        return audiences;
    }

    private static async Task<Results<Accepted<RunResponse>, Ok<RunPreviewResponse>, ProblemHttpResult>> Start(
        StartRunRequest? body, NpgsqlDataSource db, RateCatalog rates, SubsidyCatalog subsidies, Core.Parking.ParkingRateBook parking,
        IBackgroundJobClient jobs, HttpContext http, CancellationToken ct)
    {
        if (body is null)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Missing body", "Send {\"period\": \"2026-10\"}, optionally with communities and dryRun.", null);
        }

        if (!ApiInput.TryPeriod(body.Period, out var period, out var problem))
        {
            return problem;
        }

        var communities = body.Communities ?? [];
        for (var i = 0; i < communities.Count; i++)
        {
            if (!CommunityCode.TryParse(communities[i], out _))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Invalid community code", $"'{communities[i]}' is not a community code.", $"communities[{i}]");
            }
        }

        var grant = http.User.Grant();
        if (body.DryRun)
        {
            return await DryRunAsync(period, communities, grant.Scope, db, rates, subsidies, parking, ct);
        }

        RunCreated created;
        try
        {
            created = await new BillingRuns(db).CreateAsync(new RunRequest(period, grant.Scope, communities, grant.Subject, RunTrigger.Api), ct);
        }
        catch (ArgumentException notOurs)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", notOurs.Message, "communities");
        }

        await QueueOrLeaveToSweeperAsync(new BillingRuns(db).QueueAsync(jobs, created.RunId, created.Communities, issue: false, ct));
        return TypedResults.Accepted(ResponseHeaders.EncodeLocation($"/api/runs/{created.RunId}"), Describe((await new BillingRuns(db).GetAsync(created.RunId, ct))!));
    }

    private static async Task<Results<Ok<Page<RunResponse>>, ProblemHttpResult>> List(int? page, int? pageSize, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (ReadApi.Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        var size = pageSize ?? 50;
        var (runs, total) = await new BillingRuns(db).ListAsync(http.User.Grant().Scope, ((page ?? 1) - 1) * size, size, ct);
        return TypedResults.Ok(new Page<RunResponse>(runs.Select(Describe).ToList(), page ?? 1, size, total));
    }

    private static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> Get(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        await OwnRunAsync(id, db, http, ct) is { } run ? TypedResults.Ok(Describe(run)) : NotFound(id);

    private static async Task<Results<Accepted<RunResponse>, ProblemHttpResult>> Approve(long id, NpgsqlDataSource db, IBackgroundJobClient jobs, NodaTime.IClock clock, HttpContext http, CancellationToken ct)
    {
        if (await OwnRunAsync(id, db, http, ct) is null)
        {
            return NotFound(id);
        }

        var runs = new BillingRuns(db, clock);
        try
        {
            var approved = await runs.ApproveAsync(id, http.User.Grant().Subject, ct);
            await QueueOrLeaveToSweeperAsync(runs.QueueAsync(jobs, id, approved, issue: true, ct));
        }
        catch (RunStateException state)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The run cannot be approved", state.Message, "status");
        }

        return TypedResults.Accepted(ResponseHeaders.EncodeLocation($"/api/runs/{id}"), Describe((await runs.GetAsync(id, ct))!));
    }

    /// <summary>
    /// The run is stored (and approved) already; if queueing its jobs fails now, the run's rows stay
    /// unqueued and the sweeper queues them, so the request still succeeded and must not be repeated.
    /// </summary>
    private static async Task QueueOrLeaveToSweeperAsync(Task queueing)
    {
        try
        {
            await queueing;
        }
        catch (Exception e) when (e is Hangfire.BackgroundJobClientException || DatabaseOutage.Is(e))
        {
        }
    }

    private static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> Cancel(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (await OwnRunAsync(id, db, http, ct) is null)
        {
            return NotFound(id);
        }

        var runs = new BillingRuns(db);
        try
        {
            await runs.CancelAsync(id, ct);
        }
        catch (RunStateException state)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The run cannot be cancelled", state.Message, "status");
        }

        return TypedResults.Ok(Describe((await runs.GetAsync(id, ct))!));
    }

    /// <summary>Queues again the communities of an approved run that failed to issue; 409 naming status when the run is not approved.</summary>
    private static async Task<Results<Accepted<RunResponse>, ProblemHttpResult>> Retry(long id, NpgsqlDataSource db, IBackgroundJobClient jobs, HttpContext http, CancellationToken ct)
    {
        if (await OwnRunAsync(id, db, http, ct) is null)
        {
            return NotFound(id);
        }

        var runs = new BillingRuns(db);
        try
        {
            BillingRuns.EnqueueIssues(jobs, id, await runs.RetryAsync(id, ct));
        }
        catch (RunStateException state)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The run cannot be retried", state.Message, "status");
        }

        return TypedResults.Accepted($"/api/runs/{id}", Describe((await runs.GetAsync(id, ct))!));
    }

    /// <summary>What a run would draft, computed now and stored nowhere.</summary>
    private static async Task<Results<Accepted<RunResponse>, Ok<RunPreviewResponse>, ProblemHttpResult>> DryRunAsync(
        NodaTime.YearMonth period, IReadOnlyList<string> communities, string operatorCode, NpgsqlDataSource db,
        RateCatalog rates, SubsidyCatalog subsidies, Core.Parking.ParkingRateBook parking, CancellationToken ct)
    {
        var register = new RegisterStore(db);
        var ours = (await register.CommunitiesAsync(ct)).Where(c => c.OperatorCode == operatorCode).Select(c => c.Code).ToList();
        var unknown = communities.Where(c => !ours.Any(o => o.Value == c)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"Not communities of yours: {string.Join(", ", unknown)}.", "communities");
        }

        var only = communities.Count > 0 ? ours.Where(c => communities.Contains(c.Value)).ToList() : ours;
        var result = new List<RunPreviewCommunity>();
        await foreach (var bill in new StoredRegisterBilling(register, rates, subsidies, StatementCalendar.Default, parking).BillAsync(period, only, ct))
        {
            var draft = bill.Succeeded ? CommunityDraft.Of(bill) : null;
            result.Add(new RunPreviewCommunity(
                bill.Community.Code.Value,
                RunLifecycle.Name(draft is null ? CommunityRunState.Failed : CommunityRunState.Drafted),
                draft?.Households,
                draft?.Total.Yuan,
                draft?.ByKind.Select(LineTotal).ToList(),
                bill.Problems.Select(p => p.ToString()).ToList()));
        }

        return TypedResults.Ok(new RunPreviewResponse(period, DryRun: true, Stored: false, result));
    }

    private static async Task<RunView?> OwnRunAsync(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        await new BillingRuns(db).GetAsync(id, ct) is { } run && run.OperatorCode == http.User.Grant().Scope ? run : null;

    private static ProblemHttpResult NotFound(long id) =>
        Problems.Field(StatusCodes.Status404NotFound, "Run not found", $"No billing run {id} among yours.", "id");

    private static RunResponse Describe(RunView run) => new(
        run.Id,
        run.Period,
        run.Status,
        run.Trigger,
        run.RequestedBy,
        run.StartedAt,
        run.DraftedAt,
        run.ApprovedBy,
        run.ApprovedAt,
        run.IssuedAt,
        new RunProgress(run.HouseholdsDone, run.HouseholdsTotal, run.PdfsDone),
        run.Total.Yuan,
        run.Communities.Select(c => new RunCommunityResponse(
            c.Community,
            c.Status,
            new RunCommunityProgress(c.HouseholdsDone, c.HouseholdsTotal, c.PdfsDone),
            c.Timings is { } t ? new RunTimings((int)t.Compute.TotalMilliseconds, (int)t.Store.TotalMilliseconds, (int)t.Render.TotalMilliseconds) : null,
            c.StatementsNew,
            c.StatementsExisting,
            c.Total.Yuan,
            c.Totals.Select(LineTotal).ToList(),
            c.Problem,
            c.Worker)).ToList());

    private static RunLineTotal LineTotal(DraftLineTotal t) => new(t.Kind, t.Lines, t.Households, t.Amount.Yuan);
}

/// <summary>A billing run: its state, who asked, progress and totals, per community.</summary>
public sealed record RunResponse(
    long Id,
    YearMonth Period,
    string Status,
    string Trigger,
    string RequestedBy,
    Instant StartedAt,
    Instant? DraftedAt,
    string? ApprovedBy,
    Instant? ApprovedAt,
    Instant? IssuedAt,
    RunProgress Progress,
    decimal Total,
    IReadOnlyList<RunCommunityResponse> Communities);

public sealed record RunProgress(int Done, int Total, int Pdfs);

/// <summary><paramref name="Total"/> is null until the community's households are counted.</summary>
public sealed record RunCommunityProgress(int Done, int? Total, int Pdfs);

public sealed record RunTimings(int ComputeMs, int StoreMs, int RenderMs);

public sealed record RunCommunityResponse(
    string Community,
    string Status,
    RunCommunityProgress Progress,
    RunTimings? Timings,
    int StatementsNew,
    int StatementsExisting,
    decimal Total,
    IReadOnlyList<RunLineTotal> Totals,
    string? Problem,
    string? Worker);

/// <summary>A draft's total for one kind of line (fee, subsidy, parking …).</summary>
public sealed record RunLineTotal(string Kind, int Lines, int Households, decimal Amount);

/// <summary>What a run would draft, computed now and stored nowhere.</summary>
public sealed record RunPreviewResponse(YearMonth Period, bool DryRun, bool Stored, IReadOnlyList<RunPreviewCommunity> Communities);

/// <summary>A community's preview; the figures are null when it failed, and the problems say why.</summary>
public sealed record RunPreviewCommunity(
    string Community, string Status, int? Households, decimal? Total, IReadOnlyList<RunLineTotal>? Totals, IReadOnlyList<string> Problems);
