using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// 共享停车 of one community: spaces and who holds them, resident permits, releases, businesses and
/// leases. Clerks add spaces, permits, releases, businesses and leases here; a release or lease the
/// rules refuse (not released, already leased, month already billed, permit held) says why.
/// </summary>
public sealed class ParkingModel(NpgsqlDataSource db, ParkingRateBook book, ConsoleQueries queries, StaffAudit audit, IClock clock) : ConsoleFormModel
{
    public const string SpaceForm = "space";
    public const string PermitForm = "permit";
    public const string ReleaseForm = "release";
    public const string LeaseForm = "lease";
    public const string BusinessForm = "business";

    [BindProperty(SupportsGet = true)]
    public string? Community { get; set; }

    [BindProperty(SupportsGet = true, Name = "month")]
    public string? MonthText { get; set; }

    public YearMonth Month { get; private set; }

    public IReadOnlyList<OperatorCommunity> Communities { get; private set; } = [];

    public string CommunityName => Communities.FirstOrDefault(c => c.Code == Community)?.Name ?? Community ?? string.Empty;

    public LocalDate Today => ConsoleText.Today(clock);

    public IReadOnlyList<BoardSpace> Spaces { get; private set; } = [];

    public IReadOnlyList<BoardPermit> Permits { get; private set; } = [];

    public IReadOnlyList<BoardBusiness> Businesses { get; private set; } = [];

    public IReadOnlyList<BoardLease> Leases { get; private set; } = [];

    public IReadOnlyList<CalendarWindow> Releases { get; private set; } = [];

    public ParkingRates? Rates { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSpaceAsync(string? number, CancellationToken ct)
    {
        if (await StartAsync(ct) is { } refused)
        {
            return refused;
        }

        if (ConsoleInput.TextProblem(number, 20) is { } problem)
        {
            Fail(SpaceForm, "number", problem);
        }
        else if (Spaces.Any(s => s.Number == number!.Trim()))
        {
            Fail(SpaceForm, "number", $"车位 {number!.Trim()} 已登记");
        }

        if (Errors.Count > 0)
        {
            return Invalid();
        }

        var id = await new LeaseStore(db).AddSpaceAsync(Community!, number!.Trim(), ct);
        await audit.RecordAsync(Person, "登记车位", $"小区 {Community} 车位 {number.Trim()}", $"车位 #{id}", ct);
        return Done($"已登记车位 {number.Trim()}。");
    }

    public async Task<IActionResult> OnPostPermitAsync(string? space, string? household, string? from, string? to, CancellationToken ct)
    {
        if (await StartAsync(ct) is { } refused)
        {
            return refused;
        }

        var spaceRow = SpaceOf(PermitForm, space);
        var holder = string.IsNullOrWhiteSpace(household) ? null : await queries.HouseholdAsync(Operator, household.Trim(), ct);
        if (string.IsNullOrWhiteSpace(household))
        {
            Fail(PermitForm, "household", "填写住户户号");
        }
        else if (holder is null || holder.CommunityCode != Community)
        {
            Fail(PermitForm, "household", $"本小区没有住户 {household.Trim()}");
        }

        if (!ConsoleInput.TryDate(from, out var validFrom))
        {
            Fail(PermitForm, "from", "起始日期如 2026-11-01");
        }

        LocalDate? validTo = null;
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (!ConsoleInput.TryDate(to, out var end))
            {
                Fail(PermitForm, "to", "截止日期如 2027-10-31，长期有效则留空");
            }
            else if (end < validFrom)
            {
                Fail(PermitForm, "to", "截止日期不能早于起始日期");
            }
            else
            {
                validTo = end;
            }
        }

        if (Errors.Count == 0 && spaceRow is not null
            && Permits.FirstOrDefault(p => p.Space == spaceRow.Number && p.ValidFrom <= (validTo ?? LocalDate.MaxIsoValue) && (p.ValidTo is null || p.ValidTo >= validFrom)) is { } held)
        {
            Fail(PermitForm, "from", $"车位 {held.Space} 在 {ConsoleInput.Iso(held.ValidFrom)} 至 {(held.ValidTo is { } t ? ConsoleInput.Iso(t) : "长期")} 已由住户 {held.Household}（{held.OwnerName}）持证，时段重叠");
        }

        if (Errors.Count > 0)
        {
            return Invalid();
        }

        try
        {
            var id = await new LeaseStore(db).PermitAsync(spaceRow!.Id, holder!.Code, validFrom, validTo, ct);
            await audit.RecordAsync(Person, "发放停车许可", $"小区 {Community} 车位 {spaceRow.Number}",
                $"许可 #{id} 住户 {holder.Code} {ConsoleInput.Iso(validFrom)} 至 {(validTo is { } t ? ConsoleInput.Iso(t) : "长期")}", ct);
            return Done($"已为住户 {holder.Code} 发放车位 {spaceRow.Number} 的停车许可。");
        }
        catch (LeaseConflictException)
        {
            Fail(PermitForm, "from", "该车位在此期间已有持证住户");
            return Invalid();
        }
    }

