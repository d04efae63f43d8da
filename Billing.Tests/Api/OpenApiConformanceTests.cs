using System.Net.Http.Json;
using System.Text.Json;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// The OpenAPI document against the Api's real answers: every JSON GET (and some writes) is called
/// with a token of its audience on the billed sample, and each body is checked against the schema
/// the document declares for that status. A body the document does not describe, a property it does
/// not name, or a period it declares as an object fails.
/// </summary>
public sealed class OpenApiConformanceTests : ApiHost
{
    private const string Household = "HZ-FXY-01-1-101";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    /// <summary>
    /// GETs the billed sample has nothing for (no online payment order, no business invoice, no
    /// parking pool): their 404 problem is checked against the declared problem schema instead.
    /// </summary>
    private static readonly SortedSet<string> NothingInTheSample = new(StringComparer.Ordinal)
    {
        "GET /api/payment-orders/{orderNo}",
        "GET /api/communities/{community}/parking/invoices/{period}/{business}",
        "GET /api/communities/{community}/parking/pool/{period}",
    };

    private sealed record Operation(string Method, string Template, JsonElement Definition)
    {
        public IEnumerable<string> Tags => Definition.TryGetProperty("tags", out var tags) ? tags.EnumerateArray().Select(t => t.GetString()!) : [];

        public override string ToString() => $"{Method} {Template}";
    }

    [Fact]
    public async Task Every_JSON_GET_answers_with_a_body_its_declared_schema_describes()
    {
        var (document, operations) = await DocumentAsync();
        var schema = new ResponseSchema(document.GetProperty("components"));
        var runId = await StartRunAsync();
        var failures = new List<string>();
        var checkedOk = new List<string>();
        var answeredWithProblem = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations.Where(o => o.Method == "GET" && o.Template.StartsWith("/api/", StringComparison.Ordinal) && !IsFile(o.Template)))
        {
            using var client = ClientFor(operation);
            var response = await client.GetAsync(Fill(operation.Template, runId));
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                answeredWithProblem.Add(operation.ToString());
                if (status != "404" || DeclaredSchema(operation, status) is not { } problem)
                {
                    failures.Add($"{operation}: {status} {text[..Math.Min(200, text.Length)]}");
                    continue;
                }

                failures.AddRange(schema.Check(JsonDocument.Parse(text).RootElement, problem).Select(e => $"{operation} {status}: {e}"));
                continue;
            }

            if (DeclaredSchema(operation, status) is not { } declared)
            {
                failures.Add($"{operation}: {status} is not declared with a JSON schema");
                continue;
            }

