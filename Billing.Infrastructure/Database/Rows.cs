using System.Data;
using Dapper;
using Npgsql;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// Reads rows by column name with Dapper: a query's column aliases equal the constructor parameter
/// names of a small row record (<c>households_total</c> fills <c>HouseholdsTotal</c>), in the same
/// order and of the types Npgsql returns (<c>int4</c> → int, <c>int8</c> → long, <c>numeric</c> →
/// decimal, <c>date</c> → <see cref="LocalDate"/>, <c>timestamptz</c> → <see cref="Instant"/>).
/// The row record then converts itself to domain types in one place. A column renamed or reordered
/// fails loudly at the first read instead of shifting every value after it.
/// </summary>
public static class Rows
{
    static Rows()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        // Npgsql's NodaTime plugin reads and writes these itself; the handlers only stop Dapper from
        // refusing them as parameters, and from expanding arrays into "(@a1, @a2)" lists, which would
        // break PostgreSQL's "= any(@a)".
        foreach (var type in new[]
                 {
                     typeof(LocalDate), typeof(Instant), typeof(LocalDateTime), typeof(Interval), typeof(string[]), typeof(long[]), typeof(int[]), typeof(decimal[]), typeof(LocalDate[]),
                 })
        {
            SqlMapper.AddTypeHandler(type, PassThrough.Instance);
        }
    }

    /// <summary>Makes sure Dapper is set up (name matching, handlers) before anyone maps a row, also Dapper called directly.</summary>
    public static void Configure()
    {
        // The static constructor did the work; calling any member runs it once.
    }

    /// <summary>Every row of <paramref name="sql"/>, mapped by name into <typeparamref name="T"/>.</summary>
    public static async Task<IReadOnlyList<T>> QueryRowsAsync<T>(this NpgsqlDataSource db, string sql, object? parameters = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QueryRowsAsync<T>(sql, parameters, null, ct);
    }

    public static async Task<IReadOnlyList<T>> QueryRowsAsync<T>(this NpgsqlConnection connection, string sql, object? parameters, NpgsqlTransaction? tx, CancellationToken ct = default) =>
        (await connection.QueryAsync<T>(Command(sql, parameters, tx, ct))).AsList();

    /// <summary>Rows one at a time as they arrive, for results too large to hold (PDFs of a month).</summary>
    public static System.Runtime.CompilerServices.ConfiguredCancelableAsyncEnumerable<T> QueryRowsUnbufferedAsync<T>(this NpgsqlConnection connection, string sql, object? parameters, CancellationToken ct = default) =>
#pragma warning disable DAP005 // Rows are mapped at run time (reflection-emit), as everywhere else here; Dapper.AOT's generator is not used.
        connection.QueryUnbufferedAsync<T>(sql, parameters).WithCancellation(ct);
#pragma warning restore DAP005

    /// <summary>The first row of <paramref name="sql"/>, or the default when there is none.</summary>
    public static async Task<T?> QueryRowAsync<T>(this NpgsqlDataSource db, string sql, object? parameters = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QueryRowAsync<T>(sql, parameters, null, ct);
    }

    public static Task<T?> QueryRowAsync<T>(this NpgsqlConnection connection, string sql, object? parameters, NpgsqlTransaction? tx, CancellationToken ct = default) =>
        connection.QueryFirstOrDefaultAsync<T>(Command(sql, parameters, tx, ct))!;

    private static CommandDefinition Command(string sql, object? parameters, NpgsqlTransaction? tx, CancellationToken ct) =>
        new(sql, parameters, tx, cancellationToken: ct);

    private sealed class PassThrough : SqlMapper.ITypeHandler
    {
        public static readonly PassThrough Instance = new();

        public void SetValue(IDbDataParameter parameter, object value) => parameter.Value = value ?? DBNull.Value;

        public object Parse(Type destinationType, object value) => value;
    }
}
