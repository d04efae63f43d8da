using Npgsql;

namespace RedProperty.Billing.Api;

public static class HealthApi
{
    /// <summary>Healthy only when PostgreSQL answers and the migrations have been applied.</summary>
    public static ApiAudiences MapHealthApi(this ApiAudiences audiences)
    {
        audiences.Machines.MapGet("/health", async Task<IResult> (NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = db.CreateCommand("select count(*) from public.schema_migrations");
                var migrations = (long)(await cmd.ExecuteScalarAsync(ct))!;
                return TypedResults.Ok(new HealthReport("healthy", "reachable", migrations));
            }
            catch (NpgsqlException e)
            {
                http.Response.Headers.RetryAfter = ApiErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    title: "Database unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return audiences;
    }

    public sealed record HealthReport(string Status, string Database, long MigrationsApplied);
}
