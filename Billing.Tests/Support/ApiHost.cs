using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RedProperty.Billing.Tests.Support;

/// <summary>The Api in process, on a database of its own on the real PostgreSQL.</summary>
public abstract class ApiHost : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;

    protected WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await TestPostgres.CreateDatabaseAsync();
        await SeedAsync(Db);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.UseSetting("ConnectionStrings:Billing", Db.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }

    protected virtual Task SeedAsync(TestDatabase db) => Task.CompletedTask;
}
