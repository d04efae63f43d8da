using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.EdgeRegister;

namespace RedProperty.Billing.Tests.Audit;

/// <summary>
/// The edges real registers are full of, each through the whole pipeline: CSV files imported into
/// PostgreSQL, the month drafted, approved and issued by the run's jobs, and the stored lines and
/// the PDF read back. Every expected amount is computed by hand in the comment beside it.
/// </summary>
public class RealMonthEdgeCaseTests
{
    private static readonly RateCatalog Rates = TestRegister.Catalog(
        TestRegister.Book(name: "edge-book", vacancy: new VacancyRule(0.70m)),
        TestRegister.Book(0.96m, FenRounding.HalfToEven, name: "even-book"));

    [Fact]
    public async Task Before_its_first_occupancy_row_a_home_is_in_the_state_that_row_implies()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportAsync(db, Import(
            Communities(("E1", "edge-book", "测试区")),
            Households(("MOVES-OUT", "E1", 100m), ("FALLS-VACANT", "E1", 100m), ("MOVES-IN", "E1", 100m), ("NOT-HANDED-OVER", "E1", 100m), ("LEFT-IN-OCTOBER", "E1", 100m), ("NO-ROWS", "E1", 100m)),
            """
            MOVES-OUT,moved-out,2026-11-20
            FALLS-VACANT,空置,2026-11-17
            MOVES-IN,occupied,2026-11-10
            NOT-HANDED-OVER,未交付,2026-11-05
            LEFT-IN-OCTOBER,迁出,2026-10-05
            """), Rates);

        var run = await IssueAsync(db, Rates, null, "2026-11");

        Assert.Equal("issued", run.Status);
        // Lived there for years, moved out on the 20th (the first unbilled day): 19 days. 100 × 0.48 × 19/30 = 30.40
        Assert.Equal([30.40m], (await LinesAsync(db, "MOVES-OUT", "2026-11")).Select(l => l.Amount));
        // Occupied 1–16 in full, vacant from the 17th at 70%: 100 × 0.48 × 16/30 = 25.60; 100 × 0.48 × 0.70 × 14/30 = 15.68
        Assert.Equal([25.60m, 15.68m], (await LinesAsync(db, "FALLS-VACANT", "2026-11")).Select(l => l.Amount));
        // A first row "occupied" is a move-in: 21 days. 100 × 0.48 × 21/30 = 33.60
        Assert.Equal([33.60m], (await LinesAsync(db, "MOVES-IN", "2026-11")).Select(l => l.Amount));
        // Not handed over (未交付) as its first row: it never was, so nothing; moved out in October: nothing.
        Assert.Empty(await LinesAsync(db, "NOT-HANDED-OVER", "2026-11"));
        Assert.Empty(await LinesAsync(db, "LEFT-IN-OCTOBER", "2026-11"));
        // No occupancy row at all: occupied throughout. 100 × 0.48 = 48.00
        Assert.Equal([48.00m], (await LinesAsync(db, "NO-ROWS", "2026-11")).Select(l => l.Amount));
        Assert.Equal(4, await db.CountAsync("select count(*) from statement where period = '2026-11-01'"));
        Assert.Equal(1, await db.CountAsync("select count(*) from occupancy where status = 'moved-out' and household_code = 'MOVES-OUT'"));

