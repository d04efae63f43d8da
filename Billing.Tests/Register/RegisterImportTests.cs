using System.Text;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

public class RegisterImportTests
{
    private const string HouseholdHeader = "household_code,community_code,building,unit,room,building_area_m2,owner_name";

    private static IReadOnlyList<Sourced<HouseholdRow>> Households(string csv) =>
        RegisterCsv.ReadHouseholds("households.csv", new StringReader(csv));

    [Fact]
    public void The_sample_register_has_the_Heze_pilot_communities()
    {
        var import = SampleRegister.Import();

        var names = import.Communities.Select(c => c.Value.Name).ToList();
        Assert.Contains("丰鑫园小区", names);
        Assert.Contains("市委家属院", names);
        Assert.Contains("农行家属院", names);
        Assert.Equal(304, import.Households.Count);
        Assert.Equal(5, import.Occupancy.Count);
    }

    [Theory]
    [InlineData("HZ-X-1,HZ-X,1,1,101,-86.40,王芳", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,86.405,王芳", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,八十,王芳", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,86.40,", "owner_name", "csv.field.missing")]
    [InlineData("HZ X 1,HZ-X,1,1,101,86.40,王芳", "household_code", "csv.code.invalid")]
    public void A_bad_household_row_is_reported_with_file_row_and_field(string badRow, string field, string code)
    {
        var csv = $"{HouseholdHeader}\nHZ-X-0,HZ-X,1,1,102,70.00,李伟\n{badRow}\n";

        var e = Assert.Throws<InputRejectedException>(() => Households(csv));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("households.csv", 3, field, code), (error.Source, error.Row, error.Field, error.Code));
        Assert.StartsWith("households.csv, row 3, field '" + field + "'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_is_reported_on_the_header_row()
    {
        var e = Assert.Throws<InputRejectedException>(() => Households("household_code,community_code,building,unit,room,owner_name\nHZ-X-1,HZ-X,1,1,101,王芳\n"));

        var error = Assert.Single(e.Errors);
        Assert.Equal((1, "csv.header.columns"), (error.Row, error.Code));
        Assert.Contains("building_area_m2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_date_and_a_bad_status_in_occupancy_are_both_reported()
    {
        var csv = "household_code,status,effective_from\nHZ-X-1,入住,2026/10/10\nHZ-X-1,away,2026-10-32\n";

        var e = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadOccupancy("occupancy.csv", new StringReader(csv)));

        Assert.Equal([(3, "status"), (3, "effective_from")], e.Errors.Select(x => (x.Row ?? 0, x.Field ?? string.Empty)));
    }

    [Fact]
    public void A_GB18030_file_saved_by_Excel_reads_the_same_as_UTF8()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = File.ReadAllText(Path.Combine(SampleRegister.Folder, "communities.csv"));

        var communities = RegisterCsv.ReadCommunities("communities.csv", new StringReader(RegisterCsv.Decode(Encoding.GetEncoding("GB18030").GetBytes(text))));

        Assert.Equal("丰鑫园小区", communities[0].Value.Name);
    }

    [Fact]
    public async Task Importing_the_sample_twice_stores_it_once_and_changes_nothing_the_second_time()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();

        var first = await SampleRegister.ImportAsync(db);
        var second = await SampleRegister.ImportAsync(db);

        Assert.Equal((4, 304, 5), (first.Communities.Changed, first.Households.Changed, first.Occupancy.Changed));
        Assert.Equal(0, second.Changed);
        Assert.Equal(304, await db.CountAsync("select count(*) from household_version"));
        var household = (await new RegisterStore(db.DataSource).HouseholdsAsync(new("HZ-FXY"))).Single(h => h.Code.Value == "HZ-FXY-01-1-101");
        Assert.Equal(69.81m, household.DetailsOn(new LocalDate(2026, 10, 1)).Area.Value);
    }

    [Fact]
    public async Task A_changed_area_becomes_a_new_version_from_its_date_and_the_old_one_is_kept()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var store = new RegisterStore(db.DataSource);

        var corrected = Households($"{HouseholdHeader},effective_from\nHZ-FXY-01-1-101,HZ-FXY,1,1,101,71.20,卢刚,2026-10-15\n");
        var result = await store.ImportAsync(RegisterImport.Empty with { Households = corrected }, SampleRegister.Today, SampleRegister.Rates());

        Assert.Equal(1, result.Households.Changed);
        var household = (await store.HouseholdsAsync(new("HZ-FXY"))).Single(h => h.Code.Value == "HZ-FXY-01-1-101");
        Assert.Equal(69.81m, household.DetailsOn(new LocalDate(2026, 10, 14)).Area.Value);
        Assert.Equal(71.20m, household.DetailsOn(new LocalDate(2026, 10, 15)).Area.Value);
        Assert.Equal(1, await db.CountAsync("select count(*) from register_change where entity = 'household_version' and code = 'HZ-FXY-01-1-101' and effective_from = '2026-10-15'"));
    }

    [Fact]
    public async Task An_undated_change_takes_effect_today()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var store = new RegisterStore(db.DataSource);

        await store.ImportAsync(RegisterImport.Empty with { Households = Households($"{HouseholdHeader}\nHZ-FXY-01-1-101,HZ-FXY,1,1,101,69.81,卢小刚\n") }, SampleRegister.Today, null);

        var household = (await store.HouseholdsAsync(new("HZ-FXY"))).Single(h => h.Code.Value == "HZ-FXY-01-1-101");
        Assert.Equal("卢刚", household.DetailsOn(SampleRegister.Today.PlusDays(-1)).OwnerName);
        Assert.Equal("卢小刚", household.DetailsOn(SampleRegister.Today).OwnerName);
    }

