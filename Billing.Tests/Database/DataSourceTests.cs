using Npgsql;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Tests.Database;

public sealed class DataSourceTests
{
    // Where the connection string sets its own maximum, the rest is Npgsql's default too (five usages before preparing).
    [Theory]
    [Trait("Category", "Core")]
    [InlineData("Host=/tmp;Database=billing", 64, 2)]
    [InlineData("Host=/tmp;Database=billing;Max Auto Prepare=0", 0, 5)]
    [InlineData("Host=/tmp;Database=billing;MaxAutoPrepare=10", 10, 5)]
    [InlineData("Host=/tmp;Database=billing;max auto prepare=5;Auto Prepare Min Usages=7", 5, 7)]
    public void Repeated_statements_are_prepared_unless_the_connection_string_chooses(string connectionString, int maxAutoPrepare, int minUsages)
    {
        using var dataSource = BillingDatabase.CreateDataSource(connectionString);

        var used = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal((maxAutoPrepare, minUsages), (used.MaxAutoPrepare, used.AutoPrepareMinUsages));
    }
}
