using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// Who each operation is for, as the OpenAPI document says it: the audience tags of every operation
/// against the table below, the bearer requirement wherever a token is needed, and the Api's real
/// answers to a caller outside those audiences (403 from the policy, before any handler) and to a
/// caller without a token (401).
/// </summary>
public sealed class AudienceTests : ApiHost
{
    private const string F = "Finance staff";
    private const string R = "Residents";
    private const string D = "District finance";
    private const string M = "Machines and payment channels";
    private const string Household = "HZ-FXY-01-1-101";

    /// <summary>
    /// Every operation the document describes and the audiences it serves. A new endpoint must be added
    /// here, which is the moment to decide who it is for.
    /// </summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        // Finance staff of an operator: register, runs, payments, arrears, parking, accounts, points, corrections, channels.
        ["POST /api/register/{file}"] = [F],
        ["GET /api/communities/{community}/billing-preview/{period}"] = [F],
        ["GET /api/communities"] = [F],
        ["GET /api/communities/{community}/households"] = [F],
        ["POST /api/runs"] = [F],
        ["GET /api/runs"] = [F],
        ["GET /api/runs/{id}"] = [F],
        ["POST /api/runs/{id}/approve"] = [F],
        ["POST /api/runs/{id}/cancel"] = [F],
        ["POST /api/runs/{id}/retry"] = [F],
        ["PUT /api/communities/{community}/scores/{period}"] = [F],
        ["POST /api/scores"] = [F],
        ["POST /api/communities/{community}/claims/{period}"] = [F],
        ["POST /api/communities/{community}/claims/{period}/corrections"] = [F],
        ["POST /api/payments"] = [F],
        ["POST /api/payments/import"] = [F],
        ["POST /api/payments/{id}/reversal"] = [F],
        ["GET /api/communities/{community}/arrears"] = [F],
        ["GET /api/communities/{community}/arrears.csv"] = [F],
        ["GET /api/communities/{community}/arrears.pdf"] = [F],
        ["GET /api/communities/{community}/collection-rate/{period}"] = [F],
        ["GET /api/operators/{operatorCode}/collection-rate/{period}"] = [F],
        ["GET /api/operators/{operatorCode}/ledger-check"] = [F],
        ["POST /api/households/{household}/points/earnings"] = [F],
        ["POST /api/households/{household}/points/redemptions"] = [F],
        ["POST /api/vouchers/{voucher}/use"] = [F],
        ["POST /api/statements/{statementNo}/adjustments"] = [F],
        ["POST /api/communities/{community}/parking/spaces"] = [F],
        ["POST /api/communities/{community}/parking/spaces/{number}/permits"] = [F],
        ["POST /api/communities/{community}/parking/spaces/{number}/releases"] = [F],
        ["POST /api/communities/{community}/parking/spaces/{number}/leases"] = [F],
        ["POST /api/businesses"] = [F],
        ["GET /api/communities/{community}/parking/occupancy/{date}"] = [F],
        ["POST /api/communities/{community}/parking/invoices/{period}"] = [F],
        ["GET /api/communities/{community}/parking/invoices/{period}"] = [F],
        ["GET /api/communities/{community}/parking/invoices/{period}/{business}"] = [F],
        ["GET /api/communities/{community}/parking/invoices/{period}/{business}.pdf"] = [F],
        ["POST /api/communities/{community}/parking/invoices/{period}/{business}/payments"] = [F],
        ["GET /api/communities/{community}/parking/pool/{period}"] = [F],
        ["POST /api/parking/payments/{id}/reversal"] = [F],
        ["POST /api/communities/{community}/accounts/{period}/income"] = [F],
        ["POST /api/communities/{community}/accounts/{period}/spending"] = [F],
        ["GET /api/communities/{community}/accounts/{period}"] = [F],
        ["GET /api/communities/{community}/accounts/{period}.pdf"] = [F],
        ["GET /api/payment-orders/{orderNo}"] = [F],
        ["POST /api/payment-orders/{orderNo}/query"] = [F],
        ["POST /api/payment-orders/{orderNo}/refund"] = [F],
        ["POST /api/payment-channels/{channel}/statements/{date}/reconciliation"] = [F],

        // District finance of a district: its household subsidy lines, claims by status, its decision, the workbook.
        ["GET /api/districts/{district}/subsidy-lines/{period}"] = [D],
        ["GET /api/districts/{district}/claims/{period}"] = [D],
        ["POST /api/districts/{district}/signoff/{period}"] = [D],
        ["GET /api/districts/{district}/reconciliation/{period}.xlsx"] = [D],

        // A household's own records: the resident, and their operator's finance staff.
        ["GET /api/households/{household}/statements"] = [F, R],
        ["GET /api/households/{household}/statements/{period}"] = [F, R],
        ["GET /api/households/{household}/statements/{period}.pdf"] = [F, R],
        ["GET /api/households/{household}/ledger"] = [F, R],
        ["GET /api/households/{household}/points"] = [F, R],
        ["GET /api/households/{household}/adjustments"] = [F, R],
        ["GET /api/payments/{id}/receipt.pdf"] = [F, R],
        ["GET /api/payments/{id}/reversal.pdf"] = [F, R],

