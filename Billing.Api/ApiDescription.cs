using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Runs;

namespace RedProperty.Billing.Api;

/// <summary>
/// How the Api writes its values and describes itself in <c>/openapi/v1.json</c>: response records
/// carry periods, dates and instants as domain types and amounts as decimals; the converters here write
/// them as the Api always has ("2026-10", "2026-10-31", "2026-10-31T02:00:00Z"), and the schema
/// transformers say so, so the document describes each body as it is really sent.
/// </summary>
public static class ApiDescription
{
    public const string BearerScheme = "Bearer";

    /// <summary>The audiences the Api serves; each operation is tagged with those of its route group (<see cref="ApiAudiences"/>).</summary>
    public const string FinanceStaff = "Finance staff";
    public const string Residents = "Residents";
    public const string DistrictFinance = "District finance";
    public const string Machines = "Machines and payment channels";

    public static IServiceCollection AddBillingApiDescription(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new YearMonthJson());
            options.SerializerOptions.Converters.Add(new LocalDateJson());
            options.SerializerOptions.Converters.Add(new InstantJson());
        });
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer(DescribeValues);
            options.AddOperationTransformer(DescribeAccess);
            options.AddDocumentTransformer(DescribeDocument);
        });
        return services;
    }

    /// <summary>The domain's values as they appear on the wire, not as the CLR types look to reflection (a YearMonth is not {calendar, era, …}).</summary>
    private static Task DescribeValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var clr = context.JsonTypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(clr) is not null;
        var type = Nullable.GetUnderlyingType(clr) ?? clr;
        var nullFlag = nullable ? JsonSchemaType.Null : 0;
        if (type == typeof(YearMonth))
        {
            Replace(schema, JsonSchemaType.String | nullFlag, null, @"^\d{4}-(0[1-9]|1[0-2])$", "A month, yyyy-MM.");
        }
        else if (type == typeof(LocalDate))
        {
            Replace(schema, JsonSchemaType.String | nullFlag, "date", null, null);
        }
        else if (type == typeof(Instant))
        {
            Replace(schema, JsonSchemaType.String | nullFlag, "date-time", null, null);
        }
        else if (type == typeof(ProblemDetails) || type == typeof(HttpValidationProblemDetails))
        {
            // The members this Api adds to RFC 7807 problems, declared so a client can rely on them.
            schema.Description = "An RFC 7807 problem; 'field' names the input at fault, 'errors' lists rows when there are several.";
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The input at fault (a body property, query parameter or path segment)." };
            schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String };
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Every bad row of a file, with its file, row, field and a code.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["source"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["row"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                        ["field"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            };
            schema.AdditionalProperties = null;
            schema.AdditionalPropertiesAllowed = false;
        }

        return Task.CompletedTask;
    }

    private static void Replace(OpenApiSchema schema, JsonSchemaType type, string? format, string? pattern, string? description)
    {
        schema.Type = type;
        schema.Format = format;
        schema.Pattern = pattern;
        schema.Description = description ?? schema.Description;
        schema.Properties?.Clear();
        schema.Required?.Clear();
        schema.AdditionalPropertiesAllowed = true;
    }

    /// <summary>
    /// A protected operation names the bearer scheme (so the page can try it) and the answers to a
    /// missing or wrong token. Its audience tags come from the route group it is mapped on (<see cref="ApiAudiences"/>),
    /// which also carries the policy, so the two are set in one place.
    /// </summary>
    private static Task DescribeAccess(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && metadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's role may not call this." });
        }

        // Every Api endpoint may refuse input with a 400 problem (declared on the group); one that names
        // something in its path answers 404 for what is not the caller's, and a write may conflict with
        // what is stored (409). All three carry the same problem document.
        if (operation.Responses?.TryGetValue("400", out var bad) == true && bad.Content is { } problem)
        {
            if (context.Description.RelativePath?.Contains('{', StringComparison.Ordinal) == true)
            {
                operation.Responses.TryAdd("404", new OpenApiResponse { Description = "Not found among the caller's own.", Content = problem });
            }

            if (!string.Equals(context.Description.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase))
            {
                operation.Responses.TryAdd("409", new OpenApiResponse { Description = "Conflicts with what is stored; nothing was changed.", Content = problem });
            }
        }

        return Task.CompletedTask;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "RedProperty.Billing";
        document.Info.Description = "Fees, subsidies and shared parking for red-property operators. Every body is JSON unless the path ends in .pdf, .csv or .xlsx; errors are RFC 7807 problems.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from the `token` command (finance staff, district finance) or a resident's link.",
        };
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = FinanceStaff, Description = "The operator's finance staff: register, runs, payments, parking, accounts." },
            new() { Name = Residents, Description = "A household's own statements, ledger and points." },
            new() { Name = DistrictFinance, Description = "The district's finance office: subsidy lines, claims, sign-off." },
            new() { Name = Machines, Description = "Health checks and the payment channels' notifications." },
        };
        return Task.CompletedTask;
    }

    private sealed class YearMonthJson : JsonConverter<YearMonth>
    {
        public override YearMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            BillingPeriod.Pattern.Parse(reader.GetString() ?? string.Empty).GetValueOrThrow();

        public override void Write(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options) => writer.WriteStringValue(BillingPeriod.Format(value));
    }

    private sealed class LocalDateJson : JsonConverter<LocalDate>
    {
        public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            LocalDatePattern.Iso.Parse(reader.GetString() ?? string.Empty).GetValueOrThrow();

        public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) => writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
    }

    /// <summary>Whole seconds in UTC, as the Api has always written times.</summary>
    private sealed class InstantJson : JsonConverter<Instant>
    {
        public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            InstantPattern.ExtendedIso.Parse(reader.GetString() ?? string.Empty).GetValueOrThrow();

        public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) => writer.WriteStringValue(InstantPattern.General.Format(value));
    }
}
