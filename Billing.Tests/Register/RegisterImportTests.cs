using System.Text;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

public class RegisterImportTests
{
    private const string CommunityHeader = "community_code,community_name,operator,city,district,rate_book,service_level,billing_start";
    private const string HouseholdHeader = "household_code,community_code,building,unit,room,building_area_m2,owner_name,phone";

    [Fact]
    public void The_sample_register_has_the_Heze_pilot_communities()
    {
        var names = SampleRegister.Communities().Select(c => c.Name).ToList();

        Assert.Contains("丰鑫园小区", names);
        Assert.Contains("市委家属院", names);
        Assert.Contains("农行家属院", names);
        Assert.Equal(304, SampleRegister.Households().Count);
    }

    [Theory]
    [InlineData("HZ-X-1,HZ-X,1,1,101,-86.40,王芳,", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,86.405,王芳,", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,八十,王芳,", "building_area_m2", "household.area.invalid")]
    [InlineData("HZ-X-1,HZ-X,1,1,101,86.40,,", "owner_name", "csv.field.missing")]
    [InlineData("HZ X 1,HZ-X,1,1,101,86.40,王芳,", "household_code", "csv.code.invalid")]
    public void A_bad_household_row_is_reported_with_file_row_and_field(string badRow, string field, string code)
    {
        var csv = $"{HouseholdHeader}\nHZ-X-0,HZ-X,1,1,102,70.00,李伟,\n{badRow}\n";

        var e = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadHouseholds("households.csv", new StringReader(csv)));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("households.csv", 3, field, code), (error.Source, error.Row, error.Field, error.Code));
        Assert.StartsWith("households.csv, row 3, field '" + field + "'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_is_reported_on_the_header_row()
    {
        var csv = "household_code,community_code,building,unit,room,owner_name\nHZ-X-1,HZ-X,1,1,101,王芳\n";

        var e = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadHouseholds("households.csv", new StringReader(csv)));

        var error = Assert.Single(e.Errors);
        Assert.Equal((1, "csv.header.columns"), (error.Row, error.Code));
        Assert.Contains("building_area_m2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_household_code_names_both_rows()
    {
        var csv = $"{HouseholdHeader}\nHZ-X-1,HZ-X,1,1,101,70.00,李伟,\nHZ-X-1,HZ-X,1,1,102,71.00,王芳,\n";

        var e = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadHouseholds("households.csv", new StringReader(csv)));

        var error = Assert.Single(e.Errors);
        Assert.Equal(3, error.Row);
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_GB18030_file_saved_by_Excel_reads_the_same_as_UTF8()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = $"{CommunityHeader}\nHZ-FXY,丰鑫园小区,天创金源物业公司,菏泽市,开发区,heze-kaifaqu,2星,2022-01-01\n";
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Encoding.GetEncoding("GB18030").GetBytes(text));
            using var reader = RegisterCsv.OpenFile(path);

            var community = Assert.Single(RegisterCsv.ReadCommunities("communities.csv", reader));

            Assert.Equal("丰鑫园小区", community.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Importing_the_sample_twice_stores_it_once_and_changes_nothing_the_second_time()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var store = new RegisterStore(db.DataSource);

        var first = await store.ImportAsync(SampleRegister.Communities(), SampleRegister.Households());
        var second = await store.ImportAsync(SampleRegister.Communities(), SampleRegister.Households());

        Assert.Equal((4, 304), (first.CommunitiesChanged, first.HouseholdsChanged));
        Assert.Equal((0, 0), (second.CommunitiesChanged, second.HouseholdsChanged));
        Assert.Equal(304, await db.CountAsync("select count(*) from household"));
        Assert.Equal(69.81m, (await store.HouseholdsAsync(new("HZ-FXY"))).Single(h => h.Code.Value == "HZ-FXY-01-1-101").Area.Value);
    }

    [Fact]
    public async Task A_household_of_an_unknown_community_rejects_the_whole_import_and_stores_nothing()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var households = SampleRegister.Households().ToList();
        var bad = households[7];
        households[7] = bad with { Value = bad.Value with { Community = new("HZ-NOWHERE") } };

        var e = await Assert.ThrowsAsync<InputRejectedException>(
            () => new RegisterStore(db.DataSource).ImportAsync(SampleRegister.Communities(), households));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("households.csv", 9, "community_code"), (error.Source, error.Row, error.Field));
        Assert.Equal(0, await db.CountAsync("select count(*) from community"));
        Assert.Equal(0, await db.CountAsync("select count(*) from household"));
    }
}
