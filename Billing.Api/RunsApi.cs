using Hangfire;
using Npgsql;
using NodaTime.Text;
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
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs").RequireAuthorization(Access.FinanceStaff);
        group.MapPost("/", Start);
        group.MapGet("/", List);
        group.MapGet("/{id:long}", Get);
        group.MapPost("/{id:long}/approve", Approve);
        group.MapPost("/{id:long}/cancel", Cancel);
        group.MapPost("/{id:long}/retry", Retry);
        return app;
    }

    private static async Task<IResult> Start(
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

    private static async Task<IResult> List(int? page, int? pageSize, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (ReadApi.Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        var size = pageSize ?? 50;
        var (runs, total) = await new BillingRuns(db).ListAsync(http.User.Grant().Scope, ((page ?? 1) - 1) * size, size, ct);
        return TypedResults.Ok(new Page<object>(runs.Select(Describe).ToList(), page ?? 1, size, total));
    }

    private static async Task<IResult> Get(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        await OwnRunAsync(id, db, http, ct) is { } run ? TypedResults.Ok(Describe(run)) : NotFound(id);

    private static async Task<IResult> Approve(long id, NpgsqlDataSource db, IBackgroundJobClient jobs, NodaTime.IClock clock, HttpContext http, CancellationToken ct)
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

    private static async Task<IResult> Cancel(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
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
    private static async Task<IResult> Retry(long id, NpgsqlDataSource db, IBackgroundJobClient jobs, HttpContext http, CancellationToken ct)
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
    private static async Task<IResult> DryRunAsync(
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
        var result = new List<object>();
        await foreach (var bill in new StoredRegisterBilling(register, rates, subsidies, StatementCalendar.Default, parking).BillAsync(period, only, ct))
        {
            var draft = bill.Succeeded ? CommunityDraft.Of(bill) : null;
            result.Add(new
            {
                community = bill.Community.Code.Value,
                status = draft is null ? "failed" : "drafted",
                households = draft?.Households,
                total = draft?.Total.Yuan,
                totals = draft?.ByKind.Select(t => new { t.Kind, t.Lines, t.Households, amount = t.Amount.Yuan }),
                problems = bill.Problems.Select(p => p.ToString()),
            });
        }

        return TypedResults.Ok(new { period = BillingPeriod.Format(period), dryRun = true, stored = false, communities = result });
    }

    private static async Task<RunView?> OwnRunAsync(long id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        await new BillingRuns(db).GetAsync(id, ct) is { } run && run.OperatorCode == http.User.Grant().Scope ? run : null;

    private static IResult NotFound(long id) =>
        Problems.Field(StatusCodes.Status404NotFound, "Run not found", $"No billing run {id} among yours.", "id");

    private static object Describe(RunView run) => new
    {
        id = run.Id,
        period = BillingPeriod.Format(run.Period),
        run.Status,
        run.Trigger,
        run.RequestedBy,
        startedAt = InstantPattern.General.Format(run.StartedAt),
        draftedAt = run.DraftedAt is { } d ? InstantPattern.General.Format(d) : null,
        run.ApprovedBy,
        approvedAt = run.ApprovedAt is { } a ? InstantPattern.General.Format(a) : null,
        issuedAt = run.IssuedAt is { } i ? InstantPattern.General.Format(i) : null,
        progress = new { done = run.HouseholdsDone, total = run.HouseholdsTotal, pdfs = run.PdfsDone },
        total = run.Total.Yuan,
        communities = run.Communities.Select(c => new
        {
            community = c.Community,
            c.Status,
            progress = new { done = c.HouseholdsDone, total = c.HouseholdsTotal, pdfs = c.PdfsDone },
            timings = c.Timings is { } t
                ? new { computeMs = (int)t.Compute.TotalMilliseconds, storeMs = (int)t.Store.TotalMilliseconds, renderMs = (int)t.Render.TotalMilliseconds }
                : null,
            c.StatementsNew,
            c.StatementsExisting,
            total = c.Total.Yuan,
            totals = c.Totals.Select(t => new { t.Kind, t.Lines, t.Households, amount = t.Amount.Yuan }),
            c.Problem,
            c.Worker,
        }),
    };
}
