using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

public sealed class ParkingApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    [Fact]
    public async Task Finance_staff_set_up_a_space_release_it_lease_it_and_see_the_day()
    {
        using var finance = Finance();

        var space = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = "A-017" });
        var permit = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-017/permits", new { household = "HZ-FXY-01-1-101", from = "2026-01-01" });
        var secondHolder = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-017/permits", new { household = "HZ-FXY-01-1-102", from = "2026-06-01" });
        var business = await finance.PostAsJsonAsync("/api/businesses", new { name = "鑫源便利店", contact = "张老板", creditCode = "91350100M000100Y43" });
        var businessId = (await business.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var release = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-017/releases", new { month = "2026-10", by = "业主 卢刚" });
        var lease = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-017/leases", new { month = "2026-10", business = businessId });
        var again = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces/A-017/leases", new { day = "2026-10-08", business = businessId });
        var occupancy = await finance.GetFromJsonAsync<JsonElement>("/api/communities/HZ-FXY/parking/occupancy/2026-10-08");

        Assert.Equal(HttpStatusCode.Created, space.StatusCode);
        Assert.Equal(HttpStatusCode.Created, permit.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, secondHolder.StatusCode);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        Assert.Equal(HttpStatusCode.Created, lease.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var day = occupancy.GetProperty("spaces")[0];
        Assert.Equal("A-017", day.GetProperty("space").GetString());
        Assert.Equal("鑫源便利店", day.GetProperty("leased")[0].GetProperty("business").GetString());
        Assert.Equal(1, day.GetProperty("released").GetArrayLength());
    }

    [Fact]
    public async Task A_mistyped_credit_code_is_a_400_naming_the_field_and_a_resident_cannot_lease()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");

        var bad = await finance.PostAsJsonAsync("/api/businesses", new { name = "某公司", contact = "李", creditCode = "91350100M000100Y44" });
        var forbidden = await resident.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = "A-001" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("creditCode", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
