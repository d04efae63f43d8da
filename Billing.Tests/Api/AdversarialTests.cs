using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// Generated from the Api's own OpenAPI document, so a new endpoint is covered the day it is added:
/// every operation with every role's token against objects of another operator, another household
/// and another district, and every write with the inputs that used to reach PostgreSQL.
/// </summary>
public sealed class AdversarialTests : ApiHost
{
    private const string Household = "HZ-FXY-01-1-101";
    private const string Space = "A-001";

    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    /// <summary>What the sample operator (TCJY) owns, for the path parameters and bodies.</summary>
    private sealed record Owned(long RunId, long PaymentId, long BusinessId, string Voucher);

    private async Task<Owned> CreateOwnObjectsAsync()
    {
        using var finance = Finance();
        var run = await finance.PostAsJsonAsync("/api/runs", new { period = "2026-11" });
        var payment = await finance.PostAsJsonAsync("/api/payments", new { household = Household, channel = "cash", reference = "OWN-1", amount = 1.00m, paidOn = "2026-11-01" });
        var business = await finance.PostAsJsonAsync("/api/businesses", new { name = "鑫源便利店", contact = "张老板", creditCode = "91350100M000100Y43" });
        var space = await finance.PostAsJsonAsync("/api/communities/HZ-FXY/parking/spaces", new { number = Space });
        var store = new PointsStore(Db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates));
        await store.EarnAsync(Household, "patrol", new LocalDate(2026, 10, 1), "楼栋长");
        await store.EarnAsync(Household, "patrol", new LocalDate(2026, 10, 2), "楼栋长");
        var voucher = (await store.RedeemAsync(Household, "errand", 30, new LocalDate(2026, 10, 20))).Vouchers.Single();
        foreach (var r in new[] { run, payment, business, space })
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }

        return new Owned(
            (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(),
            (await payment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(),
            (await business.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(),
            voucher);
    }

    private sealed record Operation(string Method, string Template, JsonElement Definition);

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

        Components = document.GetProperty("components");
        return operations;
    }

    private JsonElement Components { get; set; }

    private static string Fill(string template, Owned own, Func<string, string?>? overrideValue = null) =>
        RouteTemplate.Fill(template, name => overrideValue?.Invoke(name) ?? name switch
        {
            "community" => "HZ-FXY",
            "household" => Household,
            "period" => "2026-10",
            "district" => SampleDistrict,
            "id" when template.StartsWith("/api/runs", StringComparison.Ordinal) => own.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" => own.PaymentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "statementNo" => "202610-HZ-FXY-01-1-101",
            "voucher" => own.Voucher,
            "number" => Space,
            "business" => own.BusinessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "operatorCode" => SampleOperator,
            "file" => "households",
            "date" => "2026-11-02",
            _ => name,
        });

    /// <summary>The body's properties (name → schema), resolving one level of $ref; empty when the body is not JSON.</summary>
    private List<(string Name, JsonElement Schema)> BodyProperties(JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body)
            || !body.GetProperty("content").TryGetProperty("application/json", out var json)
            || !json.TryGetProperty("schema", out var schema))
        {
            return [];
        }

        schema = Resolve(schema);
        return schema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => (p.Name, Resolve(p.Value))).ToList()
            : [];
    }

    /// <summary>The schema itself, the component a $ref names, or the first such among oneOf/anyOf/allOf (a nullable body).</summary>
    private JsonElement Resolve(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return schema;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/').Last();
            return Resolve(Components.GetProperty("schemas").GetProperty(name));
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                foreach (var option in options.EnumerateArray())
                {
                    var resolved = Resolve(option);
                    var onlyNull = resolved.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
                    if (resolved.ValueKind == JsonValueKind.Object && !onlyNull)
                    {
                        return resolved;
                    }
                }
            }
        }

        return schema;
    }

    private static bool IsCsv(string template) =>
        template.StartsWith("/api/register/", StringComparison.Ordinal) || template is "/api/payments/import" or "/api/scores";

    /// <summary>A plausible value for a body property, naming the sample operator's objects.</summary>
    private static JsonNode? Plausible(string name, Owned own) => name switch
    {
        "household" => Household,
        "period" or "inPeriod" or "month" => "2026-11",
        "amount" => 1.00m,
        "on" or "paidOn" or "from" or "enteredOn" or "day" => "2026-11-02",
        "to" => "2026-11-30",
        "channel" => "cash",
        "reference" => "R-" + name.Length,
        "creditCode" => "91350100M000100Y43",
        "score" => 90,
        "points" => 30,
        "reward" => "errand",
        "service" => "patrol",
        "business" => own.BusinessId,
        "communities" => new JsonArray("HZ-FXY"),
        "number" => "B-001",
        "category" => "cleaning",
        "dryRun" => false,
        "weekdays" or "corrects" or "skipHolidays" => null,
        _ => "测试",
    };

    private JsonObject PlausibleBody(Operation operation, Owned own)
    {
        var body = new JsonObject();
        foreach (var (name, _) in BodyProperties(operation.Definition))
        {
            body[name] = Plausible(name, own);
        }

        return body;
    }

    private static string CsvNaming(string template) => template switch
    {
        "/api/payments/import" => $"channel,reference,household_code,amount,paid_on\ncash,CSV-1,{Household},1.00,2026-11-01\n",
        "/api/scores" => "community_code,period,score\nHZ-FXY,2026-10,90\n",
        _ => "household_code,community_code,building,unit,room,building_area_m2,owner_name,occupant_name,phone,parking_permits,effective_from\n"
            + $"{Household},HZ-FXY,1,1,101,10.00,冒名,,13800000000,0,2026-11-01\n",
    };

    private HttpRequestMessage Request(Operation operation, string url, Owned own, JsonObject? body = null, string? csv = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        if (operation.Method is "POST" or "PUT")
        {
            request.Content = IsCsv(operation.Template)
                ? new StringContent(csv ?? CsvNaming(operation.Template), Encoding.UTF8, "text/csv")
                : new StringContent((body ?? PlausibleBody(operation, own)).ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    [Fact]
    public async Task Every_operation_with_every_role_refuses_objects_of_another_operator_household_and_district()
    {
        var own = await CreateOwnObjectsAsync();
        var operations = await OperationsAsync();
        var callers = new (string Name, HttpClient Client, string[] Foreign)[]
        {
            ("no token", Anonymous(), ["HZ-FXY", SampleOperator]),
            ("finance staff of another operator", Finance("OP2"), ["HZ-FXY", SampleOperator, "卢刚"]),
            ("a resident of another household", Resident("HZ-FXY-01-1-102"), [Household, "卢刚"]),
            ("district finance of another district", District("牡丹区"), ["HZ-FXY", SampleOperator, "卢刚"]),
        };
        var failures = new List<string>();
        var refusals = 0;
        // Signing out revokes the caller's own token and touches nothing else; it would end the caller's part of this test.
        foreach (var operation in operations.Where(o => o.Template.StartsWith("/api/", StringComparison.Ordinal) && !o.Template.StartsWith("/api/tokens/", StringComparison.Ordinal)))
        {
            foreach (var (name, client, foreign) in callers)
            {
                var url = Fill(operation.Template, own);
                var response = await client.SendAsync(Request(operation, url, own));
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status is 401 or 403 or 404)
                {
                    refusals++;
                    continue;
                }

                // A caller may list what is its own (an empty list) or read the public rate book, but never see or change the sample operator's data.
                var leaked = foreign.FirstOrDefault(f => text.Contains(f, StringComparison.Ordinal));
                // A 400 for a body the endpoint checks before the scope refuses too, as long as it shows nothing of the other operator.
                var succeeded = status is >= 200 and < 300;
                if (status >= 500 || leaked is not null || (succeeded && operation.Method != "GET" && !CreatesOnlyTheCallersOwn(operation)))
                {
                    failures.Add($"{operation.Method} {url} as {name}: {status}{(leaked is null ? string.Empty : $" showing '{leaked}'")}: {text[..Math.Min(text.Length, 300)]}");
                }
            }
        }

        Assert.True(operations.Count >= 50, $"only {operations.Count} operations in the OpenAPI document");
        Assert.True(refusals >= operations.Count * 3, $"only {refusals} refusals");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Registering a business makes the caller's own record (businesses are per operator), whatever credit code it names.</summary>
    private static bool CreatesOnlyTheCallersOwn(Operation operation) => operation.Template == "/api/businesses";

    /// <summary>Refused in any text: control and direction characters, a megabyte, dates outside any billing year.</summary>
    private static readonly JsonNode?[] BadTexts =
    [
        "\u0000", "a\u0001b", "\u202Eevil.exe", "line\nbreak", new string('x', 1_000_000), "0000-01-01", "9999-12-31",
    ];

    /// <summary>Also refused where a date or month is asked for ("infinity" is fine as a reason or a name).</summary>
    private static readonly JsonNode?[] BadDates = ["infinity", "-infinity", "0000-01", "9999-12", "2026-02-30", "yesterday"];

    private static bool IsDateField(string name) => name is "on" or "paidOn" or "from" or "to" or "day" or "month" or "period" or "inPeriod" or "enteredOn";

    private static readonly JsonNode?[] BadNumbers = [10_000_000_000m, -10_000_000_000m, JsonNode.Parse("1e30"), JsonNode.Parse("79228162514264337593543950336"), "ten"];

    [Fact]
    public async Task Every_write_refuses_bad_input_with_a_4xx_and_stores_nothing()
    {
        var own = await CreateOwnObjectsAsync();
        var operations = (await OperationsAsync())
            .Where(o => o.Method is "POST" or "PUT" && o.Template.StartsWith("/api/", StringComparison.Ordinal) && !o.Template.StartsWith("/api/tokens/", StringComparison.Ordinal))
            .ToList();
        using var finance = Finance();
        var before = await RowCountsAsync();
        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in operations)
        {
            var cases = new List<(string What, string Url, JsonObject? Body, string? Csv)>();
            foreach (var (name, schema) in BodyProperties(operation.Definition))
            {
                var type = schema.TryGetProperty("type", out var t) ? t.ToString() : "string";
                var bad = type.Contains("number", StringComparison.Ordinal) || type.Contains("integer", StringComparison.Ordinal) ? BadNumbers
                    : type.Contains("array", StringComparison.Ordinal) ? BadTexts.Select(b => (JsonNode?)new JsonArray(b?.DeepClone())).ToArray()
                    : type.Contains("boolean", StringComparison.Ordinal) ? ["yes"]
                    : IsDateField(name) ? [.. BadTexts, .. BadDates]
                    : BadTexts;
                foreach (var value in bad)
                {
                    var body = PlausibleBody(operation, own);
                    body[name] = value?.DeepClone();
                    cases.Add(($"{name} = {Show(value)}", Fill(operation.Template, own), body, null));
                }
            }

            foreach (var parameter in new[] { "community", "household", "period", "number", "voucher", "statementNo", "district" })
            {
                if (operation.Template.Contains($"{{{parameter}", StringComparison.Ordinal))
                {
                    foreach (var value in new[] { "\u0001", "\u202E", "9999-12", new string('x', 5_000) })
                    {
                        cases.Add(($"{{{parameter}}} = {Show(value)}", Fill(operation.Template, own, p => p == parameter ? value : null), null, null));
                    }
                }
            }

            if (IsCsv(operation.Template))
            {
                var valid = CsvNaming(operation.Template).Replace($"{Household},", "X-NEW-1,", StringComparison.Ordinal);
                foreach (var value in new[] { "\u0000", "\u202E名", "=HYPERLINK(\"x\")\u0001", "9999-12-31", new string('名', 1_000_000) })
                {
                    cases.Add(($"csv field = {Show(value)}", Fill(operation.Template, own), null, valid.Replace("1.00", value, StringComparison.Ordinal).Replace("90\n", value + "\n", StringComparison.Ordinal).Replace("冒名", value, StringComparison.Ordinal)));
                }
            }

            foreach (var (what, url, body, csv) in cases)
            {
                var response = await finance.SendAsync(Request(operation, url, own, body, csv));
                sent++;
                var status = (int)response.StatusCode;
                if (status is < 400 or >= 500)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    failures.Add($"{operation.Method} {operation.Template} with {what}: {status} {text[..Math.Min(300, text.Length)]}");
                }
            }
        }

        var after = await RowCountsAsync();
        var changed = after.Where(a => before.GetValueOrDefault(a.Key) != a.Value).Select(a => $"{a.Key}: {before.GetValueOrDefault(a.Key)} → {a.Value}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent}:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        Assert.Empty(changed);
        Assert.True(sent > 500, $"only {sent} bad requests");
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        JsonNode node when node.ToJsonString().Length > 40 => $"({node.ToJsonString().Length} characters)",
        JsonNode node => node.ToJsonString(),
        string s when s.Length > 40 => $"({s.Length} characters)",
        string s => JsonSerializer.Serialize(s),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Rows in every table of the billing schema, read back from PostgreSQL.</summary>
    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var tables = new List<string>();
        await using (var list = Db.DataSource.CreateCommand("select tablename from pg_tables where schemaname = 'public' order by 1"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = await Db.CountAsync($"select count(*) from \"{table}\"");
        }

        return counts;
    }
}
