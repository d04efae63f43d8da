using System.Net;
using System.Net.Http.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// Over Kestrel, which refuses header values that cannot travel (TestServer does not): a
/// subsidy claim for a Chinese district, a space named 地下 001 and a permit on it answer 201 with
/// a percent-encoded Location, and every response says nosniff and names no server.
/// </summary>
public sealed class ResponseHeadersTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    protected override bool OverKestrel => true;

    [Fact]
    public async Task A_claim_for_a_chinese_district_answers_201_with_an_encoded_location()
    {
        using var client = Finance();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/communities/HZ-FXY/scores/2026-10", new { score = 95 })).StatusCode);

        var claim = await client.PostAsync("/api/communities/HZ-FXY/claims/2026-10", null);

        Assert.Equal(HttpStatusCode.Created, claim.StatusCode);
        Assert.Equal("/api/districts/%E5%BC%80%E5%8F%91%E5%8C%BA/reconciliation/2026-10", claim.Headers.Location?.OriginalString);
        Assert.Equal(1, await Db.CountAsync("select count(*) from subsidy_claim"));
    }

    [Fact]
    public async Task A_space_with_a_chinese_name_and_a_space_and_a_permit_on_it_answer_201()
    {
        using var client = Finance();

        var space = await client.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = "地下 001" });
        var permit = await client.PostAsJsonAsync(
            $"/api/communities/HZ-FXY/parking/spaces/{Uri.EscapeDataString("地下 001")}/permits", new { household = "HZ-FXY-01-1-101", from = "2026-11-01" });

        Assert.Equal(HttpStatusCode.Created, space.StatusCode);
        Assert.Equal("/api/communities/HZ-FXY/parking/spaces/%E5%9C%B0%E4%B8%8B%20001", space.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Created, permit.StatusCode);
        Assert.Equal(1, await Db.CountAsync("select count(*) from parking_space where number = '地下 001'"));
    }

    [Fact]
    public async Task Responses_say_nosniff_and_name_no_server()
    {
        using var client = Finance();

        var ok = await client.GetAsync("/api/communities");
        var unauthorised = await Anonymous().GetAsync("/api/communities");

        foreach (var response in new[] { ok, unauthorised })
        {
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.False(response.Headers.Contains("Server"));
        }
    }
}
