using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

[Authorize(Policy = ConsoleAccess.ClerkOrManager)]
public sealed class MonthModel(NpgsqlDataSource db, ConsoleQueries queries, StaffAudit audit, IBackgroundJobClient jobs, IClock clock) : ConsolePageModel
{
    public IReadOnlyDictionary<string, string> Communities { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<RunView> Runs { get; private set; } = [];

    /// <summary>Statements are drawn up after a month ends: the month before today's.</summary>
    public string DefaultPeriod => BillingPeriod.Format(ConsoleText.Today(clock).ToYearMonth().PlusMonths(-1));

    public async Task OnGetAsync(CancellationToken ct)
    {
        Communities = await queries.CommunityNamesAsync(Operator, ct);
        Runs = (await new BillingRuns(db).ListAsync(Operator, 0, 30, ct)).Runs.OrderByDescending(r => r.Id).ToList();
    }

    public async Task<IActionResult> OnPostDraftAsync(string? period, string[]? communities, CancellationToken ct)
    {
        if (!User.Has(StaffRole.Clerk))
        {
            return Forbid(ConsoleAccess.Scheme);
        }

        var parsed = BillingPeriod.Pattern.Parse(period ?? string.Empty);
        if (!parsed.Success)
        {
            Errors.Add(new InputError("出账", null, "period", "run.period.invalid", "请选择账期（年月）"));
            await OnGetAsync(ct);
            return Page();
        }

        var month = parsed.Value;
        RunCreated created;
        try
        {
            created = await new BillingRuns(db).CreateAsync(
                new RunRequest(month, Operator, communities is { Length: > 0 } ? communities : null, Person.Signature, RunTrigger.Api), ct);
        }
        catch (ArgumentException notOurs)
        {
            Errors.Add(new InputError("出账", null, "communities", "run.community.unknown", notOurs.Message));
            await OnGetAsync(ct);
            return Page();
        }

        await queries.RecordDrafterAsync(created.RunId, Person, ct);
        await audit.RecordAsync(Person, "生成草稿", $"出账第 {created.RunId} 批", $"{ConsoleText.Month(month)}，{created.Communities.Count} 个小区", ct);
        BillingRuns.EnqueueDrafts(jobs, created.RunId, created.Communities);
        return Redirect($"/console/runs/{created.RunId}");
    }
}
