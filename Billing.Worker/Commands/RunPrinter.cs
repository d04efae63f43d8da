using System.Globalization;
using NodaTime.Extensions;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>How runs, imports and month totals are shown on the console.</summary>
public static class RunPrinter
{
    /// <summary>Communities listed one by one up to this many; a city-size run is shown by line kind, with only the communities that need attention.</summary>
    private const int ListedCommunities = 50;

    public static void Draft(RunView run)
    {
        Run(run);
        var rows = run.Communities.Count <= ListedCommunities
            ? run.Communities.SelectMany(c => c.Totals.Select(t => (c.Community, Total: t)))
            : run.Communities.SelectMany(c => c.Totals)
                .GroupBy(t => t.Kind)
                .Select(g => ($"{run.Communities.Count} communities", Total: new DraftLineTotal(g.Key, g.Sum(t => t.Lines), g.Sum(t => t.Households), Core.Money.Sum(g.Select(t => t.Amount)))));
        foreach (var (community, t) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {community,-10} {t.Kind,-22} {t.Lines,6} lines {t.Households,6} households {t.Amount.Yuan,14:0.00}"));
        }
    }

    public static void Run(RunView run)
    {
        var approval = run.ApprovedBy is null ? string.Empty : $", approved by {run.ApprovedBy}";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  run {run.Id} {BillingPeriod.Format(run.Period)} {run.Status}: {run.HouseholdsDone}/{run.HouseholdsTotal} households, {run.Total.Yuan:0.00} yuan{approval}"));
        var listed = run.Communities.Count <= ListedCommunities ? run.Communities : run.Communities.Where(c => c.Problem is not null).ToList();
        if (listed.Count < run.Communities.Count)
        {
            var byStatus = run.Communities.GroupBy(c => c.Status).Select(g => $"{g.Count()} {g.Key}");
            Console.WriteLine($"    {run.Communities.Count} communities: {string.Join(", ", byStatus)}; those with a problem below, every one with `runs` or GET /api/runs/{run.Id}");
        }

        foreach (var c in listed)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"    {c.Community,-10} {c.Status,-8} {c.HouseholdsDone,5}/{c.HouseholdsTotal,-5} new {c.StatementsNew,5} existing {c.StatementsExisting,5} by {c.Worker}{(c.Problem is null ? string.Empty : " — " + c.Problem)}"));
        }
    }

    /// <summary>While issuing: only the communities under way (a city has hundreds), and a total for the rest.</summary>
    public static void Progress(RunView r)
    {
        if (r.State == RunState.Approved)
        {
            var underWay = r.Communities.Where(c => c.State == CommunityRunState.Issuing && c.HouseholdsDone < c.HouseholdsTotal).Select(c => $"{c.Community} {c.HouseholdsDone}/{c.HouseholdsTotal}");
            var finished = r.Communities.Count(c => c.State is CommunityRunState.Issued or CommunityRunState.Failed);
            Console.WriteLine($"  issuing: {r.HouseholdsDone}/{r.HouseholdsTotal} households, {finished}/{r.Communities.Count} communities done; under way: {string.Join(", ", underWay)}");
        }
    }

    /// <summary>
    /// Where the time of issuing went: its wall time, and the time the community jobs spent
    /// computing, storing and drawing, summed over jobs that ran side by side.
    /// </summary>
    public static void Phases(RunView run, TimeSpan issuing)
    {
        var sum = IssueTimings.Sum(run.Communities.Select(c => c.Timings).OfType<IssueTimings>());
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  run {run.Id}: approved and issued in {issuing.TotalSeconds:0.0} s wall; in its community jobs (summed): compute {sum.Compute.TotalSeconds:0.0} s, store {sum.Store.TotalSeconds:0.0} s, draw PDFs {sum.Render.TotalSeconds:0.0} s; {run.PdfsDone} PDFs"));
    }

    public static void Import(ImportResult r) =>
        Console.WriteLine(
            $"Register: {r.Communities.Rows} communities, {r.Buildings.Rows} buildings, {r.Households.Rows} households, "
            + $"{r.Occupancy.Rows} occupancy and {r.MeterReadings.Rows} meter rows read; {r.Changed} new or changed");

    public static void Rates(Core.Rates.RateCatalog catalog) =>
        Console.WriteLine($"Rates: {string.Join(", ", catalog.Versions.Select(v => v.VersionId))}");

    public static void Subsidies(Core.Subsidies.SubsidyCatalog catalog) =>
        Console.WriteLine($"Subsidy policies: {(catalog.Versions.Count == 0 ? "none" : string.Join(", ", catalog.Versions.Select(v => v.VersionId)))}");

    public static void Summary(NodaTime.YearMonth period, IReadOnlyList<CommunityMonthTotal> totals, int? written, string? outDir)
    {
        Console.WriteLine();
        Console.WriteLine($"Summary for {BillingPeriod.Format(period)}");
        Console.WriteLine($"  {"community",-12} {"name",-10} {"households",10} {"billed (yuan)",14}");
        foreach (var t in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.CommunityCode,-12} {t.CommunityName,-10} {t.Statements,10} {t.Total,14:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"total",-12} {string.Empty,-10} {totals.Sum(t => t.Statements),10} {totals.Sum(t => t.Total),14:0.00}"));
        if (written is not null)
        {
            Console.WriteLine($"  {written} PDF statements in {outDir}");
        }
    }
}

/// <summary>Today in Asia/Shanghai, where the communities are.</summary>
public static class BillingDay
{
    public static NodaTime.LocalDate Today(NodaTime.IClock clock) => clock.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).GetCurrentDate();

    public static NodaTime.YearMonth LastMonth(NodaTime.IClock clock) => Today(clock).ToYearMonth().PlusMonths(-1);
}
