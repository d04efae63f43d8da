using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure.Parking;

using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Api;

/// <summary>Shared parking for finance staff: spaces, permits, businesses, released windows, leases and the occupancy of a day.</summary>
public static class ParkingApi
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static ApiAudiences MapParkingApi(this ApiAudiences audiences)
    {
        var group = audiences.FinanceStaff.MapGroup("/api");
        group.MapPost("/communities/{community}/parking/spaces", AddSpace);
        group.MapPost("/communities/{community}/parking/spaces/{number}/permits", AddPermit);
        group.MapPost("/communities/{community}/parking/spaces/{number}/releases", Release);
        group.MapPost("/communities/{community}/parking/spaces/{number}/leases", Lease);
        group.MapPost("/businesses", AddBusiness);
        group.MapGet("/communities/{community}/parking/occupancy/{date}", Occupancy);
        return audiences;
    }

    public sealed record SpaceRequest(string? Number);

    public sealed record PermitRequest(string? Household, string? From, string? To);

    /// <param name="Month">Release (or lease) the working-day daytime of a whole month, e.g. "2026-10"; or give <paramref name="Day"/> for one day.</param>
    /// <param name="Weekdays">With a month: a recurring window on these weekdays ("mon"…"sun") from <paramref name="From"/> to <paramref name="To"/> instead of working-day daytime.</param>
    /// <param name="From">With a month and weekdays, or with a day: the window's start, e.g. "09:00".</param>
    /// <param name="SkipHolidays">For a recurring window: leave out public holidays in the holiday calendar (default true).</param>
    public sealed record WindowRequest(string? Month, string? Day, string? By, long? Business, IReadOnlyList<string>? Weekdays = null, string? From = null, string? To = null, bool? SkipHolidays = null)
    {
        /// <summary>A window the holder chose rather than the standard daytime of the parking prices.</summary>
        public bool Custom => Weekdays is not null || From is not null || To is not null;
    }

    public sealed record BusinessRequest(string? Name, string? Contact, string? CreditCode);

    public sealed record SpaceCreated(long Id, string Number);

    public sealed record PermitCreated(long Id);

    public sealed record BusinessCreated(long Id, string CreditCode);

    /// <summary>How many windows were released, priced by which parking rates version.</summary>
    public sealed record WindowsReleased(int Windows, string VersionId);

    /// <param name="Kind">"monthly" (the standard daytime of a month), "recurring" (a window the holder chose) or "one-off" (a day).</param>
    public sealed record LeaseCreated(long Id, string Kind, int Windows);

    private static async Task<Results<Created<SpaceCreated>, ProblemHttpResult>> AddSpace(string community, SpaceRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Number))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Space number required", "Give the space's number, e.g. A-017.", "number");
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        var id = await new LeaseStore(db).AddSpaceAsync(community, body.Number, ct);
        return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/parking/spaces/{body.Number}"), new SpaceCreated(id, body.Number));
    }

    private static async Task<Results<Created<PermitCreated>, ProblemHttpResult>> AddPermit(string community, string number, PermitRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Household))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Household required", "Name the household holding the permit.", "household");
        }

        if (!ApiInput.TryDate(body.From, ApiInput.Today(clock), out var from, out var problem, "from"))
        {
            return problem;
        }

        LocalDate? to = null;
        if (body.To is not null)
        {
            if (!ApiInput.TryDate(body.To, from, out var end, out problem, "to") || end < from)
            {
                return problem ?? Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", "to is on or after from.", "to");
            }

            to = end;
        }

        var space = await SpaceAsync(db, scopes, http, community, number, ct);
        if (space is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), body.Household, ct))
        {
            return NotYours(community);
        }

        try
        {
            var id = await new LeaseStore(db).PermitAsync(space.Value, body.Household, from, to, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/parking/spaces/{number}"), new PermitCreated(id));
        }
        catch (LeaseConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Space already held", e.Message, "from");
        }
    }

    private static async Task<Results<Created<BusinessCreated>, ProblemHttpResult>> AddBusiness(BusinessRequest? body, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Name) || string.IsNullOrWhiteSpace(body.Contact))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Name and contact required", "A business needs a name and a contact.", string.IsNullOrWhiteSpace(body?.Name) ? "name" : "contact");
        }

        if (!CreditCode.TryParse(body.CreditCode, out var code, out var why))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid credit code", why, "creditCode");
        }

        long id;
        try
        {
            id = await new LeaseStore(db).AddBusinessAsync(http.User.Grant().Scope, body.Name, body.Contact, code, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Operator not registered", "Your operator has no communities in the register yet.", "operator");
        }

        return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/businesses/{id}"), new BusinessCreated(id, code.Value));
    }

    private static async Task<Results<Created<WindowsReleased>, ProblemHttpResult>> Release(string community, string number, WindowRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, ParkingRateBook book, HttpContext http, CancellationToken ct)
    {
        var (slots, rates, problem) = await WindowsAsync(community, body, db, book, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.By))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Who releases it", "Record who released the space (the permit holder or the company).", "by");
        }

        var space = await SpaceAsync(db, scopes, http, community, number, ct);
        if (space is null)
        {
            return NotYours(community);
        }

        try
        {
            await new LeaseStore(db).ReleaseAsync(space.Value, slots!, body.By, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/parking/occupancy/{LocalDatePattern.Iso.Format(slots![0].Start.InZone(Shanghai).Date)}"), new WindowsReleased(slots.Count, rates!.VersionId));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Already released", "Part of that time is already released.", "month");
        }
    }

    private static async Task<Results<Created<LeaseCreated>, ProblemHttpResult>> Lease(string community, string number, WindowRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, ParkingRateBook book, HttpContext http, CancellationToken ct)
    {
        var (slots, rates, problem) = await WindowsAsync(community, body, db, book, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Business is not { } business)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Business required", "Name the business (its id) taking the lease.", "business");
        }

        var space = await SpaceAsync(db, scopes, http, community, number, ct);
        if (space is null)
        {
            return NotYours(community);
        }

        try
        {
            // The monthly price is for the standard daytime window; a window the holder chose is paid by the hour.
            var kind = body.Month is null ? "one-off" : body.Custom ? "recurring" : "monthly";
            var id = await new LeaseStore(db).LeaseAsync(space.Value, business, kind, slots!, rates, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/parking/spaces/{number}"), new LeaseCreated(id, kind, slots!.Count));
        }
        catch (LeaseConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Lease refused", e.Message, body.Month is not null ? "month" : "day");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Unknown business", $"No business {business}.", "business");
        }
    }

    /// <summary>Every space of the community on a day: its released windows and who leases it when.</summary>
    private static async Task<Results<Ok<OccupancyResponse>, ProblemHttpResult>> Occupancy(string community, string date, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryDate(date, default, out var day, out var problem, "date"))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        var range = new Interval(day.AtStartOfDayInZone(Shanghai).ToInstant(), day.PlusDays(1).AtStartOfDayInZone(Shanghai).ToInstant());
        var rows = await db.QueryRowsAsync<SpaceDayRow>(
            """
            select s.number,
                   (select json_agg(json_build_object('from', lower(r.during), 'to', upper(r.during)) order by lower(r.during)) from parking_release_slot r where r.space_id = s.id and r.during && @day)::text as released,
                   (select json_agg(json_build_object('from', lower(l.during), 'to', upper(l.during), 'business', b.name) order by lower(l.during))
                      from parking_lease_slot l join parking_lease pl on pl.id = l.lease_id join business b on b.id = pl.business_id
                      where l.space_id = s.id and l.during && @day)::text as leased
            from parking_space s where s.community_code = @c order by s.number
            """,
            new { c = community, day = range },
            ct);
        var spaces = rows.Select(r => new SpaceDay(
                r.Number,
                r.Released is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<ReleasedWindow>>(r.Released, Web),
                r.Leased is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<LeasedWindow>>(r.Leased, Web)))
            .ToList();
        return TypedResults.Ok(new OccupancyResponse(community, day, spaces));
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record SpaceDayRow(string Number, string? Released, string? Leased);

    /// <summary>Every space of a community on a day; the windows' times are as PostgreSQL writes them, with the offset of Asia/Shanghai.</summary>
    public sealed record OccupancyResponse(string Community, LocalDate Date, IReadOnlyList<SpaceDay> Spaces);

    /// <summary>A space's released windows and leases on the day; null when there are none.</summary>
    public sealed record SpaceDay(string Space, IReadOnlyList<ReleasedWindow>? Released, IReadOnlyList<LeasedWindow>? Leased);

    public sealed record ReleasedWindow(string From, string To);

    public sealed record LeasedWindow(string From, string To, string Business);

    private static async Task<(IReadOnlyList<Interval>? Slots, ParkingRates? Rates, ProblemHttpResult? Problem)> WindowsAsync(
        string community, WindowRequest? body, NpgsqlDataSource db, ParkingRateBook book, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select operator_code from community where code = @c");
        cmd.Parameters.AddWithValue("c", community);
        var op = await cmd.ExecuteScalarAsync(ct) as string;
        if (body?.Month is { } monthText)
        {
            if (!ApiInput.TryPeriod(monthText, out var month, out var problem, "month"))
            {
                return (null, null, problem);
            }

            var rates = op is null ? null : book.For(op, month.OnDayOfMonth(1));
            if (rates is null)
            {
                return (null, null, Problems.Field(StatusCodes.Status404NotFound, "No parking prices", $"No parking prices for {community} in {monthText}.", "month"));
            }

            if (!body.Custom)
            {
                return (rates.Daytime.Occurrences(month, rates.Calendar, Shanghai).ToList(), rates, null);
            }

            if (!WeeklyWindow.TryCreate(body.Weekdays, body.From, body.To, body.SkipHolidays ?? true, out var window, out var wrong))
            {
                return (null, null, Problems.Field(StatusCodes.Status400BadRequest, "Invalid window", wrong.Message, wrong.Field));
            }

            var slots = window.Occurrences(month, rates.Calendar, Shanghai).ToList();
            return slots.Count == 0
                ? (null, null, Problems.Field(StatusCodes.Status400BadRequest, "Empty window", $"{window.Describe()} does not occur in {monthText}.", "weekdays"))
                : (slots, rates, null);
        }

        if (body?.Day is { } dayText)
        {
            if (!ApiInput.TryDate(dayText, default, out var day, out var problem, "day"))
            {
                return (null, null, problem);
            }

            if (body.Weekdays is not null)
            {
                return (null, null, Problems.Field(StatusCodes.Status400BadRequest, "Weekdays are for a month", "A day is one date; give from and to for its hours, or a month with weekdays.", "weekdays"));
            }

            var rates = op is null ? null : book.For(op, day);
            if (rates is null)
            {
                return (null, null, Problems.Field(StatusCodes.Status404NotFound, "No parking prices", $"No parking prices for {community} on {dayText}.", "day"));
            }

            if (!body.Custom)
            {
                return (rates.Daytime.Occurrences(day, day, HolidayCalendar.None, Shanghai).ToList(), rates, null);
            }

            // The hours of one day: the day's own weekday, and no holiday check, since the day was named.
            if (!WeeklyWindow.TryCreate([((int)day.DayOfWeek).ToString(System.Globalization.CultureInfo.InvariantCulture)], body.From, body.To, false, out var hours, out var wrong))
            {
                return (null, null, Problems.Field(StatusCodes.Status400BadRequest, "Invalid window", wrong.Message, wrong.Field));
            }

            return (hours.Occurrences(day, day, HolidayCalendar.None, Shanghai).ToList(), rates, null);
        }

        return (null, null, Problems.Field(StatusCodes.Status400BadRequest, "When", "Give a month (working-day daytime of the month, or weekdays with from and to) or a day.", "month"));
    }

    private static async Task<long?> SpaceAsync(NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, string community, string number, CancellationToken ct)
    {
        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return null;
        }

        await using var cmd = db.CreateCommand("select id from parking_space where community_code = @c and number = @n");
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("n", number);
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    private static ProblemHttpResult NotYours(string community) =>
        Problems.Field(StatusCodes.Status404NotFound, "Not found", $"No such space or household in community {community} among yours.", "community");
}
