using Npgsql;
using NpgsqlTypes;

namespace RedProperty.Billing.Infrastructure.Database;

internal static class BinaryCopy
{
    /// <summary>A nullable column of a binary COPY row: NULL when the value is missing.</summary>
    public static Task WriteOrNullAsync<T>(this NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);
}