        // A district's reconciliation and sign-off: district finance, and the operators' finance staff who claim in it.
        ["GET /api/districts/{district}/reconciliation/{period}"] = [F, D],
        ["GET /api/districts/{district}/reconciliation/{period}.csv"] = [F, D],
        ["GET /api/districts/{district}/reconciliation/{period}.pdf"] = [F, D],
        ["GET /api/districts/{district}/reconciliation/{period}/signed.pdf"] = [F, D],
        ["GET /api/districts/{district}/signoff/{period}"] = [F, D],

        // Anyone with a token.
        ["GET /api/rates"] = [F, R, D],
        ["POST /api/tokens/current/revocation"] = [F, R, D],

        // No token.
        ["GET /health"] = [M],
    };

    private sealed record Operation(string Method, string Template, JsonElement Definition)
    {
        public string[] Tags => Definition.TryGetProperty("tags", out var tags) ? tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];

        public bool NeedsBearer => Definition.TryGetProperty("security", out var security)
            && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _));

        public override string ToString() => $"{Method} {Template}";
    }

    [Fact]
    public async Task Every_operation_carries_exactly_its_audience_tags_and_the_bearer_requirement_when_it_needs_a_token()
    {
        var operations = await OperationsAsync();
        var failures = new List<string>();
        foreach (var missing in Expected.Keys.Except(operations.Select(o => o.ToString()), StringComparer.Ordinal))
        {
            failures.Add($"{missing}: expected in the document, not there");
        }

        foreach (var operation in operations)
        {
            if (!Expected.TryGetValue(operation.ToString(), out var audiences))
            {
                failures.Add($"{operation}: in the document with tags [{string.Join(", ", operation.Tags)}] but not in the table of audiences");
                continue;
            }

            var expected = audiences.Order(StringComparer.Ordinal).ToArray();
            if (!expected.SequenceEqual(operation.Tags, StringComparer.Ordinal))
            {
                failures.Add($"{operation}: tagged [{string.Join(", ", operation.Tags)}], expected [{string.Join(", ", expected)}]");
            }

            var needsToken = !audiences.SequenceEqual([M]);
            if (operation.NeedsBearer != needsToken)
            {
                failures.Add($"{operation}: bearer requirement {(operation.NeedsBearer ? "declared" : "missing")}");
            }

            if (needsToken && !(HasResponse(operation, "401") && HasResponse(operation, "403")))
            {
                failures.Add($"{operation}: needs a token but does not declare 401 and 403");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_caller_outside_an_operations_audiences_is_refused_by_its_policy_and_one_without_a_token_is_asked_for_one()
    {
        var operations = await OperationsAsync();
        var failures = new List<string>();
        using var anonymous = Anonymous();
        var callers = new (string Audience, HttpClient Client)[] { (F, Finance()), (R, Resident(Household)), (D, District()) };
        var called = 0;
        foreach (var operation in operations.Where(o => Expected.ContainsKey(o.ToString())))
        {
            called++;
            var audiences = Expected[operation.ToString()];
            var url = Fill(operation.Template);
            var unsigned = await SendAsync(anonymous, operation.Method, url);
            var expectedUnsigned = audiences.SequenceEqual([M]) ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
            if (unsigned.Status != expectedUnsigned)
            {
                failures.Add($"{operation} without a token: {(int)unsigned.Status}, expected {(int)expectedUnsigned}");
            }

            // An operation without a token answers anyone; it has no audience to be outside of.
            foreach (var (audience, client) in audiences.SequenceEqual([M]) ? Array.Empty<(string Audience, HttpClient Client)>() : callers)
            {
                var admitted = audiences.Contains(audience);

                // Only reads are called with a token the operation admits: a write would act.
                if (admitted && operation.Method != "GET")
                {
                    continue;
                }

                var (status, refusedByPolicy) = await SendAsync(client, operation.Method, url);
                if (!admitted && !(status == HttpStatusCode.Forbidden && refusedByPolicy))
                {
                    failures.Add($"{operation} as {audience}: {(int)status}, expected the policy's 403");
                }
                else if (admitted && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    failures.Add($"{operation} as {audience}: {(int)status}, expected to be let through to the handler");
                }
            }
        }

        foreach (var (_, client) in callers)
        {
            client.Dispose();
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Expected.Count, called);
    }

    /// <summary>The status, and whether a 403 is the policy's (a bare problem) rather than a handler's, which names the field at fault.</summary>
    private static async Task<(HttpStatusCode Status, bool RefusedByPolicy)> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method != "GET")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var namesAField = text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("field", out _);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Forbidden && !namesAField);
    }

    private async Task<List<Operation>> OperationsAsync()
    {
        using var client = Anonymous();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                operations.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, op.Value));
            }
        }

        return operations;
    }

    private static bool HasResponse(Operation operation, string status) =>
        operation.Definition.TryGetProperty("responses", out var responses) && responses.TryGetProperty(status, out _);

    /// <summary>A URL for the template, with the caller's own values where a scope is checked (and numbers where the route wants one).</summary>
    private static string Fill(string template) => RouteTemplate.Fill(template, name => name switch
        {
            "community" => "HZ-FXY",
            "household" => Household,
            "period" => "2026-10",
            "date" => "2026-10-15",
            "district" => SampleDistrict,
            "operatorCode" => SampleOperator,
            "id" or "business" => "1",
            "channel" => "wechat",
            _ => name,
        });
}
