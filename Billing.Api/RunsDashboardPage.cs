using System.Globalization;
using System.Net;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Npgsql;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>
/// "Billing runs" on the Hangfire dashboard: each recent run's state and households done / total,
/// per community, beside the jobs that do the work. Read-only, like the rest of the dashboard.
/// </summary>
internal sealed class RunsDashboardPage : RazorPage
{
    public const string Path = "/billing-runs";
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Dashboard routes and menu are process-wide in Hangfire, so they are added once; each request finds its database through its own services.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            DashboardRoutes.Routes.AddRazorPage(Path, _ => new RunsDashboardPage());
            NavigationMenu.Items.Add(page => new MenuItem("Billing runs", page.Url.To(Path)) { Active = page.RequestPath.StartsWith(Path, StringComparison.Ordinal) });
            _registered = true;
        }
    }

    public override void Execute()
    {
        Layout = new LayoutPage("Billing runs");
        var http = Context.GetHttpContext();
        var db = http.RequestServices.GetRequiredService<NpgsqlDataSource>();

        // Only the caller's own operator's runs: the dashboard is open to every operator's finance staff.
        var recent = AccessTokens.GrantOf(http.User) is { Role: AccessRole.FinanceStaff } grant
            ? new BillingRuns(db).RecentAsync(grant.Scope, 20).GetAwaiter().GetResult()
            : [];
        WriteLiteral("<h1 class=\"page-header\">Billing runs</h1>");
        if (recent.Count == 0)
        {
            WriteLiteral("<div class=\"alert alert-info\">No billing runs yet.</div>");
            return;
        }

        foreach (var run in recent)
        {
            WriteLiteral(string.Create(
                CultureInfo.InvariantCulture,
                $"<h3>Run {run.Id} · {BillingPeriod.Format(run.Period)} · {Encode(run.OperatorCode)} · {Encode(run.Status)} · {run.HouseholdsDone}/{run.HouseholdsTotal} households · {run.PdfsDone} PDFs</h3>"));
            WriteLiteral(Bar(run.HouseholdsDone, run.HouseholdsTotal));
            WriteLiteral("<table class=\"table table-condensed\"><thead><tr><th>Community</th><th>Status</th><th>Households done / total</th><th>PDFs drawn</th><th>Total (yuan)</th><th>Worker</th><th>Problem</th></tr></thead><tbody>");
            foreach (var c in run.Communities)
            {
                WriteLiteral(string.Create(
                    CultureInfo.InvariantCulture,
                    $"<tr><td>{Encode(c.Community)}</td><td>{Encode(c.Status)}</td><td>{c.HouseholdsDone}/{c.HouseholdsTotal}{Bar(c.HouseholdsDone, c.HouseholdsTotal ?? 0)}</td><td>{c.PdfsDone}</td><td>{c.Total.Yuan:0.00}</td><td>{Encode(c.Worker)}</td><td>{Encode(c.Problem)}</td></tr>"));
            }

            WriteLiteral("</tbody></table>");
        }
    }

    private static string Bar(int done, int total)
    {
        var percent = total == 0 ? 100 : done * 100 / total;
        return string.Create(CultureInfo.InvariantCulture, $"<div class=\"progress\"><div class=\"progress-bar\" role=\"progressbar\" style=\"width: {percent}%\">{percent}%</div></div>");
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
