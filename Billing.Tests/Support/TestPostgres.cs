using Npgsql;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// The real PostgreSQL server the storage tests run against: the server named by
/// ConnectionStrings__Billing when set, otherwise a project-local cluster under .pg/tests started
/// for this test run and stopped when it ends. Every test gets its own database, copied from a
/// migrated template, so no test sees what another left behind.
/// </summary>
public static class TestPostgres
{
    private const string Template = "billing_test_template";
    private static readonly Lazy<string> AdminConnection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static LocalPostgres? _cluster;

    private static readonly Dictionary<string, Task<string>> SeededTemplates = new(StringComparer.Ordinal);
    private static readonly Lock SeedGate = new();

    public static Task<TestDatabase> CreateDatabaseAsync() => CloneAsync(Template);

    /// <summary>
    /// A database holding what <paramref name="seed"/> puts there. The seed runs once per test run
    /// into a template of its own; every test then gets a fresh copy, so tests share the cost of
    /// seeding but never each other's changes.
    /// </summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(TestSeed seed)
    {
        Task<string> template;
        lock (SeedGate)
        {
            if (!SeededTemplates.TryGetValue(seed.Name, out template!))
            {
                template = SeedTemplateAsync(seed);
                SeededTemplates[seed.Name] = template;
            }
        }

        return await CloneAsync(await template);
    }

    private static async Task<string> SeedTemplateAsync(TestSeed seed)
    {
        var name = $"billing_seed_{seed.Name}";
        await using (var connection = new NpgsqlConnection(AdminConnection.Value))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\" template \"{Template}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var db = new TestDatabase(AdminConnection.Value, name, WithDatabase(AdminConnection.Value, name), dropOnDispose: false);
        await seed.Apply(db);
        await db.DisposeAsync();
        return name;
    }

    private static async Task<TestDatabase> CloneAsync(string template)
    {
        var admin = AdminConnection.Value;
        var name = $"billing_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\" template \"{template}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(admin, name, WithDatabase(admin, name));
    }

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Billing");
        string admin;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            admin = WithDatabase(configured, "postgres");
        }
        else
        {
            _cluster = LocalPostgres.Start("tests", reuseRunning: false, durable: false, TextWriter.Null);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => _cluster.Stop();
            admin = _cluster.ConnectionString();
        }

        using var connection = new NpgsqlConnection(admin);
        connection.Open();
        Execute(connection, $"drop database if exists \"{Template}\" with (force)");
        Execute(connection, $"create database \"{Template}\" encoding 'UTF8' template template0");
        var templateConnection = WithDatabase(admin, Template);
        Migrator.Migrate(templateConnection);

        // A template must have no open sessions when it is copied.
        NpgsqlConnection.ClearAllPools();
        return admin;
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }
}

/// <summary>A database of its own for one test; dropped when the test ends.</summary>
public sealed class TestDatabase(string adminConnection, string name, string connectionString, bool dropOnDispose = true) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public string ConnectionString { get; } = connectionString;

    public NpgsqlDataSource DataSource => _dataSource ??= BillingDatabase.CreateDataSource(ConnectionString);

    public async Task<long> CountAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        if (!dropOnDispose)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A named way to fill a database, run once per test run (see <see cref="TestPostgres.CreateDatabaseAsync(TestSeed)"/>).</summary>
public sealed record TestSeed(string Name, Func<TestDatabase, Task> Apply);
