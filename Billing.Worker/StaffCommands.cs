using Microsoft.Extensions.Configuration;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Worker;

/// <summary>Staff accounts from the command line: the first administrator of an operator, and the demo's accounts.</summary>
public static partial class Cli
{
    /// <summary>staff-admin --operator CODE --user NAME --name 显示名 [--password P] (or BILLING_ADMIN_PASSWORD).</summary>
    private static async Task<int> StaffAdminAsync(IConfiguration configuration, Options options)
    {
        var password = options.Get("password") ?? Environment.GetEnvironmentVariable("BILLING_ADMIN_PASSWORD")
            ?? throw new ArgumentException("--password (or the environment variable BILLING_ADMIN_PASSWORD) is required.");
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var admin = await StaffSetup.FirstAdministratorAsync(database.DataSource, options.Require("operator"), options.Require("user"), options.Get("name") ?? "管理员", password);
        Console.WriteLine($"Administrator {admin.UserName} ({admin.DisplayName}) of operator {admin.Scope} created; sign in at /console/sign-in and create the other accounts there.");
        return 0;
    }

    /// <summary>The demo's staff accounts, and how to open the console.</summary>
    private static async Task PrintConsoleAsync(BillingDatabase database)
    {
        Console.WriteLine();
        Console.WriteLine($"Finance console: run `Auth__SigningKey='a secret of at least 32 characters' dotnet run --project Billing.Api`,{Environment.NewLine}  open http://localhost:5000/console and sign in as");
        foreach (var op in await new Infrastructure.Runs.BillingRuns(database.DataSource).OperatorsAsync())
        {
            foreach (var (user, name, role) in await StaffSetup.DemoAccountsAsync(database.DataSource, op))
            {
                Console.WriteLine($"  {user,-16} {name} ({role.Display()}), password {StaffSetup.DemoPassword}");
            }
        }
    }
}