        var pdf = await PdfTextAsync(db, "MOVES-OUT", "2026-11");
        Assert.Contains("19/30", pdf, StringComparison.Ordinal);
        Assert.Contains("30.40", pdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subsidy_caps_are_per_household_month_and_per_community_month_whatever_the_policy_versions()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportAsync(db, Import(
            Communities(("CAP-FROM-16", "edge-book", "测试区"), ("CAP-UNTIL-16", "edge-book", "测试区"), ("POOL-CAP", "edge-book", "测试区")),
            Households(("A-1", "CAP-FROM-16", 100m), ("B-1", "CAP-UNTIL-16", 100m),
                ("C-1", "POOL-CAP", 100m), ("C-2", "POOL-CAP", 100m), ("C-3", "POOL-CAP", 100m), ("C-4", "POOL-CAP", 100m))), Rates);
        var subsidies = SubsidyCatalogOf(
            Policy("from16", "2022-01-01", 0.10m, community: "CAP-FROM-16"),
            Policy("from16", "2026-10-16", 0.10m, householdCap: 1.00m, community: "CAP-FROM-16"),
            Policy("until16", "2022-01-01", 0.10m, householdCap: 1.00m, community: "CAP-UNTIL-16"),
            Policy("until16", "2026-10-16", 0.10m, community: "CAP-UNTIL-16"),
            Policy("pool", "2022-01-01", 0.10m, communityCap: 10.00m, community: "POOL-CAP"),
            Policy("pool", "2026-10-16", 0.10m, communityCap: 10.00m, community: "POOL-CAP"));

        var run = await IssueAsync(db, Rates, subsidies, "2026-10");
        Assert.Equal("issued", run.Status);

        // October has 31 days. Uncapped 1–15: 100 × 0.10 × 15/31 = 4.838… → 4.84; capped at 1.00 from the 16th
        // (16 days would be 5.16): 1.00. The district pays 5.84, not 10.00.
        var a = await LinesAsync(db, "A-1", "2026-10");
        Assert.Equal([-4.84m, -1.00m], a.Where(l => l.Kind == "subsidy").Select(l => l.Amount));

        // Capped at 1.00 until the 15th (4.84 → 1.00), then uncapped: 5.16, and no 0.00 line.
        var b = await LinesAsync(db, "B-1", "2026-10");
        Assert.Equal([-1.00m, -5.16m], b.Where(l => l.Kind == "subsidy").Select(l => l.Amount));

        // Four homes of 100 m² would get 4 × (4.84 + 5.16) = 40.00; the community's cap is 10.00 for the month,
        // however many versions the month has.
        Assert.Equal(10.00m, await db.ScalarAsync<decimal>(
            "select -sum(l.amount) from statement s join statement_line l on l.statement_id = s.id where s.community_code = 'POOL-CAP' and l.kind = 'subsidy'"));
        // The district is invoiced what the statements say it pays.
        Assert.Equal(10.00m, await db.ScalarAsync<decimal>("select sum(district_amount) from district_invoice_line where community_code = 'POOL-CAP'"));
        Assert.Equal(5.84m, await db.ScalarAsync<decimal>("select sum(district_amount) from district_invoice_line where household_code = 'A-1'"));

        var pdf = await PdfTextAsync(db, "A-1", "2026-10");
        Assert.Contains("-1.00", pdf.Replace("−", "-", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fee_and_its_subsidy_are_prorated_in_one_order_and_round_half_to_even_alike()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportAsync(db, Import(
            Communities(("EVEN", "even-book", "测试区")),
            Households(("E-1", "EVEN", 86.45m)),
            """
            E-1,not-billed,2022-01-01
            E-1,occupied,2026-11-26
            """), Rates);
        var subsidies = SubsidyCatalogOf(Policy("even", "2022-01-01", 0.60m, rounding: FenRounding.HalfToEven));

        await IssueAsync(db, Rates, subsidies, "2026-11");

        // 5 days of 30. Fee: 86.45 × 0.96 × 5 / 30 = 13.832 → 13.83.
        // Subsidy: 86.45 × 0.60 × 5 / 30 = 8.645 exactly → 8.64 half-to-even. Taking 5/30 first gives
        // 8.6450…02 and rounds to 8.65: the order of arithmetic must be the fee's.
        var lines = await LinesAsync(db, "E-1", "2026-11");
        Assert.Equal([("property_fee", 13.83m), ("subsidy", -8.64m)], lines.Select(l => (l.Kind, l.Amount)));
        Assert.Equal(5.19m, await db.ScalarAsync<decimal>("select total from statement where household_code = 'E-1'"));
    }

    [Fact]
    public async Task Every_stored_line_carries_the_inputs_to_recompute_its_amount()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportAsync(db, Import(
            Communities(("CAP-FROM-16", "edge-book", "测试区")),
            Households(("A-1", "CAP-FROM-16", 100m)),
            "A-1,vacant,2026-10-20\n"), Rates);
        var subsidies = SubsidyCatalogOf(
            Policy("from16", "2022-01-01", 0.10m),
            Policy("from16", "2026-10-16", 0.10m, householdCap: 1.00m));

        await IssueAsync(db, Rates, subsidies, "2026-10");

        var lines = await LinesAsync(db, "A-1", "2026-10");
        Assert.All(lines.Where(l => l.Kind == "property_fee"), l =>
            Assert.Equal(l.Amount, Math.Round(l.Quantity!.Value * l.Rate!.Value * l.Share!.Value * l.Days!.Value / l.Denominator!.Value, 2, MidpointRounding.AwayFromZero)));
        Assert.All(lines.Where(l => l.Kind == "subsidy"), l =>
        {
            var uncapped = l.Quantity!.Value * l.Rate!.Value * l.Share!.Value * l.Days!.Value / l.Denominator!.Value;
            var limit = decimal.Parse(l.Inputs["limit"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(l.Amount, -Math.Round(Math.Min(uncapped, limit), 2, MidpointRounding.AwayFromZero));
            Assert.Equal(l.RateVersion, l.Inputs["policy_version"]);
        });
        // Parts: 1–15 (v1): 48 × 15/31 = 23.23, district 10 × 15/31 = 4.84; 16–19 (v2, capped): 48 × 4/31 = 6.19,
        // district 1.29 capped at 1.00; 20–31 vacant: 48 × 0.70 × 12/31 = 13.01, the cap is used up so no district line.
        Assert.Equal([("property_fee", 23.23m), ("subsidy", -4.84m), ("property_fee", 6.19m), ("subsidy", -1.00m), ("property_fee", 13.01m)],
            lines.Select(l => (l.Kind, l.Amount)));
    }
}
