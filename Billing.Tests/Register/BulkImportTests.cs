using NodaTime;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Scale;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

/// <summary>
/// The streamed, set-at-a-time imports (register, parking, points) keep the rules of the row-by-row
/// ones: a bad row is named by file, row and field, and then nothing at all is stored.
/// </summary>
public sealed class BulkImportTests : IDisposable
{
    private const string HouseholdHeader = "household_code,community_code,building,unit,room,building_area_m2,owner_name,occupant_name,phone";
    private readonly string _folder = Directory.CreateTempSubdirectory("billing-bulk-").FullName;

    public BulkImportTests() => SyntheticRegister.Write(_folder, new SyntheticOptions(3, 40, 11, new YearMonth(2026, 10)));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<ImportResult> ImportRegisterAsync(TestDatabase db, RegisterSource source) =>
        new RegisterStore(db.DataSource).ImportAsync(source, SampleRegister.Today, SampleRegister.Rates());

    private static Task<ParkingImportResult> ImportParkingAsync(TestDatabase db, string folder) =>
        new ParkingImport(db.DataSource, RateDirectory.LoadParking(RepositoryPaths.Rates)).ImportAsync(ParkingFiles.StreamFolder(folder)!);

    private static Task<PointsImportResult> ImportPointsAsync(TestDatabase db, string folder) =>
        new PointsImport(db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates)).ImportAsync(PointsFiles.StreamFolder(folder)!);

    /// <summary>Replaces line <paramref name="row"/> (1-based, the header is row 1) of a file, or appends when it is past the end.</summary>
    private void SetRow(string file, int row, string line)
    {
        var path = Path.Combine(_folder, file);
        var lines = File.ReadAllLines(path).ToList();
        if (row <= lines.Count)
        {
            lines[row - 1] = line;
        }
        else
        {
            lines.Add(line);
        }

        File.WriteAllLines(path, lines);
    }

    private string Row(string file, int row) => File.ReadAllLines(Path.Combine(_folder, file))[row - 1];

    [Fact]
    public async Task A_household_of_an_unknown_community_deep_in_a_streamed_file_is_named_by_file_row_and_field_and_nothing_is_stored()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        SetRow("households.csv", 97, Row("households.csv", 97).Replace(",SYN-00003,", ",SYN-09999,", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder)));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("households.csv", 97, "community_code", "household.community.unknown"), (error.Source, error.Row, error.Field, error.Code));
        Assert.Equal(0, await db.CountAsync("select (select count(*) from community) + (select count(*) from household) + (select count(*) from register_change)"));
    }

    [Fact]
    public async Task A_bad_area_and_a_bad_status_are_both_reported_before_the_database_is_asked_anything()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        SetRow("households.csv", 61, Row("households.csv", 61).Split(',') is var f ? string.Join(',', f[..5].Append("八十").Concat(f[6..])) : string.Empty);
        SetRow("occupancy.csv", 2, Row("occupancy.csv", 2).Split(',')[0] + ",away,2026-10-05");

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder)));

        Assert.Equal([("households.csv", 61, "building_area_m2"), ("occupancy.csv", 2, "status")], e.Errors.Select(x => (x.Source, x.Row ?? 0, x.Field ?? string.Empty)));
        Assert.Equal(0, await db.CountAsync("select count(*) from community"));
    }

    [Fact]
    public async Task A_households_history_in_one_file_is_applied_in_order_and_a_second_value_on_the_same_date_is_refused()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder));
        var history = Households(
            $"{HouseholdHeader},effective_from\n"
            + "SYN-00001-01-1-101,SYN-00001,1,1,101,70.00,王芳,,,2026-10-10\n"
            + "SYN-00001-01-1-101,SYN-00001,1,1,101,71.50,王芳,,,2026-10-20\n");

        var result = await ImportRegisterAsync(db, RegisterSource.From(RegisterImport.Empty with { Households = history }));

        Assert.Equal(2, result.Households.Changed);
        var home = (await new RegisterStore(db.DataSource).HouseholdsAsync(new("SYN-00001"))).Single(h => h.Code.Value == "SYN-00001-01-1-101");
        Assert.Equal(70.00m, home.DetailsOn(new LocalDate(2026, 10, 15)).Area.Value);
        Assert.Equal(71.50m, home.DetailsOn(new LocalDate(2026, 10, 20)).Area.Value);

        var conflicting = Households($"{HouseholdHeader},effective_from\nSYN-00001-01-1-101,SYN-00001,1,1,101,72.00,王芳,,,2026-10-20\n");
        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportRegisterAsync(db, RegisterSource.From(RegisterImport.Empty with { Households = conflicting })));
        Assert.Equal((2, "effective_from", "register.history.conflict"), (e.Errors[0].Row, e.Errors[0].Field, e.Errors[0].Code));
    }

    [Fact]
    public async Task A_second_permit_holder_for_the_same_time_is_named_and_no_parking_is_stored()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder));
        var first = Row("parking_permits.csv", 2).Split(',');
        var rows = File.ReadAllLines(Path.Combine(_folder, "parking_permits.csv")).Length;
        SetRow("parking_permits.csv", rows + 1, $"{first[0]},{first[1]},{first[0]}-01-1-102,2026-10-01,");

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportParkingAsync(db, _folder));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("parking_permits.csv", rows + 1, "valid_from", "parking.permit.overlap"), (error.Source, error.Row, error.Field, error.Code));
        Assert.Equal(0, await db.CountAsync("select (select count(*) from parking_space) + (select count(*) from business) + (select count(*) from parking_lease)"));
    }

    [Fact]
    public async Task A_lease_of_a_space_nobody_released_is_refused_with_its_row()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder));
        var lease = Row("parking_leases.csv", 2).Split(',');
        var rows = File.ReadAllLines(Path.Combine(_folder, "parking_leases.csv")).Length;
        SetRow("parking_leases.csv", rows + 1, $"{lease[0]},P-004,{lease[2]},2026-10");
        File.WriteAllLines(
            Path.Combine(_folder, "parking_releases.csv"),
            File.ReadAllLines(Path.Combine(_folder, "parking_releases.csv")).Where(l => !l.StartsWith($"{lease[0]},P-004,", StringComparison.Ordinal)));

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportParkingAsync(db, _folder));

        var error = Assert.Single(e.Errors, x => x.Row == rows + 1);
        Assert.Equal(("parking_leases.csv", "period", "parking.lease.unreleased"), (error.Source, error.Field, error.Code));
        Assert.Contains("P-004", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from parking_lease"));
    }

    [Fact]
    public async Task A_redemption_the_balance_cannot_cover_is_named_and_no_points_are_stored()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder));
        var rows = File.ReadAllLines(Path.Combine(_folder, "points_redeemed.csv")).Length;
        SetRow("points_redeemed.csv", rows + 1, "RD-TEST-1,SYN-00002-01-1-102,fee-credit,500,2026-10-28");

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportPointsAsync(db, _folder));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("points_redeemed.csv", rows + 1, "points", "points.redemption.refused"), (error.Source, error.Row, error.Field, error.Code));
        Assert.Equal(0, await db.CountAsync("select (select count(*) from points_entry) + (select count(*) from points_account)"));
    }

    [Fact]
    public async Task A_reference_already_recorded_for_another_service_is_a_conflict_not_a_duplicate()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ImportRegisterAsync(db, RegisterFiles.StreamFolder(_folder));
        await ImportPointsAsync(db, _folder);
        var earned = Row("points_earned.csv", 3).Split(',');
        File.WriteAllLines(Path.Combine(_folder, "points_earned.csv"), [Row("points_earned.csv", 1), $"{earned[0]},{earned[1]},cleanup,2026-10-02,{earned[4]}"]);
        File.Delete(Path.Combine(_folder, "points_redeemed.csv"));
        var before = await db.CountAsync("select count(*) from points_entry");

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => ImportPointsAsync(db, _folder));

        Assert.Equal((2, "reference", "points.reference.conflict"), (e.Errors[0].Row, e.Errors[0].Field, e.Errors[0].Code));
        Assert.Equal(before, await db.CountAsync("select count(*) from points_entry"));
    }

    private static IReadOnlyList<Sourced<HouseholdRow>> Households(string csv) => RegisterCsv.ReadHouseholds("households.csv", new StringReader(csv));
}
