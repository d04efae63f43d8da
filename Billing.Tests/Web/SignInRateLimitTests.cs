using System.Net;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>Password guessing at the console's sign-in is limited per address before any password is checked.</summary>
public sealed class SignInRateLimitTests : ApiHost
{
    protected override int SignInPerMinute => 3;

    [Fact]
    public async Task The_fourth_sign_in_attempt_in_a_minute_from_one_address_is_refused_with_429_and_Retry_After()
    {
        var client = Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "shoufei", ["Password"] = "wrong-password-" + i });
            using var response = await client.PostAsync("/console/sign-in", form);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null, "a refused attempt says when to try again");
            }
        }

        // The first three reach the page (and fail its antiforgery check); the fourth never does.
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);

        // Reading the form is never limited.
        using var get = await client.GetAsync("/console/sign-in");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }
}
