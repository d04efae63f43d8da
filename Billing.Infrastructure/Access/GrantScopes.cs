using Npgsql;

namespace RedProperty.Billing.Infrastructure.Access;

/// <summary>A token is only issued for an operator, household or district that exists in the register.</summary>
public static class GrantScopes
{
    /// <summary>Refuses (with the reason) a grant whose scope is not in the register; the database is the configured one.</summary>
    public static async Task EnsureExistsAsync(NpgsqlDataSource db, AccessGrant grant, CancellationToken ct = default)
    {
        var (sql, what) = grant.Role switch
        {
            AccessRole.FinanceStaff => ("select 1 from operator where code = @s", "operator"),
            AccessRole.Resident => ("select 1 from household where code = @s", "household"),
            _ => ("select 1 from community where district = @s limit 1", "district (no community is in it)"),
        };
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("s", grant.Scope);
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            throw new ArgumentException($"--scope '{grant.Scope}' is not a known {what}; no token was issued.");
        }
    }
}
