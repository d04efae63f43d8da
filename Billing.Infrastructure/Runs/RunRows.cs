using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>Which runs to read: one by id, an operator's, or everyone's; newest first, paged.</summary>
internal sealed record RunSelection(long? RunId = null, string? OperatorCode = null, int? Offset = null, int? Limit = null);

// Rows as PostgreSQL returns them, mapped by column name; each converts itself to the domain's types.

internal sealed record RunRow(
    long Id,
    string OperatorCode,
    LocalDate Period,
    string Status,
    string Trigger,
    string RequestedBy,
    Instant StartedAt,
    Instant? DraftedAt,
    string? ApprovedBy,
    Instant? ApprovedAt,
    Instant? IssuedAt)
{
    public RunView ToView(IReadOnlyList<RunCommunityView> communities) =>
        new(Id, OperatorCode, Period.ToYearMonth(), RunLifecycle.ParseRun(Status), Trigger, RequestedBy, StartedAt, DraftedAt, ApprovedBy, ApprovedAt, IssuedAt, communities);
}

internal sealed record RunCommunityRow(
    long RunId,
    string CommunityCode,
    string Status,
    int? HouseholdsTotal,
    int HouseholdsDone,
    int StatementsNew,
    int StatementsExisting,
    string? Problem,
    string? Worker,
    int PdfsDone,
    int? ComputeMs,
    int? StoreMs,
    int? RenderMs)
{
    public RunCommunityView ToView(IReadOnlyList<DraftLineTotal> totals) =>
        new(
            CommunityCode,
            RunLifecycle.ParseCommunity(Status),
            HouseholdsTotal,
            HouseholdsDone,
            StatementsNew,
            StatementsExisting,
            Problem,
            Worker,
            totals,
            PdfsDone,
            ComputeMs is { } compute
                ? new IssueTimings(TimeSpan.FromMilliseconds(compute), TimeSpan.FromMilliseconds(StoreMs ?? 0), TimeSpan.FromMilliseconds(RenderMs ?? 0))
                : null);
}

internal sealed record RunTotalRow(long RunId, string CommunityCode, string Kind, int Lines, int Households, decimal Amount)
{
    public DraftLineTotal ToTotal() => new(Kind, Lines, Households, new Money(Amount));
}

internal sealed record RunCommunityPeriodRow(string CommunityCode, LocalDate Period, int? HouseholdsTotal);

internal sealed record RunWorkRow(long RunId, string Status, string CommunityCode);

internal sealed record UndrawnRow(long RunId, string CommunityCode, int Missing);

internal sealed record ScheduledRunRow(long Id, string[] Communities);

internal sealed record RunStatesRow(string Status, string[] CommunityStates, string? NotDrafted);

internal sealed record RunJobRow(LocalDate Period, string Status, bool RenderPdfs);
