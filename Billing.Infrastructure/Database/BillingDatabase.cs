using Microsoft.Extensions.Configuration;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// Where the billing data lives: the configured server (ConnectionStrings:Billing, e.g. the
/// environment variable ConnectionStrings__Billing) or, when none is configured, the project-local
/// cluster, which this object then owns and stops on dispose.
/// </summary>
public sealed class BillingDatabase : IDisposable
{
    public const string DatabaseName = "billing";

    private BillingDatabase(string connectionString, LocalPostgres? cluster)
    {
        ConnectionString = connectionString;
        Cluster = cluster;
        DataSource = CreateDataSource(connectionString);
    }

    public string ConnectionString { get; }

    public LocalPostgres? Cluster { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Resolves, creates if needed, and migrates the billing database.</summary>
    /// <param name="localClusterName">The .pg/ cluster to use when no connection string is configured.</param>
    public static BillingDatabase Open(IConfiguration configuration, string localClusterName, TextWriter log)
    {
        var configured = configuration.GetConnectionString("Billing");
        LocalPostgres? cluster = null;
        string connectionString;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            connectionString = configured;
        }
        else
        {
            cluster = LocalPostgres.Start(localClusterName, reuseRunning: true, durable: true, log);
            EnsureDatabaseExists(cluster.ConnectionString(), DatabaseName);
            connectionString = cluster.ConnectionString(DatabaseName);
        }

        Migrator.Migrate(connectionString, log);
        return new BillingDatabase(connectionString, cluster);
    }

    /// <summary>For callers that already have a migrated database (tests).</summary>
    public static BillingDatabase ForConnectionString(string connectionString) => new(connectionString, null);

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        Rows.Configure();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The same few statements run over and over (a resident's statement, its PDF, the token check):
        // prepared on a connection after their second use, PostgreSQL parses and plans each once, not per call.
        // A connection string that sets Max Auto Prepare keeps its own choice.
        if (!SetsAutoPrepare(connectionString))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        builder.UseNodaTime();
        return builder.Build();
    }

    private static bool SetsAutoPrepare(string connectionString) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));

    public static void EnsureDatabaseExists(string adminConnectionString, string database)
    {
        using var connection = new NpgsqlConnection(adminConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"create database \"{database}\" encoding 'UTF8' template template0", connection);
            create.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        DataSource.Dispose();
        Cluster?.Dispose();
    }
}
