using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>Tokens that are signed correctly but still wrong are a 401, a signed-out token stops working at once, and weak keys never start the Api.</summary>
public sealed class TokenHardeningTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    private HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Forge(IEnumerable<Claim> claims, TimeSpan? lifetime = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer,
            Audience = AccessTokens.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(AccessTokens.Key(SigningKey), SecurityAlgorithms.HmacSha256),
        });

    public static readonly TheoryData<string, string[]> WrongTokens = new()
    {
        { "two roles", ["role:finance", "role:resident", "scope:TCJY", "jti:a1"] },
        { "two scopes", ["role:finance", "scope:TCJY", "scope:OTHER", "jti:a2"] },
        { "no scope", ["role:finance", "jti:a3"] },
        { "no role", ["scope:TCJY", "jti:a4"] },
        { "unknown role", ["role:admin", "scope:TCJY", "jti:a5"] },
        { "no token id", ["role:finance", "scope:TCJY"] },
    };

    [Theory]
    [MemberData(nameof(WrongTokens))]
    public async Task A_signed_token_without_exactly_one_grant_and_an_id_is_a_401(string why, string[] claims)
    {
        using var client = WithToken(Forge(claims.Select(c => new Claim(c.Split(':')[0], c.Split(':')[1])).Append(new Claim("sub", why))));

        var response = await client.GetAsync("/api/communities");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_living_longer_than_30_days_is_refused_and_cannot_be_issued()
    {
        using var client = WithToken(Forge([new Claim("role", "finance"), new Claim("scope", "TCJY"), new Claim("jti", "long"), new Claim("sub", "x")], TimeSpan.FromDays(90)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/communities")).StatusCode);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AccessTokens.Issue(new AccessGrant(AccessRole.FinanceStaff, "TCJY", "x"), SigningKey, NodaTime.SystemClock.Instance.GetCurrentInstant(), NodaTime.Duration.FromDays(31)));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_the_next_request()
    {
        using var client = Finance();

        var before = await client.GetAsync("/api/communities");
        var revoke = await client.PostAsync("/api/tokens/current/revocation", null);
        var after = await client.GetAsync("/api/communities");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(1, await Db.CountAsync("select count(*) from revoked_token where reason = 'signed out'"));
        using var another = Finance();
        Assert.Equal(HttpStatusCode.OK, (await another.GetAsync("/api/communities")).StatusCode);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("0101010101010101010101010101010101010101")]
    [InlineData("short-but-varied-key")]
    [InlineData("")]
    public void A_weak_signing_key_is_refused(string key)
    {
        Assert.Throws<InvalidOperationException>(() => AccessTokens.Key(key));
    }

    [Fact]
    public async Task A_body_that_does_not_bind_names_the_field()
    {
        using var client = Finance();

        var response = await client.PostAsync("/api/payments", new StringContent("{\"household\":\"HZ-FXY-01-1-101\",\"amount\":\"ten\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("amount", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_lone_surrogate_in_text_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        using var client = Finance();

        // Written as a JSON escape, so no client library can repair it into U+FFFD on the way.
        var body = "{\"household\":\"HZ-FXY-01-1-101\",\"channel\":\"cash\",\"reference\":\"R\\uD800x\",\"amount\":1.00,\"paidOn\":\"2026-11-01\"}";
        var response = await client.PostAsync("/api/payments", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("reference", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select count(*) from payment"));
    }

    public static readonly TheoryData<string, object, string> BadInputs = new()
    {
        { "/api/payments", new { household = "HZ-FXY-01-1-101", channel = "cash", reference = "R\u00001", amount = 1.00m, paidOn = "2026-11-01" }, "reference" },
        { "/api/payments", new { household = "HZ-FXY-01-1-101", channel = "cash", reference = "R1", amount = 10_000_000_000m, paidOn = "2026-11-01" }, "amount" },
        { "/api/payments", new { household = "HZ-FXY-01-1-101", channel = "cash", reference = "R1", amount = 1.00m, paidOn = "9999-12-31" }, "paidOn" },
        { "/api/payments", new { household = "HZ-FXY-01-1-101", channel = "cash", reference = new string('x', 1_000_000), amount = 1.00m, paidOn = "2026-11-01" }, "reference" },
        { "/api/businesses", new { name = "鑫源\u202E店便利", contact = "张", creditCode = "91350100M000100Y43" }, "name" },
        { "/api/communities/HZ-FXY/parking/spaces", new { number = "A\u0007" }, "number" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_text_amounts_and_dates_are_a_400_naming_the_field_and_nothing_is_stored(string url, object body, string field)
    {
        using var client = Finance();

        var response = await client.PostAsJsonAsync(url, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await Db.CountAsync("select (select count(*) from payment) + (select count(*) from business) + (select count(*) from parking_space)"));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]
    [InlineData("+86 138", "'+86 138")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("-10.00", "-10.00")]
    [InlineData("卢刚", "卢刚")]
    public void Spreadsheet_cells_that_would_run_as_formulas_are_escaped(string text, string cell)
    {
        Assert.Equal(cell, RedProperty.Billing.Infrastructure.Exports.SpreadsheetCell.Safe(text));
    }
}

/// <summary>The framework's rate limiter: a token that asks too often gets 429 with Retry-After.</summary>
public sealed class RateLimitTests : ApiHost
{
    protected override TestSeed Seed => Seeds.SampleRegistered;

    protected override int RateLimitPerMinute => 3;

    [Fact]
    public async Task The_fourth_request_in_a_minute_is_a_429_with_retry_after()
    {
        using var client = Finance();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.GetAsync("/api/communities");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(last.Headers.RetryAfter);
        using var other = Finance();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/communities")).StatusCode);
    }
}