    public async Task<IActionResult> OnPostReleaseAsync(string? space, string? shape, string? day, string? month, string[]? weekdays, string? from, string? to, string? by, CancellationToken ct)
    {
        if (await StartAsync(ct) is { } refused)
        {
            return refused;
        }

        var spaceRow = SpaceOf(ReleaseForm, space);
        var (slots, _, problems) = new ParkingWindowChoice(shape, day, month, weekdays ?? [], from, to).Resolve(Operator, book);
        foreach (var (field, message) in problems)
        {
            Fail(ReleaseForm, field, message);
        }

        if (ConsoleInput.TextProblem(by, 60) is { } byProblem)
        {
            Fail(ReleaseForm, "by", byProblem == "必填" ? "填写放出人（车位持证住户或物业公司）" : byProblem);
        }

        if (Errors.Count == 0 && spaceRow is not null)
        {
            var existing = await new ParkingBoard(db).WindowsAsync(Community!, Span(slots), spaceRow.Number, ct);
            if (existing.Where(w => w.Mark == CalendarMark.Released).FirstOrDefault(w => slots.Any(s => LeaseRules.Overlap(s, w.During))) is { } already)
            {
                Fail(ReleaseForm, ShapeField(shape), $"车位 {spaceRow.Number} 在 {ParkingWindowChoice.Describe(already.During)} 已由 {already.Who} 放出，时段重叠");
            }
        }

        if (Errors.Count > 0)
        {
            return Invalid();
        }

        try
        {
            await new LeaseStore(db).ReleaseAsync(spaceRow!.Id, slots, by!.Trim(), ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            Fail(ReleaseForm, ShapeField(shape), "该时段已有放出记录（刚由他人登记）");
            return Invalid();
        }

        await audit.RecordAsync(Person, "登记车位放出", $"小区 {Community} 车位 {spaceRow.Number}",
            $"{by.Trim()} 放出 {slots.Count} 个时段，{ParkingWindowChoice.Describe(slots[0])} 起", ct);
        return Done($"已登记车位 {spaceRow.Number} 放出 {slots.Count} 个时段。");
    }

    public async Task<IActionResult> OnPostLeaseAsync(string? space, string? business, string? shape, string? day, string? month, string[]? weekdays, string? from, string? to, CancellationToken ct)
    {
        if (await StartAsync(ct) is { } refused)
        {
            return refused;
        }

        var spaceRow = SpaceOf(LeaseForm, space);
        var businessRow = long.TryParse(business, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var businessId)
            ? Businesses.FirstOrDefault(b => b.Id == businessId) : null;
        if (businessRow is null)
        {
            Fail(LeaseForm, "business", "请选择商户（先在下方登记商户）");
        }

        var choice = new ParkingWindowChoice(shape, day, month, weekdays ?? [], from, to);
        var (slots, rates, problems) = choice.Resolve(Operator, book);
        foreach (var (field, message) in problems)
        {
            Fail(LeaseForm, field, message);
        }

        if (Errors.Count == 0 && spaceRow is not null)
        {
            if (await ConflictAsync(spaceRow, slots, ct) is { } reason)
            {
                Fail(LeaseForm, ShapeField(shape), reason);
            }
        }

        if (Errors.Count > 0)
        {
            return Invalid();
        }

        long id;
        try
        {
            id = await new LeaseStore(db).LeaseAsync(spaceRow!.Id, businessRow!.Id, choice.LeaseKind, slots, rates, ct);
        }
        catch (LeaseConflictException)
        {
            // Another request took the time between the check above and the store's own.
            Fail(LeaseForm, ShapeField(shape), await ConflictAsync(spaceRow!, slots, ct) ?? "该时段刚被其他租约占用或尚未放出");
            return Invalid();
        }

        await audit.RecordAsync(Person, "登记商户租约", $"小区 {Community} 车位 {spaceRow.Number}",
            $"租约 #{id} {businessRow.Name}，{slots.Count} 个时段，{ParkingWindowChoice.Describe(slots[0])} 起（{(choice.LeaseKind == "monthly" ? "按月" : "按小时")}）", ct);
        return Done($"已登记租约 #{id}：{businessRow.Name} 租用车位 {spaceRow.Number}，{slots.Count} 个时段。");
    }

    public async Task<IActionResult> OnPostBusinessAsync(string? name, string? contact, string? creditCode, CancellationToken ct)
    {
        if (await StartAsync(ct) is { } refused)
        {
            return refused;
        }

        if (ConsoleInput.TextProblem(name, 60) is { } nameProblem)
        {
            Fail(BusinessForm, "name", nameProblem);
        }

        if (ConsoleInput.TextProblem(contact, 60) is { } contactProblem)
        {
            Fail(BusinessForm, "contact", contactProblem);
        }

        if (!CreditCode.TryParse(creditCode, out var code, out _))
        {
            Fail(BusinessForm, "creditCode", "统一社会信用代码为 18 位数字或大写字母（不含 I、O、S、V、Z），末位为校验码");
        }

        if (Errors.Count > 0)
        {
            return Invalid();
        }

        var id = await new LeaseStore(db).AddBusinessAsync(Operator, name!.Trim(), contact!.Trim(), code, ct);
        await audit.RecordAsync(Person, "登记商户", $"商户 #{id}", $"{name.Trim()}，{code.Value}", ct);
        return Done($"已登记商户 {name.Trim()}。");
    }

    /// <summary>Why the rules refuse these windows for a lease, in the words staff read, or null.</summary>
    private async Task<string?> ConflictAsync(BoardSpace space, IReadOnlyList<Interval> slots, CancellationToken ct)
    {
        var months = slots.SelectMany(s => new[] { s.Start.InZone(ConsoleText.Shanghai).Date.ToYearMonth(), (s.End - Duration.Epsilon).InZone(ConsoleText.Shanghai).Date.ToYearMonth() });
        var board = new ParkingBoard(db);
        if (await board.ClosedMonthAsync(Community!, months, ct) is { } closed)
        {
            return $"{ConsoleText.Month(closed)}的共享停车已结算（收益池已入账或商户账单已开），不能再添加该月租约";
        }

        var windows = await board.WindowsAsync(Community!, Span(slots), space.Number, ct);
        if (windows.Where(w => w.Mark == CalendarMark.Leased).FirstOrDefault(w => slots.Any(s => LeaseRules.Overlap(s, w.During))) is { } taken)
        {
            return $"车位 {space.Number} 在 {ParkingWindowChoice.Describe(taken.During)} 已租给 {taken.Who}，时段重叠";
        }

        var uncovered = LeaseRules.Uncovered(slots, windows.Where(w => w.Mark == CalendarMark.Released).Select(w => w.During).ToList());
        return uncovered.Count > 0
            ? $"车位 {space.Number} 在 {ParkingWindowChoice.Describe(uncovered[0])} 未由持有人放出，不能出租（共 {uncovered.Count} 段未放出）"
            : null;
    }

    private static Interval Span(IReadOnlyList<Interval> slots) =>
        slots.Count == 0 ? new Interval(Instant.MinValue, Instant.MinValue) : new Interval(slots.Min(s => s.Start), slots.Max(s => s.End));

    private static string ShapeField(string? shape) => shape switch
    {
        ParkingWindowChoice.OneDay => "day",
        _ => "month",
    };

    private BoardSpace? SpaceOf(string form, string? number)
    {
        var row = Spaces.FirstOrDefault(s => s.Number == number?.Trim());
        if (row is null)
        {
            Fail(form, "space", string.IsNullOrWhiteSpace(number) ? "请选择车位" : $"本小区没有车位 {number}");
        }

        return row;
    }

    /// <summary>Clerks only, and only in a community of their operator (another operator's is not found).</summary>
    private async Task<IActionResult?> StartAsync(CancellationToken ct)
    {
        if (!Has(StaffRole.Clerk))
        {
            return Forbid(ConsoleAccess.Scheme);
        }

        return await LoadAsync(ct) && Community is not null ? null : NotFound();
    }

    private IActionResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private IActionResult Done(string notice)
    {
        Notice = notice;
        return Redirect($"/console/parking?community={Uri.EscapeDataString(Community!)}&month={ConsoleInput.Iso(Month)}");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Communities = await new ConsoleCommunities(db).OfAsync(Operator, ct);
        if (Community is { Length: > 0 } asked && Communities.All(c => c.Code != asked))
        {
            return false;
        }

        Community ??= Communities.FirstOrDefault()?.Code;
        if (MonthText is { Length: > 0 } && !ConsoleInput.TryMonth(MonthText, out _))
        {
            Fail("filter", "month", "月份如 2026-11");
        }

        Month = ConsoleInput.TryMonth(MonthText, out var month) ? month : Today.ToYearMonth();
        if (Community is null)
        {
            return true;
        }

        var board = new ParkingBoard(db);
        var range = new Interval(Month.OnDayOfMonth(1).AtStartOfDayInZone(ConsoleText.Shanghai).ToInstant(), Month.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(ConsoleText.Shanghai).ToInstant());
        Spaces = await board.SpacesAsync(Community, Today, ct);
        Permits = await board.PermitsAsync(Community, ct);
        Businesses = await board.BusinessesAsync(Operator, ct);
        Leases = await board.LeasesAsync(Community, range, ct);
        Releases = (await board.WindowsAsync(Community, range, null, ct)).Where(w => w.Mark == CalendarMark.Released).ToList();
        Rates = book.For(Operator, Month.OnDayOfMonth(1));
        return true;
    }
}
