using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`migrate`: bring the database schema up to date (every command does this on first use, too).</summary>
public sealed class MigrateCommand : BillingCommand
{
    public MigrateCommand()
        : base("migrate", "apply the database migrations")
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        services.GetRequiredService<BillingDatabase>();
        Console.WriteLine("Database is up to date.");
        return Task.FromResult(0);
    }
}
