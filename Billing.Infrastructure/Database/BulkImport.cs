using Dapper;
using Npgsql;
using NpgsqlTypes;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// The steps an import of many rows shares, inside its one transaction: rows are copied with binary
/// COPY into a temporary staging table (numbered in the order given, with their file and row), then
/// checked and written a set at a time by SQL that names each bad row. Row by row, a city's register
/// costs a few round trips per row; a set at a time, a few statements per file.
/// </summary>
internal sealed class BulkImport(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
{
    public NpgsqlConnection Connection => connection;

    public NpgsqlTransaction Transaction => tx;

    public CancellationToken Cancellation => ct;

    public List<InputError> Errors { get; } = [];

    /// <summary>
    /// Copies rows into a staging table whose first three columns are (seq bigint, source text,
    /// row_no integer), seq numbering the rows as given; <paramref name="write"/> writes the rest.
    /// Returns how many rows were copied.
    /// </summary>
    public Task<int> CopyAsync<T>(string copy, IEnumerable<T> rows, Func<T, (string Source, int Row)> where, Func<NpgsqlBinaryImporter, T, Task> write)
    {
        var seq = 0L;
        return CopyNumberedAsync(copy, rows, r => { var (source, row) = where(r); return (seq++, source, row); }, write);
    }

    /// <summary>As <see cref="CopyAsync"/>, with the seq given: several staged rows (the slots of a monthly lease) can stand for one file row.</summary>
    public async Task<int> CopyNumberedAsync<T>(string copy, IEnumerable<T> rows, Func<T, (long Seq, string Source, int Row)> where, Func<NpgsqlBinaryImporter, T, Task> write)
    {
        var count = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(copy, ct))
        {
            writer.Timeout = TimeSpan.Zero;
            foreach (var row in rows)
            {
                var (seq, source, number) = where(row);
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(seq, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(source, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(number, NpgsqlDbType.Integer, ct);
                await write(writer, row);
                count++;
            }

            await writer.CompleteAsync(ct);
        }

        return count;
    }

    /// <summary>Runs a query whose rows are (seq, source, row, field, code, message) and keeps them as errors found.</summary>
    public async Task ErrorsAsync(List<(long Seq, InputError Error)> found, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // By position on purpose: every importer's check query returns these six columns in this order, unnamed (a literal 'community_code' field).
            found.Add((reader.GetInt64(0), new InputError(reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5))));
        }
    }

    /// <summary>
    /// Marks the rows found bad (a boolean column "bad" of a staging table), so that what is written
    /// next leaves them out, as a row-by-row import would have skipped them: the rows after them are
    /// still checked against what the good rows stored, and the import then reports every error.
    /// </summary>
    public async Task MarkBadAsync(string table, List<(long Seq, InputError Error)> found)
    {
        if (found.Count > 0)
        {
            await ExecuteAsync($"update {table} set bad = true where seq = any(@seqs)", ("seqs", found.Select(f => f.Seq).Distinct().ToArray()));
        }
    }

    /// <summary>One file's errors in the order of its rows, as a row-by-row check would have found them.</summary>
    public void AddInRowOrder(List<(long Seq, InputError Error)> found) =>
        Errors.AddRange(found.OrderBy(f => f.Seq).Select(f => f.Error));

    /// <summary>Rows of <paramref name="sql"/> mapped by column name (see <see cref="Rows"/>), inside the import's transaction and, like its other statements, with no timeout.</summary>
    public async Task<IReadOnlyList<T>> RowsAsync<T>(string sql, object? parameters = null)
    {
        Rows.Configure();
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, tx, commandTimeout: 0, cancellationToken: ct))).AsList();
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default : (T)result;
    }

    public NpgsqlCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        // A set statement over a city's rows can take longer than the 30 s default; a timeout would only abort a valid import.
        var cmd = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }
}
