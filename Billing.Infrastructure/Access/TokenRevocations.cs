using NodaTime;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Access;

/// <summary>The denylist of token ids (jti) that the Api checks on every request.</summary>
public sealed class TokenRevocations(NpgsqlDataSource db)
{
    public async Task<bool> IsRevokedAsync(string jti, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select 1 from revoked_token where jti = @j");
        cmd.Parameters.AddWithValue("j", jti);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Revokes a token by its id; revoking twice keeps the first reason.</summary>
    public async Task RevokeAsync(string jti, Instant expires, string reason, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "insert into revoked_token (jti, expires_at, reason) values (@j, @e, @r) on conflict (jti) do nothing");
        cmd.Parameters.AddWithValue("j", jti);
        cmd.Parameters.AddWithValue("e", expires);
        cmd.Parameters.AddWithValue("r", reason);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
