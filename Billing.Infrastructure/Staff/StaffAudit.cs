using Npgsql;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Staff;

public sealed record AuditEntry(long Id, Instant At, string UserName, string DisplayName, string Action, string Object, string Detail);

/// <summary>The audit trail: who did what, when, to which object. Written in the transaction of the change it records.</summary>
public sealed class StaffAudit(NpgsqlDataSource dataSource)
{
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, StaffPerson who, string action, string target, string detail, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "insert into staff_audit (scope, user_name, display_name, action, object, detail) values (@s, @u, @d, @a, @o, @detail)", connection, tx);
        cmd.Parameters.AddWithValue("s", who.Scope);
        cmd.Parameters.AddWithValue("u", who.UserName);
        cmd.Parameters.AddWithValue("d", who.DisplayName);
        cmd.Parameters.AddWithValue("a", action);
        cmd.Parameters.AddWithValue("o", target);
        cmd.Parameters.AddWithValue("detail", detail);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>For a change made elsewhere (a store with its own transaction), recorded right after it.</summary>
    public async Task RecordAsync(StaffPerson who, string action, string target, string detail = "", CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await RecordAsync(connection, null, who, action, target, detail, ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string scope, int limit, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select id, at, user_name, display_name, action, object, detail from staff_audit where scope = @s order by id desc limit @n");
        cmd.Parameters.AddWithValue("s", scope);
        cmd.Parameters.AddWithValue("n", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<AuditEntry>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new AuditEntry(
                reader.GetInt64(reader.GetOrdinal("id")), reader.GetFieldValue<Instant>(reader.GetOrdinal("at")),
                reader.GetString(reader.GetOrdinal("user_name")), reader.GetString(reader.GetOrdinal("display_name")),
                reader.GetString(reader.GetOrdinal("action")), reader.GetString(reader.GetOrdinal("object")), reader.GetString(reader.GetOrdinal("detail"))));
        }

        return result;
    }
}