            failures.AddRange(schema.Check(JsonDocument.Parse(text).RootElement, declared).Select(e => $"{operation}: {e}"));
            checkedOk.Add(operation.ToString());
        }

        Assert.True(
            failures.Count == 0 && NothingInTheSample.SetEquals(answeredWithProblem),
            string.Join("\n", failures.Append($"answered with a problem: {string.Join(", ", answeredWithProblem)}")));
        Assert.Contains("GET /api/households/{household}/statements/{period}", checkedOk);
        Assert.Contains("GET /api/runs/{id}", checkedOk);
    }

    [Fact]
    public async Task Writes_answer_with_bodies_their_declared_schemas_describe()
    {
        var (document, operations) = await DocumentAsync();
        var schema = new ResponseSchema(document.GetProperty("components"));
        using var finance = Finance();
        using var district = District();
        var failures = new List<string>();

        async Task<JsonElement> CheckAsync(string method, string template, string url, object body, HttpClient? client = null)
        {
            var operation = operations.Single(o => o.Method == method && o.Template == template);
            var response = await (client ?? finance).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var text = await response.Content.ReadAsStringAsync();
            var declared = DeclaredSchema(operation, status);
            var answer = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
            if (declared is null)
            {
                failures.Add($"{operation}: {status} is not declared with a JSON schema: {text[..Math.Min(200, text.Length)]}");
                return answer;
            }

            failures.AddRange(schema.Check(answer, declared.Value).Select(e => $"{operation} {status}: {e}"));
            return answer;
        }

        await CheckAsync("POST", "/api/runs", "/api/runs", new { period = "2026-11", dryRun = true });
        await CheckAsync("POST", "/api/runs", "/api/runs", new { period = "2026-11" });
        await CheckAsync("POST", "/api/runs", "/api/runs", new { period = "2026-13" });
        var run = await StartRunAsync();
        await CheckAsync("POST", "/api/runs/{id}/cancel", $"/api/runs/{run}/cancel", new { });
        await CheckAsync("POST", "/api/runs/{id}/cancel", $"/api/runs/{run}/cancel", new { });

        var statements = await finance.GetFromJsonAsync<JsonElement>($"/api/households/{Household}/statements");
        var statementNo = statements.GetProperty("items")[0].GetProperty("statementNo").GetString()!;
        const string Adjustments = "/api/statements/{statementNo}/adjustments";
        await CheckAsync("POST", Adjustments, $"/api/statements/{Uri.EscapeDataString(statementNo)}/adjustments", new { amount = -1.50m, reason = "Meter read twice" });
        await CheckAsync("POST", Adjustments, $"/api/statements/{Uri.EscapeDataString(statementNo)}/adjustments", new { reason = "No amount" });

        var signOff = $"/api/districts/{Uri.EscapeDataString(SampleDistrict)}/signoff/2026-10";
        await CheckAsync("POST", "/api/districts/{district}/signoff/{period}", signOff, new { decision = "approved" }, district);
        await CheckAsync("POST", "/api/districts/{district}/signoff/{period}", signOff, new { decision = "maybe" }, district);

        const string Spaces = "/api/communities/HZ-FXY/parking/spaces";
        await CheckAsync("POST", "/api/communities/{community}/parking/spaces", Spaces, new { number = "A-017" });
        await CheckAsync("POST", "/api/communities/{community}/parking/spaces/{number}/permits", $"{Spaces}/A-017/permits", new { household = Household, from = "2026-12-01" });
        var business = await CheckAsync("POST", "/api/businesses", "/api/businesses", new { name = "鑫源便利店", contact = "张老板", creditCode = "91350100M000100Y43" });
        await CheckAsync("POST", "/api/communities/{community}/parking/spaces/{number}/releases", $"{Spaces}/A-017/releases", new { month = "2026-12", by = "业主 卢刚" });
        await CheckAsync("POST", "/api/communities/{community}/parking/spaces/{number}/leases", $"{Spaces}/A-017/leases", new { month = "2026-12", business = business.GetProperty("id").GetInt64() });
        await CheckAsync("POST", "/api/communities/{community}/parking/spaces/{number}/leases", $"{Spaces}/A-017/leases", new { month = "2026-12" });

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Periods_dates_and_money_are_declared_as_they_are_sent_and_calls_name_the_bearer_scheme()
    {
        var (document, operations) = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var statement = schemas.GetProperty("StatementResponse").GetProperty("properties");

        Assert.Equal("string", PrimaryType(statement.GetProperty("period"), schemas));
        Assert.Equal("date", Resolve(statement.GetProperty("dueDate"), schemas).GetProperty("format").GetString());
        Assert.Equal("number", PrimaryType(statement.GetProperty("total"), schemas));
        foreach (var (name, schema) in schemas.EnumerateObject().SelectMany(s => s.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => (s.Name + "." + x.Name, x.Value)) : []))
        {
            if (name.EndsWith(".period", StringComparison.Ordinal))
            {
                Assert.True(PrimaryType(schema, schemas) == "string", $"{name} is declared as {PrimaryType(schema, schemas)}");
            }
        }

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer", "JWT"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString(), bearer.GetProperty("bearerFormat").GetString()));
        var statements = operations.Single(o => o.Method == "GET" && o.Template == "/api/households/{household}/statements/{period}");
        Assert.True(statements.Definition.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.Equal(["Finance staff", "Residents"], statements.Tags.Order(StringComparer.Ordinal));
        var health = operations.Single(o => o.Template == "/health");
        Assert.False(health.Definition.TryGetProperty("security", out _));
    }

    [Fact]
    public void The_check_refuses_a_period_declared_as_an_object_and_a_property_not_declared()
    {
        var components = JsonDocument.Parse("""
            {"schemas": {
              "Good": {"type": "object", "properties": {"period": {"type": "string", "pattern": "^\\d{4}-(0[1-9]|1[0-2])$"}, "total": {"type": "number"}}, "required": ["period"]},
              "AsReflected": {"type": "object", "properties": {"period": {"type": "object", "properties": {"year": {"type": "integer"}, "month": {"type": "integer"}, "calendar": {"type": "string"}}}}}
            }}
            """).RootElement;
        var check = new ResponseSchema(components);
        JsonElement Ref(string name) => JsonDocument.Parse($$"""{"$ref": "#/components/schemas/{{name}}"}""").RootElement;
        JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

        Assert.Empty(check.Check(Body("""{"period": "2026-10", "total": 26.53}"""), Ref("Good")));
        Assert.NotEmpty(check.Check(Body("""{"period": "2026-10"}"""), Ref("AsReflected")));
        Assert.Contains("$.extra: sent but not declared", check.Check(Body("""{"period": "2026-10", "extra": {"a": 1}}"""), Ref("Good")));
        Assert.NotEmpty(check.Check(Body("""{"period": "2026-13"}"""), Ref("Good")));
        Assert.NotEmpty(check.Check(Body("""{"total": 1}"""), Ref("Good")));
        Assert.NotEmpty(check.Check(Body("""{"period": "2026-10"}"""), Body("{}")));
    }

    private async Task<(JsonElement Document, List<Operation> Operations)> DocumentAsync()
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

        return (document, operations);
    }

    private async Task<long> StartRunAsync()
    {
        using var finance = Finance();
        var run = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-11" });
        Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
        return (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private HttpClient ClientFor(Operation operation) =>
        operation.Tags.Contains("Finance staff") ? Finance()
        : operation.Tags.Contains("Residents") ? Resident(Household)
        : operation.Tags.Contains("District finance") ? District()
        : Anonymous();

    private static bool IsFile(string template) =>
        template.EndsWith(".pdf", StringComparison.Ordinal) || template.EndsWith(".csv", StringComparison.Ordinal) || template.EndsWith(".xlsx", StringComparison.Ordinal);

    /// <summary>The JSON schema the operation declares for a status, or null when it declares none.</summary>
    private static JsonElement? DeclaredSchema(Operation operation, string status)
    {
        if (!operation.Definition.TryGetProperty("responses", out var responses) || !responses.TryGetProperty(status, out var response)
            || !response.TryGetProperty("content", out var content))
        {
            return null;
        }

        foreach (var type in new[] { "application/json", "application/problem+json" })
        {
            if (content.TryGetProperty(type, out var media) && media.TryGetProperty("schema", out var schema))
            {
                return schema;
            }
        }

        return null;
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Resolve(schemas.GetProperty(reference.GetString()!.Split('/').Last()), schemas);
        }

        if (schema.TryGetProperty("oneOf", out var options))
        {
            return options.EnumerateArray().Select(o => Resolve(o, schemas)).First(o => PrimaryType(o, schemas) != "null");
        }

        return schema;
    }

    /// <summary>The declared type apart from "null".</summary>
    private static string? PrimaryType(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out _) || schema.TryGetProperty("oneOf", out _))
        {
            return PrimaryType(Resolve(schema, schemas), schemas);
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }

    private static string Fill(string template, long runId) =>
        RouteTemplate.Fill(template, name => name switch
        {
            "community" => "HZ-FXY",
            "household" => Household,
            "period" => "2026-10",
            "district" => SampleDistrict,
            "id" when template.StartsWith("/api/runs", StringComparison.Ordinal) => runId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "operatorCode" => SampleOperator,
            "date" => "2026-10-15",
            _ => name,
        });
}
