using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// Applies the versioned SQL scripts in Database/Migrations (embedded, applied in name order, each
/// in its own transaction, journalled in public.schema_migrations). Worker, Api and tests all call
/// it at start; an advisory lock keeps two processes starting at once from racing.
/// </summary>
public static class Migrator
{
    private const long MigrationLockKey = 0x5265_6450_726F_7031; // "RedProp1"

    public static void Migrate(string connectionString, TextWriter? log = null)
    {
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        using (var take = new NpgsqlCommand("select pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", MigrationLockKey);
            take.ExecuteNonQuery();
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(".Database.Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .JournalToPostgresqlTable("public", "schema_migrations")
                .LogTo(log is null ? new NoOpUpgradeLog() : new TextWriterLog(log))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Database migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
            }
        }
        finally
        {
            using var release = new NpgsqlCommand("select pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            release.ExecuteNonQuery();
        }
    }

    private sealed class TextWriterLog(TextWriter log) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args)
        {
        }

        public void LogDebug(string format, params object[] args)
        {
        }

        public void LogInformation(string format, params object[] args)
        {
            if (format.StartsWith("Executing", StringComparison.Ordinal))
            {
                log.WriteLine("Migration: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
            }
        }

        public void LogWarning(string format, params object[] args) =>
            log.WriteLine("Migration warning: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) =>
            log.WriteLine("Migration error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => LogError(format, args);
    }
}
