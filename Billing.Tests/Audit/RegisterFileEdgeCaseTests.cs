using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.EdgeRegister;

namespace RedProperty.Billing.Tests.Audit;

/// <summary>Register files whose meaning would depend on row order or on the day of the import are refused, naming the rows.</summary>
public class RegisterFileEdgeCaseTests
{
    private static readonly Core.Rates.RateCatalog Rates = TestRegister.Catalog(TestRegister.Book(name: "edge-book"));

    [Fact]
    public async Task Repeated_household_rows_in_one_file_need_their_own_effective_from_dates()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        const string households =
            """
            household_code,community_code,building,unit,room,building_area_m2,owner_name,effective_from
            UNDATED,E1,1,1,101,80.00,王芳,
            UNDATED,E1,1,1,101,85.00,王芳,
            SAME-DAY,E1,1,1,102,80.00,李强,2026-01-01
            SAME-DAY,E1,1,1,102,90.00,李强,2026-01-01
            HISTORY,E1,1,1,103,80.00,张伟,2022-01-01
            HISTORY,E1,1,1,103,81.50,张伟,2026-11-01
            """;
        var import = Import(Communities(("E1", "edge-book", "测试区")), households);

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportAsync(db, import, Rates));

        Assert.Equal(
            [("households.csv", 3, "household_code", "household.row.duplicate"), ("households.csv", 5, "household_code", "household.row.duplicate")],
            e.Errors.Select(x => (x.Source, x.Row ?? 0, x.Field, x.Code)));
        Assert.Contains("rows 2 and 3", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("rows 4 and 5", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from household"));

        // The same file without the two bad repeats is history, and is stored as such.
        var fixedFile = string.Join('\n', households.Split('\n').Where((_, i) => i is not 2 and not 4));
        await ImportAsync(db, Import(Communities(("E1", "edge-book", "测试区")), fixedFile), Rates);
        Assert.Equal(2, await db.CountAsync("select count(*) from household_version where household_code = 'HISTORY'"));
        Assert.Equal(1, await db.CountAsync("select count(*) from household_version where household_code = 'UNDATED'"));
    }

    [Fact]
    public async Task Occupancy_dates_going_backwards_for_one_household_are_reported_with_their_rows()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var import = Import(
            Communities(("E1", "edge-book", "测试区")),
            Households(("H-1", "E1", 80m), ("H-2", "E1", 80m)),
            """
            H-1,occupied,2026-11-20
            H-2,vacant,2026-10-01
            H-1,vacant,2025-11-05
            H-2,occupied,2026-11-01
            """);

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportAsync(db, import, Rates));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("occupancy.csv", 4, "effective_from", "occupancy.dates.backwards"), (error.Source, error.Row ?? 0, error.Field, error.Code));
        Assert.Contains("row 4 is dated 2025-11-05, before row 2 (2026-11-20)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from occupancy"));
    }
}
