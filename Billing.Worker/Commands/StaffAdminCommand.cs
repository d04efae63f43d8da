using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`staff-admin`: the first console administrator of an operator; the others are made in the console.</summary>
public sealed class StaffAdminCommand : BillingCommand
{
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "the operator whose administrator this is", required: true);
    private readonly Option<string> _user = CommandOptions.Text("--user", "the user name to sign in with", required: true);
    private readonly Option<string> _name = CommandOptions.Text("--name", "the name shown and recorded beside every change (default 管理员)");
    private readonly Option<string> _password = CommandOptions.Text("--password", "the password (or the environment variable BILLING_ADMIN_PASSWORD)");

    public StaffAdminCommand()
        : base("staff-admin", "the operator's first console administrator; other accounts are made in the console")
    {
        Options.Add(_operator);
        Options.Add(_user);
        Options.Add(_name);
        Options.Add(_password);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var password = parse.GetValue(_password) ?? Environment.GetEnvironmentVariable("BILLING_ADMIN_PASSWORD")
            ?? throw new CommandException("--password (or the environment variable BILLING_ADMIN_PASSWORD) is required.");
        var operatorCode = await KnownCodes.OperatorAsync(services, parse.GetRequiredValue(_operator), ct);
        var admin = await StaffSetup.FirstAdministratorAsync(
            services.GetRequiredService<NpgsqlDataSource>(), operatorCode, parse.GetRequiredValue(_user), parse.GetValue(_name) ?? "管理员", password);
        Console.WriteLine($"Administrator {admin.UserName} ({admin.DisplayName}) of operator {admin.Scope} created; sign in at /console/sign-in and create the other accounts there.");
        return 0;
    }

    /// <summary>The demo's staff accounts, and how to open the console.</summary>
    public static async Task PrintDemoAccountsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"Finance console: run `Auth__SigningKey='a secret of at least 32 characters' dotnet run --project Billing.Api`,{Environment.NewLine}  open http://localhost:5000/console and sign in as");
        foreach (var op in await new Infrastructure.Runs.BillingRuns(dataSource).OperatorsAsync(ct))
        {
            foreach (var (user, name, role) in await StaffSetup.DemoAccountsAsync(dataSource, op))
            {
                Console.WriteLine($"  {user,-16} {name} ({role.Display()}), password {StaffSetup.DemoPassword}");
            }
        }
    }
}
