using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>A daily statement as uploaded: which channel and day, the file, who uploaded it and when.</summary>
public sealed record ChannelStatementImport(
    long Id, string OperatorCode, PaymentChannel Channel, LocalDate Date, string FileName, string Sha256, string UploadedBy, Instant UploadedAt);

/// <summary>
/// Uploaded daily statements, kept as sent so their reconciliation can be shown and exported again.
/// Every read names the operator: another operator's upload is not found.
/// </summary>
public sealed class ChannelStatementImports(NpgsqlDataSource db)
{
    public async Task<long> SaveAsync(string operatorCode, PaymentChannel channel, LocalDate date, string fileName, byte[] content, string uploadedBy, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into channel_statement_import (operator_code, channel, statement_date, file_name, content, sha256, uploaded_by)
            values (@operatorCode, @channel, @date::date, @fileName, @content, @sha256, @uploadedBy) returning id
            """,
            new
            {
                operatorCode, channel = channel.Name(), date = Iso(date), fileName, content,
                sha256 = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), uploadedBy,
            },
            cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ChannelStatementImport>> RecentAsync(string operatorCode, int limit = 30, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ImportRow>(new CommandDefinition(
            $"""
            {Select.Replace("content as Content", "null::bytea as Content", StringComparison.Ordinal)}
            where operator_code = @operatorCode order by uploaded_at desc, id desc limit @limit
            """, new { operatorCode, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToImport()).ToList();
    }

    /// <summary>An upload of this operator with its bytes, or null (also for another operator's).</summary>
    public async Task<(ChannelStatementImport Import, byte[] Content)?> FindAsync(string operatorCode, long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(
            $"{Select} where operator_code = @operatorCode and id = @id", new { operatorCode, id }, cancellationToken: ct));
        return row is null ? null : (row.ToImport(), row.Content ?? []);
    }

    private const string Select =
        """
        select id as Id, operator_code as OperatorCode, channel as Channel, statement_date::text as Date, file_name as FileName,
               sha256 as Sha256, uploaded_by as UploadedBy, uploaded_at as UploadedAt, content as Content
        from channel_statement_import
        """;

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A row of channel_statement_import, mapped by column name.</summary>
    private sealed record ImportRow(long Id, string OperatorCode, string Channel, string Date, string FileName, string Sha256, string UploadedBy, Instant UploadedAt, byte[]? Content)
    {
        public ChannelStatementImport ToImport() => new(
            Id, OperatorCode,
            PaymentChannels.TryParse(Channel, out var channel) ? channel : throw new InvalidOperationException($"statement upload {Id} has unknown channel '{Channel}'"),
            LocalDatePattern.Iso.Parse(Date).Value, FileName, Sha256, UploadedBy, UploadedAt);
    }
}