    [Fact]
    public async Task History_is_never_overwritten_and_the_database_refuses_edits_too()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var store = new RegisterStore(db.DataSource);
        var occupancy = RegisterCsv.ReadOccupancy("occupancy.csv", new StringReader("household_code,status,effective_from\nHZ-FXY-06-2-602,vacant,2026-10-10\n"));

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => store.ImportAsync(RegisterImport.Empty with { Occupancy = occupancy }, SampleRegister.Today, null));

        Assert.Equal(("occupancy.csv", 2, "status", "occupancy.conflict"), (e.Errors[0].Source, e.Errors[0].Row, e.Errors[0].Field, e.Errors[0].Code));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.CountAsync("update household_version set building_area = 1 returning 1"));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.CountAsync("delete from community_level returning 1"));
    }

    [Fact]
    public async Task A_level_upgrade_is_recorded_from_its_date()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var text = File.ReadAllLines(Path.Combine(SampleRegister.Folder, "communities.csv"));
        var upgraded = text[0] + "\n" + text[1].Replace("heze-kaifaqu,multi-storey,2星,,,", "example-city-benchmark,multi-storey,3星,0.52,2026-10-16,", StringComparison.Ordinal) + "\n";

        await new RegisterStore(db.DataSource).ImportAsync(
            RegisterImport.Empty with { Communities = RegisterCsv.ReadCommunities("communities.csv", new StringReader(upgraded)) }, SampleRegister.Today, SampleRegister.Rates());

        var community = (await new RegisterStore(db.DataSource).CommunitiesAsync()).Single(c => c.Code.Value == "HZ-FXY");
        Assert.Equal(ServiceLevel.Stars(2), community.LevelOn(new LocalDate(2026, 10, 15)));
        Assert.Equal(ServiceLevel.Stars(3), community.LevelOn(new LocalDate(2026, 10, 16)));
        Assert.Equal(0.52m, community.Levels.ValueOn(new LocalDate(2026, 10, 16)).AgreedPrice!.Value.YuanPerSquareMetreMonth);
    }

    [Theory]
    [InlineData("heze-kaifaqu,multi-storey,3星,,", "service_level", "community.level.unpriced")]
    [InlineData("nowhere-rates,multi-storey,2星,,", "rate_book", "community.rate_book.unknown")]
    [InlineData("example-city-benchmark,multi-storey,2星,0.55,", "agreed_price", "community.level.unpriced")]
    public async Task A_community_whose_level_has_no_price_is_rejected_at_import(string replacement, string field, string code)
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var text = File.ReadAllLines(Path.Combine(SampleRegister.Folder, "communities.csv"));
        var csv = text[0] + "\n" + text[1] + "\n" + text[2].Replace("heze-kaifaqu,multi-storey,2星,,", replacement, StringComparison.Ordinal) + "\n";

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => new RegisterStore(db.DataSource).ImportAsync(
            RegisterImport.Empty with { Communities = RegisterCsv.ReadCommunities("communities.csv", new StringReader(csv)) }, SampleRegister.Today, SampleRegister.Rates()));

        var error = Assert.Single(e.Errors);
        Assert.Equal((3, field, code), (error.Row, error.Field, error.Code));
        Assert.Equal(0, await db.CountAsync("select count(*) from community"));
    }

    [Fact]
    public async Task A_household_of_an_unknown_community_rejects_the_whole_import_and_stores_nothing()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var import = SampleRegister.Import();
        var households = import.Households.ToList();
        households[7] = households[7] with { Value = households[7].Value with { Community = new("HZ-NOWHERE") } };

        var e = await Assert.ThrowsAsync<InputRejectedException>(
            () => new RegisterStore(db.DataSource).ImportAsync(import with { Households = households }, SampleRegister.Today, SampleRegister.Rates()));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("households.csv", 9, "community_code"), (error.Source, error.Row, error.Field));
        Assert.Equal(0, await db.CountAsync("select count(*) from community"));
        Assert.Equal(0, await db.CountAsync("select count(*) from household"));
        Assert.Equal(0, await db.CountAsync("select count(*) from register_change"));
    }

    [Fact]
    public async Task A_home_cannot_move_to_another_community()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => new RegisterStore(db.DataSource).ImportAsync(
            RegisterImport.Empty with { Households = Households($"{HouseholdHeader}\nHZ-FXY-01-1-101,HZ-SWJSY,1,1,101,69.81,卢刚\n") }, SampleRegister.Today, null));

        Assert.Equal("household.community.moved", Assert.Single(e.Errors).Code);
    }
}
