using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

public sealed class RegisterApiTests : ApiHost
{

    private static StringContent Csv(string file) =>
        new(File.ReadAllText(Path.Combine(SampleRegister.Folder, file)), Encoding.UTF8, "text/csv");

    [Fact]
    public async Task Finance_staff_import_the_register_by_posting_csv_and_posting_it_again_changes_nothing()
    {
        using var client = Finance();

        var communities = await client.PostAsync("/api/register/communities", Csv("communities.csv"));
        var households = await client.PostAsync("/api/register/households", Csv("households.csv"));
        var occupancy = await client.PostAsync("/api/register/occupancy", Csv("occupancy.csv"));
        var again = await client.PostAsync("/api/register/households", Csv("households.csv"));

        Assert.Equal(HttpStatusCode.OK, communities.StatusCode);
        Assert.Equal(304, (await households.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("households").GetProperty("changed").GetInt32());
        Assert.Equal(HttpStatusCode.OK, occupancy.StatusCode);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("households").GetProperty("changed").GetInt32());
        Assert.Equal(304, await Db.CountAsync("select count(*) from household"));
    }

    [Fact]
    public async Task A_bad_row_gets_a_problem_naming_file_row_and_field_and_nothing_is_stored()
    {
        using var client = Finance();
        await client.PostAsync("/api/register/communities", Csv("communities.csv"));
        var csv = "household_code,community_code,building,unit,room,building_area_m2,owner_name\nHZ-FXY-9-1-101,HZ-FXY,9,1,101,88.00,王芳\nHZ-FXY-9-1-102,HZ-FXY,9,1,102,abc,李伟\n";

        var response = await client.PostAsync("/api/register/households", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal("households.csv", error.GetProperty("source").GetString());
        Assert.Equal(3, error.GetProperty("row").GetInt32());
        Assert.Equal("building_area_m2", error.GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from household"));
    }

    [Fact]
    public async Task An_unknown_register_file_is_a_404_problem()
    {
        using var client = Finance();

        var response = await client.PostAsync("/api/register/residents", new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("file", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_dry_run_shows_each_line_with_its_formula_and_stores_nothing()
    {
        await SampleRegister.ImportAsync(Db);
        using var client = Finance();

        var preview = await client.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/billing-preview/2026-10");

        var statements = preview.GetProperty("statements");
        Assert.Equal(144, statements.GetArrayLength());
        var movedIn = statements.EnumerateArray().Single(s => s.GetProperty("household").GetString() == "HZ-FXY-06-2-602");
        var line = movedIn.GetProperty("lines")[0];
        Assert.Equal("65.69 m² × 0.48 元/m²/月 × 22/31 天（10月10日–10月31日）", line.GetProperty("formula").GetString());
        Assert.Equal(22.38m, line.GetProperty("amount").GetDecimal());
        Assert.Equal("heze-kaifaqu@2022-01-01", line.GetProperty("rateVersion").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from statement"));
    }

    [Theory]
    [InlineData("/api/communities/HZ-FXY/billing-preview/2026-13", HttpStatusCode.BadRequest, "period")]
    [InlineData("/api/communities/HZ%20FXY/billing-preview/2026-10", HttpStatusCode.BadRequest, "community")]
    [InlineData("/api/communities/HZ-NONE/billing-preview/2026-10", HttpStatusCode.NotFound, "community")]
    public async Task A_bad_preview_request_names_the_field(string url, HttpStatusCode status, string field)
    {
        using var client = Finance();

        var response = await client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
