using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Benchmarks;

/// <summary>
/// The raw limit for storing a month: the rows a run stored (statements, lines, ledger charges,
/// district lines, PDFs) copied out once, then timed as plain binary COPY into tables with the
/// same columns, checks and indexes, twice: bare (no triggers, no foreign keys) and with the
/// real tables' foreign keys, which PostgreSQL checks row by row. What a run's store phase
/// takes beyond the second is the price of locking, skipping issued households, account
/// positions, progress and round trips.
/// </summary>
public static class CopyLimit
{
    private static readonly (string Table, string Select)[] Tables =
    [
        ("statement", "select * from statement where period = @p"),
        ("statement_line", "select l.* from statement_line l join statement s on s.id = l.statement_id where s.period = @p"),
        ("ledger_entry", "select e.* from ledger_entry e join statement s on s.id = e.statement_id where s.period = @p"),
        ("district_invoice_line", "select d.* from district_invoice_line d join statement s on s.id = d.statement_id where s.period = @p"),
        ("statement_pdf", "select f.* from statement_pdf f join statement s on s.id = f.statement_id where s.period = @p"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var period = BillingPeriod.Parse(args.Length > 0 ? args[0] : "2026-10");
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var folder = Directory.CreateTempSubdirectory("copy-limit-");
        try
        {
            var totals = new Dictionary<bool, TimeSpan> { [false] = TimeSpan.Zero, [true] = TimeSpan.Zero };
            foreach (var (table, select) in Tables)
            {
                var file = Path.Combine(folder.FullName, table + ".bin");
                var literal = select.Replace("@p", $"'{period.Year:D4}-{period.Month:D2}-01'::date", StringComparison.Ordinal);
                await using (var output = File.Create(file))
                await using (var export = await connection.BeginRawBinaryCopyAsync($"copy ({literal}) to stdout (format binary)"))
                {
                    await export.CopyToAsync(output);
                }

                var rows = await Count(connection, $"select count(*) from ({literal}) x");
                foreach (var withForeignKeys in new[] { false, true })
                {
                    await Execute(connection, $"drop table if exists bench_{table}; create table bench_{table} (like {table} including defaults including constraints including indexes including storage)");
                    if (withForeignKeys)
                    {
                        await Execute(connection, await ForeignKeysAsync(connection, table));
                    }

                    var clock = Stopwatch.StartNew();
                    await using (var input = File.OpenRead(file))
                    await using (var import = await connection.BeginRawBinaryCopyAsync($"copy bench_{table} from stdin (format binary)"))
                    {
                        await input.CopyToAsync(import);
                    }

                    clock.Stop();
                    totals[withForeignKeys] += clock.Elapsed;
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{table,-22} {(withForeignKeys ? "with foreign keys" : "bare"),-17} {rows,10} rows {new FileInfo(file).Length / 1048576.0,9:0.0} MB  COPY {clock.Elapsed.TotalSeconds,7:0.00} s  {rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001),9:0} rows/s"));
                    await Execute(connection, $"drop table bench_{table}");
                }
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"raw binary COPY of the month's rows: {totals[false].TotalSeconds:0.00} s bare, {totals[true].TotalSeconds:0.00} s with the foreign keys"));
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The table's foreign keys, as statements that add them to its bench copy.</summary>
    private static async Task<string> ForeignKeysAsync(NpgsqlConnection connection, string table)
    {
        await using var cmd = new NpgsqlCommand(
            "select string_agg(format('alter table %I add %s;', 'bench_' || @t, pg_get_constraintdef(oid)), ' ') from pg_constraint where conrelid = @t::regclass and contype = 'f'",
            connection);
        cmd.Parameters.AddWithValue("t", table);
        return await cmd.ExecuteScalarAsync() as string ?? string.Empty;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> Count(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
