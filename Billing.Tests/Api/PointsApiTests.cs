using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

public sealed class PointsApiTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    [Fact]
    public async Task Staff_record_services_and_redemptions_and_the_resident_sees_balance_and_history()
    {
        using var finance = Finance();
        using var resident = Resident("HZ-FXY-01-1-101");
        for (var i = 0; i < 3; i++)
        {
            var earned = await finance.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/earnings", new { service = "mediation", on = "2026-10-0" + (i + 1), confirmedBy = "楼栋长 李建华" });
            Assert.Equal(HttpStatusCode.Created, earned.StatusCode);
        }

        var redeemed = await finance.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/redemptions", new { reward = "fee-credit", points = 100 });
        var tooMuch = await finance.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/redemptions", new { reward = "fee-credit", points = 100 });
        var points = await resident.GetFromJsonAsync<JsonElement>("/api/households/HZ-FXY-01-1-101/points");

        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        Assert.Equal(10.00m, (await redeemed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credit").GetProperty("yuan").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);
        Assert.Equal(50, points.GetProperty("balance").GetInt32());
        Assert.Equal(4, points.GetProperty("history").GetArrayLength());
        Assert.Equal("楼栋长 李建华", points.GetProperty("history")[0].GetProperty("confirmedBy").GetString());
    }

    [Fact]
    public async Task A_resident_sees_only_their_own_points_and_cannot_award_any()
    {
        using var resident = Resident("HZ-FXY-01-1-101");

        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync("/api/households/HZ-FXY-01-1-102/points")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/earnings", new { service = "patrol", confirmedBy = "me" })).StatusCode);
    }

    [Fact]
    public async Task An_unknown_service_or_a_missing_confirmation_is_a_400_naming_the_field()
    {
        using var finance = Finance();

        var unknown = await finance.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/earnings", new { service = "sleeping", confirmedBy = "x" });
        var unconfirmed = await finance.PostAsJsonAsync("/api/households/HZ-FXY-01-1-101/points/earnings", new { service = "patrol" });

        Assert.Equal("service", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal("confirmedBy", (await unconfirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
